"""Office texts (contract terms, warranty conditions): versioned, the newest one is printed."""

from __future__ import annotations

import sqlalchemy as sa

from ..domain.errors import N_, DomainError
from ..domain.texts import TextKind, default_text
from ..extensions import db
from ..models import Office, OfficeText, User

MAX_TEXT_LENGTH = 10_000


def current_text(office: Office, kind: TextKind, locale: str) -> OfficeText:
    """The newest version; the built-in text becomes version 1 the first time it is needed."""
    text = db.session.execute(
        sa.select(OfficeText)
        .where(
            OfficeText.office_id == office.id, OfficeText.kind == kind, OfficeText.locale == locale
        )
        .order_by(OfficeText.version.desc())
        .limit(1)
    ).scalar_one_or_none()
    if text is None:
        text = OfficeText(
            office_id=office.id,
            kind=kind,
            locale=locale,
            version=1,
            body=default_text(kind, locale),
        )
        db.session.add(text)
        db.session.flush()
    return text


def revise_text(
    office: Office, kind: TextKind, locale: str, body: str, *, actor: User
) -> OfficeText:
    """Save a new version of a text; earlier versions stay, as printed documents refer to them.

    Raises DomainError for an empty or overlong text, or one identical to the current version.
    """
    body = body.strip().replace("\r\n", "\n")
    if not body:
        raise DomainError(N_("The text cannot be empty."), field="body")
    if len(body) > MAX_TEXT_LENGTH:
        raise DomainError(N_("The text is too long."), field="body")
    current = current_text(office, kind, locale)
    if current.body == body:
        raise DomainError(N_("Nothing changed: this is the current version."), field="body")
    text = OfficeText(
        office_id=office.id,
        kind=kind,
        locale=locale,
        version=current.version + 1,
        body=body,
        created_by_id=actor.id,
    )
    db.session.add(text)
    db.session.flush()
    return text
