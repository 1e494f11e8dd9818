"""Customers and their devices. A device keeps its whole repair history across visits."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.enums import CustomerKind, DeviceCategory
from ..extensions import db
from ._types import UTCDateTime, byte_ordered, enum_column, utcnow
from .user import User


class Customer(db.Model):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Bumped by every UPDATE: a consent form or a merge posted from an older page is refused,
    # not applied over someone else's change.
    version: Mapped[int] = mapped_column(nullable=False, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    name: Mapped[str] = mapped_column(sa.String(120))
    phone: Mapped[str] = mapped_column(sa.String(16), index=True)  # +digits, see domain.contact
    email: Mapped[str | None] = mapped_column(sa.String(120))
    kind: Mapped[CustomerKind] = mapped_column(enum_column(CustomerKind))
    consent_sms: Mapped[bool] = mapped_column(default=False)
    consent_email: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    devices: Mapped[list[Device]] = relationship(back_populates="customer", lazy="raise")

    def __repr__(self) -> str:
        return f"<Customer {self.id} {self.phone}>"


class CustomerSearchKey(db.Model):
    """One way of finding a customer: a word start of the name or a form of the phone
    (domain.customers.search_keys). Rewritten by services.customer_keys whenever the name or
    phone is, so a search reads one index range instead of every customer."""

    __tablename__ = "customer_search_keys"

    key: Mapped[str] = mapped_column(byte_ordered(130), primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Device(db.Model):
    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    category: Mapped[DeviceCategory] = mapped_column(enum_column(DeviceCategory))
    brand: Mapped[str] = mapped_column(sa.String(60))
    model: Mapped[str] = mapped_column(sa.String(80))
    # Not unique: the same device comes back, and may change hands.
    serial: Mapped[str] = mapped_column(byte_ordered(40), index=True)
    purchase_date: Mapped[date | None]
    seller: Mapped[str | None] = mapped_column(sa.String(120))
    warranty_months: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    customer: Mapped[Customer] = relationship(back_populates="devices")

    @property
    def title(self) -> str:
        return f"{self.brand} {self.model}"

    def __repr__(self) -> str:
        return f"<Device {self.id} {self.serial}>"


class CustomerMerge(db.Model):
    """A duplicate record merged into a survivor: who did it, when, and what the duplicate was.

    The duplicate's row is deleted once its devices, orders and messages moved, so its name,
    phone and e-mail are kept here: the profile says where the survivor's history came from.
    """

    __tablename__ = "customer_merges"
    __table_args__ = (sa.Index("ix_customer_merges_survivor", "survivor_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survivor_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"))
    # No foreign key: the merged row is gone, its id stays for reference (old printouts, logs).
    merged_id: Mapped[int]
    merged_name: Mapped[str] = mapped_column(sa.String(120))
    merged_phone: Mapped[str] = mapped_column(sa.String(16))
    merged_email: Mapped[str | None] = mapped_column(sa.String(120))
    devices_moved: Mapped[int] = mapped_column(default=0)
    orders_moved: Mapped[int] = mapped_column(default=0)
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User] = relationship(lazy="raise")
