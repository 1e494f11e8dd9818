"""Repair orders with their status history and payments, and the per-office number counters."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.enums import OrderKind, OrderStatus, Outcome, PaymentKind, PaymentMethod
from ..extensions import db
from ._types import UTCDateTime, byte_ordered, enum_column, utcnow
from .customer import Customer, Device
from .network import Office, Workshop
from .user import User

if TYPE_CHECKING:
    from .document import Document


class OrderNumberCounter(db.Model):
    """Last sequence number issued per office and year.

    Incremented in the same transaction that inserts the order, so a rolled-back intake gives
    its number back: numbers have neither gaps nor duplicates.
    """

    __tablename__ = "order_number_counters"

    office_id: Mapped[int] = mapped_column(sa.ForeignKey("offices.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_value: Mapped[int] = mapped_column(default=0)


class RepairOrder(db.Model):
    """Amounts are integer minor units (kopecks/cents), see domain.money."""

    __tablename__ = "repair_orders"
    __table_args__ = (
        sa.UniqueConstraint("office_id", "year", "sequence"),
        # technician's queue: own workshop, open statuses, soonest promise first
        sa.Index("ix_repair_orders_workshop_queue", "workshop_id", "status", "promised_date"),
        # lists and filters, newest first (keyset pagination on received_at, id)
        sa.Index("ix_repair_orders_office_received", "office_id", "received_at", "id"),
        sa.Index("ix_repair_orders_received", "received_at", "id"),
        sa.Index("ix_repair_orders_status_received", "status", "received_at", "id"),
        # the workshops' recent on-time record at intake: a range of recent ready times; with
        # the intake time, promise kept and outcome the dashboard's turnaround, on-time and
        # repeat figures read the index alone
        sa.Index(
            "ix_repair_orders_ready",
            "ready_at",
            "workshop_id",
            "received_at",
            "ready_on_time",
            "outcome",
        ),
        # the jobs: ready orders by how long they wait, open orders by their promised date,
        # collected orders by when (the survey)
        sa.Index("ix_repair_orders_status_ready", "status", "ready_at"),
        sa.Index("ix_repair_orders_status_promised", "status", "promised_date"),
        # (and the dashboard's time from intake to collection, from the index alone)
        sa.Index("ix_repair_orders_collected", "collected_at", "workshop_id", "received_at"),
        # the partner figures: a workshop's orders accepted, and made ready, in a range of months
        sa.Index("ix_repair_orders_workshop_accepted", "workshop_id", "accepted_at"),
        # the orders that came back under our warranty since a day (the repeat-repair rate)
        sa.Index("ix_repair_orders_kind_received", "kind", "received_at"),
        sa.Index(
            "ix_repair_orders_workshop_ready",
            "workshop_id",
            "ready_at",
            "received_at",
            "ready_on_time",
            "outcome",
        ),
        sa.CheckConstraint("estimate IS NULL OR estimate >= 0", name="estimate_not_negative"),
        sa.CheckConstraint("price IS NULL OR price >= 0", name="price_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Bumped by every UPDATE: a form posted with an older version is refused, not applied over
    # someone else's change (and a concurrent flush fails instead of overwriting).
    version: Mapped[int] = mapped_column(nullable=False)
    __mapper_args__ = {"version_id_col": version}
    number: Mapped[str] = mapped_column(byte_ordered(20), unique=True)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("offices.id"))
    year: Mapped[int]
    sequence: Mapped[int]
    tracking_token: Mapped[str] = mapped_column(sa.String(32), unique=True)

    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    device_id: Mapped[int] = mapped_column(sa.ForeignKey("devices.id"), index=True)
    workshop_id: Mapped[int] = mapped_column(sa.ForeignKey("workshops.id"))
    technician_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # A partner workshop's manager accepts an order sent there (taking responsibility for it)
    # before its technicians may start; a refusal clears it with the routing.
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    received_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    kind: Mapped[OrderKind] = mapped_column(enum_column(OrderKind), index=True)
    original_order_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("repair_orders.id"), index=True
    )
    status: Mapped[OrderStatus] = mapped_column(enum_column(OrderStatus))
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[Outcome | None] = mapped_column(enum_column(Outcome))

    complaint: Mapped[str] = mapped_column(sa.Text)
    condition: Mapped[str] = mapped_column(sa.Text)
    accessories: Mapped[str] = mapped_column(sa.String(300), default="")
    # Shown only on the order page to staff who work on it: never in lists or documents.
    passcode: Mapped[str | None] = mapped_column(sa.String(64))
    declared_value: Mapped[int | None]
    estimate: Mapped[int | None]
    approval_limit: Mapped[int | None]
    # What a paid order costs when the customer declines the repair or it cannot be done.
    diagnostic_fee: Mapped[int | None]
    price: Mapped[int | None]
    # The price the customer agreed to when they approved a quote: the repair may cost up to the
    # greater of this and the approval limit without asking again.
    approved_amount: Mapped[int | None]
    diagnosis: Mapped[str] = mapped_column(sa.Text, default="")
    work_done: Mapped[str] = mapped_column(sa.Text, default="")

    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    promised_date: Mapped[date]
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Whether it was ready by the promised date (set once, when it becomes ready): the workshops'
    # on-time record is an average of this, with no date arithmetic per database.
    ready_on_time: Mapped[bool | None]
    collected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    office: Mapped[Office] = relationship()
    customer: Mapped[Customer] = relationship()
    device: Mapped[Device] = relationship()
    workshop: Mapped[Workshop] = relationship()
    technician: Mapped[User | None] = relationship(foreign_keys=[technician_id])
    received_by: Mapped[User] = relationship(foreign_keys=[received_by_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])
    original_order: Mapped[RepairOrder | None] = relationship(remote_side=[id])
    history: Mapped[list[OrderStatusChange]] = relationship(
        back_populates="order", order_by="OrderStatusChange.id", lazy="raise"
    )
    payments: Mapped[list[Payment]] = relationship(
        back_populates="order", order_by="Payment.id", lazy="raise"
    )
    # A few rows each, read with the order for its page (queries.orders.get_order_for).
    documents: Mapped[list[Document]] = relationship(
        order_by="[Document.kind, Document.version.desc()]", lazy="raise", viewonly=True
    )
    reminders: Mapped[list[OrderReminder]] = relationship(
        order_by="[OrderReminder.created_at, OrderReminder.id]", lazy="raise", viewonly=True
    )

    @property
    def amount_charged(self) -> int:
        """What the customer owes in total: nothing under warranty; for a device returned
        unrepaired only the diagnostic fee agreed at intake; else the price of the repair."""
        if self.kind.is_free:
            return 0
        if self.outcome is Outcome.NOT_REPAIRED:
            return self.diagnostic_fee or 0
        return self.price if self.price is not None else 0

    @property
    def charge_is_known(self) -> bool:
        """Whether `amount_charged` is final enough to take the balance against it."""
        return self.kind.is_free or self.outcome is Outcome.NOT_REPAIRED or self.price is not None

    def __repr__(self) -> str:
        return f"<RepairOrder {self.number} {self.status}>"


class OrderStatusChange(db.Model):
    __tablename__ = "order_status_changes"
    __table_args__ = (
        sa.Index("ix_order_status_changes_order", "order_id", "id"),
        # the dashboard's stays ended per day: the changes of a day, read from the index
        sa.Index("ix_order_status_changes_created", "created_at", "order_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("repair_orders.id"))
    from_status: Mapped[OrderStatus | None] = mapped_column(enum_column(OrderStatus))
    to_status: Mapped[OrderStatus] = mapped_column(enum_column(OrderStatus))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    # Whether the note is shown to the customer on the status page.
    note_public: Mapped[bool] = mapped_column(default=False)

    order: Mapped[RepairOrder] = relationship(back_populates="history")
    actor: Mapped[User | None] = relationship()


class Payment(db.Model):
    __tablename__ = "payments"
    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        # the dashboard's money taken per day: a range of payment times, read from the index
        sa.Index("ix_payments_created", "created_at", "kind", "amount", "order_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("repair_orders.id"), index=True)
    kind: Mapped[PaymentKind] = mapped_column(enum_column(PaymentKind))
    method: Mapped[PaymentMethod] = mapped_column(enum_column(PaymentMethod))
    amount: Mapped[int]  # minor units, always positive; a refund's kind gives the sign
    taken_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[RepairOrder] = relationship(back_populates="payments")
    taken_by: Mapped[User] = relationship()

    @property
    def signed_amount(self) -> int:
        return -self.amount if self.kind is PaymentKind.REFUND else self.amount


class OrderReminder(db.Model):
    """What the jobs told the customer about an order, once each (jobs.py): a pickup reminder
    after 3, 7 or 30 days, the written notice before disposal, the survey. Kept even when the
    customer had no channel to be told on (`messages` 0), so staff know to call instead."""

    __tablename__ = "order_reminders"
    __table_args__ = (sa.UniqueConstraint("order_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("repair_orders.id"))
    # "pickup_3", "pickup_7", "pickup_30", "disposal_notice", "survey"
    kind: Mapped[str] = mapped_column(sa.String(30))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    messages: Mapped[int] = mapped_column(default=0)  # how many messages were queued
    # The notice: the first day the unclaimed device may be disposed of.
    disposal_from: Mapped[date | None]

    order: Mapped[RepairOrder] = relationship(lazy="raise")
