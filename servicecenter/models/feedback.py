"""What customers tell us without an account: their answer to a quote, their ratings after
collection, and the follow-ups a low rating opens for the office."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.feedback import Decision
from ..extensions import db
from ._types import UTCDateTime, enum_column, utcnow
from .order import OrderStatusChange, RepairOrder
from .user import User


class QuoteDecision(db.Model):
    """The customer's online answer to one request for approval, recorded once.

    An order is asked again when its price outgrows the approval, so the answer belongs to the
    status change that asked (`asked_change_id`), not to the order: the unique constraint is
    the backstop against two clicks racing past the service's check.
    """

    __tablename__ = "quote_decisions"
    __table_args__ = (
        sa.UniqueConstraint("asked_change_id"),
        sa.Index("ix_quote_decisions_order", "order_id", "id"),
        sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("repair_orders.id"))
    asked_change_id: Mapped[int] = mapped_column(sa.ForeignKey("order_status_changes.id"))
    decision: Mapped[Decision] = mapped_column(enum_column(Decision))
    # The total the page showed when the customer answered (minor units).
    amount: Mapped[int]
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Where the answer came from, kept as evidence of the consent (IPv6 fits in 45 characters).
    ip_address: Mapped[str] = mapped_column(sa.String(45), default="")
    user_agent: Mapped[str] = mapped_column(sa.String(300), default="")

    order: Mapped[RepairOrder] = relationship(lazy="raise")
    asked_change: Mapped[OrderStatusChange] = relationship(lazy="raise")


class Feedback(db.Model):
    """The customer's ratings of a collected order: one set per order."""

    __tablename__ = "feedback"
    __table_args__ = (
        sa.UniqueConstraint("order_id"),
        sa.CheckConstraint("csat BETWEEN 1 AND 5", name="csat_range"),
        sa.CheckConstraint("nps BETWEEN 0 AND 10", name="nps_range"),
        sa.CheckConstraint("effort BETWEEN 1 AND 5", name="effort_range"),
        # the managers' CSAT and NPS over time
        sa.Index("ix_feedback_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("repair_orders.id"))
    csat: Mapped[int]  # satisfaction, 1-5
    nps: Mapped[int]  # likelihood to recommend, 0-10
    effort: Mapped[int]  # how easy it was, 1-5
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip_address: Mapped[str] = mapped_column(sa.String(45), default="")
    user_agent: Mapped[str] = mapped_column(sa.String(300), default="")

    order: Mapped[RepairOrder] = relationship(lazy="raise")


class FollowUp(db.Model):
    """A low rating for the office to act on: open until someone records what was done."""

    __tablename__ = "follow_ups"
    __table_args__ = (
        sa.UniqueConstraint("feedback_id"),
        # the follow-ups page: open ones first, by when they were opened
        sa.Index("ix_follow_ups_closed_opened", "closed_at", "opened_at"),
        sa.Index("ix_follow_ups_order", "order_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Bumped by every UPDATE: of two people closing it at once, the second is told, not applied.
    version: Mapped[int] = mapped_column(nullable=False)
    __mapper_args__ = {"version_id_col": version}
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("repair_orders.id"))
    feedback_id: Mapped[int] = mapped_column(sa.ForeignKey("feedback.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    action_taken: Mapped[str] = mapped_column(sa.Text, default="")

    order: Mapped[RepairOrder] = relationship(lazy="raise")
    feedback: Mapped[Feedback] = relationship(lazy="raise")
    closed_by: Mapped[User | None] = relationship(lazy="raise")

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
