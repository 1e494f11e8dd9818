"""Partner workshops' side of the network: the refusals they answered, their monthly settlements."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, utcnow
from .network import Workshop
from .user import User


class WorkshopRefusal(db.Model):
    """A workshop sent an order back to the office (append-only).

    The order's workshop is changed when the office routes it again, so its history cannot say
    who refused: this row keeps the workshop that did.
    """

    __tablename__ = "workshop_refusals"
    # the partner figures count a range of refusal times per workshop
    __table_args__ = (sa.Index("ix_workshop_refusals_workshop", "workshop_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("repair_orders.id"), index=True)
    workshop_id: Mapped[int] = mapped_column(sa.ForeignKey("workshops.id"))
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(sa.Text, default="")


class Settlement(db.Model):
    """A confirmed monthly settlement with a partner workshop: every figure frozen as shown.

    Amounts in minor units. One per workshop and month; the PDF is stored byte for byte.
    """

    __tablename__ = "settlements"
    __table_args__ = (
        sa.UniqueConstraint("workshop_id", "year", "month"),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name="settlement_month_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(sa.ForeignKey("workshops.id"))
    year: Mapped[int]
    month: Mapped[int]
    number: Mapped[str] = mapped_column(sa.String(30), unique=True)
    locale: Mapped[str] = mapped_column(sa.String(5))
    currency: Mapped[str] = mapped_column(sa.String(3))
    network_name: Mapped[str] = mapped_column(sa.String(200))
    network_tax_id: Mapped[str] = mapped_column(sa.String(20), default="")
    workshop_name: Mapped[str] = mapped_column(sa.String(120))
    orders: Mapped[int]
    labour: Mapped[int]
    labour_due: Mapped[int]
    network_units: Mapped[int]
    workshop_units: Mapped[int]
    workshop_parts: Mapped[int]
    total_due: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int]
    content: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary))
    confirmed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    workshop: Mapped[Workshop] = relationship()
    confirmed_by: Mapped[User] = relationship()


class SettlementLine(db.Model):
    """One order of a confirmed settlement, as it was shown when confirmed."""

    __tablename__ = "settlement_lines"
    __table_args__ = (sa.UniqueConstraint("settlement_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    settlement_id: Mapped[int] = mapped_column(sa.ForeignKey("settlements.id"))
    position: Mapped[int]
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("repair_orders.id"), index=True)
    order_number: Mapped[str] = mapped_column(sa.String(20))
    completed_on: Mapped[date]
    contract_number: Mapped[str | None] = mapped_column(sa.String(40))
    share_percent: Mapped[int]
    labour: Mapped[int]
    labour_due: Mapped[int]
    network_units: Mapped[int]
    workshop_units: Mapped[int]
    workshop_parts: Mapped[int]
    # Why the line earns less than its share, if it does (domain.settlements.Reason).
    reason: Mapped[str] = mapped_column(sa.String(20), default="")
