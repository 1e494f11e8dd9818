"""Flask-Login wiring: the login cookie carries the account's session stamp."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

from ..extensions import db
from ..models import User


def load_user(cookie_id: str) -> User | None:
    """Find the user of a session; a stale stamp (password changed since) logs them out."""
    user_id, _, stamp = cookie_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_stamp != stamp:
        return None
    return user


def configure(manager: LoginManager) -> None:
    manager.user_loader(load_user)
    manager.login_view = "auth.login"
    manager.login_message = _l("Please log in to open this page.")
    manager.login_message_category = "warning"
    manager.session_protection = "basic"
