"""Customers and their devices. A device keeps its whole repair history across visits."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.enums import CustomerKind, DeviceCategory
from ..extensions import db
from ._types import UTCDateTime, enum_column, utcnow


class Customer(db.Model):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    # casefolded name: SQLite's lower() knows only ASCII, and search must find Cyrillic names
    search_name: Mapped[str] = mapped_column(sa.String(120), index=True)
    phone: Mapped[str] = mapped_column(sa.String(16), index=True)  # +digits, see domain.contact
    email: Mapped[str | None] = mapped_column(sa.String(120))
    kind: Mapped[CustomerKind] = mapped_column(enum_column(CustomerKind))
    consent_sms: Mapped[bool] = mapped_column(default=False)
    consent_email: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    devices: Mapped[list[Device]] = relationship(back_populates="customer", lazy="raise")

    def __repr__(self) -> str:
        return f"<Customer {self.id} {self.phone}>"


class Device(db.Model):
    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    category: Mapped[DeviceCategory] = mapped_column(enum_column(DeviceCategory))
    brand: Mapped[str] = mapped_column(sa.String(60))
    model: Mapped[str] = mapped_column(sa.String(80))
    # Not unique: the same device comes back, and may change hands.
    serial: Mapped[str] = mapped_column(sa.String(40), index=True)
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
