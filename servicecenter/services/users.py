"""Staff accounts: creation, password hashing with Argon2, authentication."""

from __future__ import annotations

import contextlib
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from ..domain.enums import Role
from ..domain.errors import N_, DomainError
from ..extensions import db
from ..models import Office, User, Workshop
from ..models._types import utcnow
from ..models.user import new_session_stamp

MIN_PASSWORD_LENGTH = 4  # the demo password is "demo"; production policy belongs to the admin issue


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"], memory_cost=config["ARGON2_MEMORY_COST"]
    )


# A hash to verify against when the user does not exist, so that timing does not reveal
# which usernames are real.
_DUMMY_HASHES: dict[tuple[int, int], str] = {}


def _dummy_hash() -> str:
    key = (current_app.config["ARGON2_TIME_COST"], current_app.config["ARGON2_MEMORY_COST"])
    if key not in _DUMMY_HASHES:
        _DUMMY_HASHES[key] = _hasher().hash("not-a-password")
    return _DUMMY_HASHES[key]


def create_user(
    *,
    username: str,
    name: str,
    role: Role,
    password: str,
    office: Office | None = None,
    workshop: Workshop | None = None,
    locale: str | None = None,
) -> User:
    """Add a staff account. Receptionists belong to an office, workshop staff to a workshop.

    Raises DomainError when the role and the place do not fit or the password is too short.
    """
    if role is Role.RECEPTIONIST and (office is None or workshop is not None):
        raise DomainError(N_("A receptionist belongs to an office."))
    if role.is_workshop_staff and (workshop is None or office is not None):
        raise DomainError(N_("Workshop staff belong to a workshop."))
    if role is Role.ADMIN and (office is not None or workshop is not None):
        raise DomainError(N_("An administrator belongs to no office or workshop."))
    user = User(
        username=username.strip().lower(),
        name=name.strip(),
        role=role,
        office=office,
        workshop=workshop,
        locale=locale,
    )
    set_password(user, password)
    db.session.add(user)
    db.session.flush()
    return user


def set_password(user: User, password: str) -> None:
    """Hash and store a new password; every existing session of the user ends with it."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(N_("The password is too short."), field="password")
    user.password_hash = _hasher().hash(password)
    user.session_stamp = new_session_stamp()


def change_password(user: User, *, current: str, new: str) -> None:
    """The user's own change of password: the current one proves it is them. Every other
    session of the user ends (the caller logs the current one in again).

    Raises DomainError on `current_password` (wrong) or `password` (too short).
    """
    try:
        _hasher().verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise DomainError(
            N_("This is not your current password."), field="current_password"
        ) from None
    set_password(user, new)


def set_locale(user: User, locale: str | None) -> None:
    """The user's interface language; None follows the browser's."""
    if locale is not None and locale not in current_app.config["LANGUAGES"]:
        raise DomainError(N_("Choose one of the languages offered."), field="locale")
    user.locale = locale


def authenticate(username: str, password: str, *, now: datetime | None = None) -> User | None:
    """The active user with these credentials, or None. Upgrades the hash if parameters changed."""
    user = db.session.execute(
        db.select(User).where(User.username == username.strip().lower())
    ).scalar_one_or_none()
    hasher = _hasher()
    if user is None or not user.active:
        with contextlib.suppress(VerificationError):
            hasher.verify(_dummy_hash(), password)
        return None
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    user.last_login_at = now or utcnow()
    return user
