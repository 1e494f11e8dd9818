"""Offices (deal with customers) and workshops (repair), the two tiers of the network."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.enums import WorkshopKind
from ..extensions import db
from ._types import enum_column


class Office(db.Model):
    __tablename__ = "offices"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(6), unique=True)  # prefix of order numbers
    name: Mapped[str] = mapped_column(sa.String(120))
    legal_name: Mapped[str] = mapped_column(sa.String(200), default="")
    tax_id: Mapped[str] = mapped_column(sa.String(20), default="")
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    phone: Mapped[str] = mapped_column(sa.String(20), default="")
    hours: Mapped[str] = mapped_column(sa.String(120), default="")
    locale: Mapped[str] = mapped_column(sa.String(5), default="ru")

    def __repr__(self) -> str:
        return f"<Office {self.code}>"


class Workshop(db.Model):
    __tablename__ = "workshops"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    kind: Mapped[WorkshopKind] = mapped_column(enum_column(WorkshopKind))
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    phone: Mapped[str] = mapped_column(sa.String(20), default="")
    email: Mapped[str] = mapped_column(sa.String(120), default="")
    # A workshop on an office's premises: devices need no handover transit to and from it.
    in_office_id: Mapped[int | None] = mapped_column(sa.ForeignKey("offices.id"))
    turnaround_days: Mapped[int] = mapped_column(default=7)
    active: Mapped[bool] = mapped_column(default=True)

    in_office: Mapped[Office | None] = relationship()

    def is_inside(self, office_id: int) -> bool:
        """Whether devices of this office reach the workshop without a handover. Another
        office's orders travel to it like to any remote workshop."""
        return self.in_office_id is not None and self.in_office_id == office_id

    def __repr__(self) -> str:
        return f"<Workshop {self.name}>"
