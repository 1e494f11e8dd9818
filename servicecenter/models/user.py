"""Staff accounts: one role, attached to one office or one workshop (admins to none)."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.enums import Role
from ..extensions import db
from ._types import UTCDateTime, enum_column, utcnow
from .network import Office, Workshop


def new_session_stamp() -> str:
    return secrets.token_hex(8)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint(
            "NOT (office_id IS NOT NULL AND workshop_id IS NOT NULL)", name="one_place"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    office_id: Mapped[int | None] = mapped_column(sa.ForeignKey("offices.id"), index=True)
    workshop_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workshops.id"), index=True)
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    # Part of the login cookie: changing the password changes it, which ends every other session
    # and every remember-me cookie.
    session_stamp: Mapped[str] = mapped_column(sa.String(16), default=new_session_stamp)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(sa.String(5))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    office: Mapped[Office | None] = relationship()
    workshop: Mapped[Workshop | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_stamp}"

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"
