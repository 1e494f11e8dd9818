"""Who may open a page: login plus roles. Which objects they may see is decided by queries.scope."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from ..domain.enums import Role


def roles_required(*roles: Role):
    """Require a logged-in user with one of `roles` (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


STAFF = tuple(Role)
OFFICE_ROLES = (Role.ADMIN, Role.RECEPTIONIST)
WORKSHOP_ROLES = (Role.ADMIN, Role.MANAGER, Role.TECHNICIAN)
