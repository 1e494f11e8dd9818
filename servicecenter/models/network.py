"""Offices (deal with customers) and workshops (repair), the two tiers of the network."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.contracts import Terms, split_brands
from ..domain.enums import DeviceCategory, WorkshopKind
from ..extensions import db
from ._types import enum_column


class Office(db.Model):
    __tablename__ = "offices"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Bumped by every UPDATE: an admin's form saved over someone else's change is refused.
    version: Mapped[int] = mapped_column(nullable=False, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    code: Mapped[str] = mapped_column(sa.String(6), unique=True)  # prefix of order numbers
    name: Mapped[str] = mapped_column(sa.String(120))
    legal_name: Mapped[str] = mapped_column(sa.String(200), default="")
    tax_id: Mapped[str] = mapped_column(sa.String(20), default="")
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    phone: Mapped[str] = mapped_column(sa.String(20), default="")
    hours: Mapped[str] = mapped_column(sa.String(120), default="")
    locale: Mapped[str] = mapped_column(sa.String(5), default="ru")
    # Where the daily digests (deadlines, low stock) go; empty: none are sent.
    digest_email: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")

    def __repr__(self) -> str:
        return f"<Office {self.code}>"


class Workshop(db.Model):
    __tablename__ = "workshops"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Bumped by every UPDATE: an admin's form saved over someone else's change is refused.
    version: Mapped[int] = mapped_column(nullable=False, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    kind: Mapped[WorkshopKind] = mapped_column(enum_column(WorkshopKind))
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    phone: Mapped[str] = mapped_column(sa.String(20), default="")
    email: Mapped[str] = mapped_column(sa.String(120), default="")
    # The workshop manager's address for the daily digests; empty: none are sent.
    digest_email: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
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


class WorkshopContract(db.Model):
    """A partner workshop's contract. One workshop has at most one active contract on any day
    (services.network checks it); an order can be routed there only while one is in force."""

    __tablename__ = "workshop_contracts"
    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="contract_dates_in_order"),
        sa.CheckConstraint(
            "labour_share_percent BETWEEN 0 AND 100", name="contract_share_is_a_percentage"
        ),
        sa.Index("ix_workshop_contracts_workshop", "workshop_id", "starts_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Bumped by every UPDATE: an admin's form saved over someone else's change is refused.
    version: Mapped[int] = mapped_column(nullable=False, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    workshop_id: Mapped[int] = mapped_column(sa.ForeignKey("workshops.id"))
    number: Mapped[str] = mapped_column(sa.String(40))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    # Device categories, comma-separated values of DeviceCategory.
    categories: Mapped[str] = mapped_column(sa.String(200))
    # Brands, comma-separated; empty means every brand of the categories.
    brands: Mapped[str] = mapped_column(sa.String(500), default="")
    turnaround_days: Mapped[int] = mapped_column(default=7)
    labour_share_percent: Mapped[int] = mapped_column(default=50)
    active: Mapped[bool] = mapped_column(default=True)

    workshop: Mapped[Workshop] = relationship()

    @property
    def terms(self) -> Terms:
        return Terms(
            number=self.number,
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            categories=frozenset(
                DeviceCategory(value) for value in self.categories.split(",") if value
            ),
            brands=split_brands(self.brands),
            turnaround_days=self.turnaround_days,
            labour_share_percent=self.labour_share_percent,
            active=self.active,
        )

    def __repr__(self) -> str:
        return f"<WorkshopContract {self.number}>"
