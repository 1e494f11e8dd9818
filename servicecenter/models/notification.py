"""Customer notifications: the outbox of messages and the admin's templates for them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.notifications import Channel, Event, State
from ..extensions import db
from ._types import UTCDateTime, enum_column, utcnow


class Notification(db.Model):
    """One message to one recipient, queued in the transaction of its event and sent after it.

    Rows are only appended and moved through their states (services.notifications); a resend is
    a new row or a failed row queued again."""

    __tablename__ = "notifications"
    __table_args__ = (
        # the dispatcher: what is due in each state
        sa.Index("ix_notifications_due", "state", "next_attempt_at"),
        # the admin's outbox, newest first, with and without a state filter
        sa.Index("ix_notifications_created", "created_at", "id"),
        sa.Index("ix_notifications_state_created", "state", "created_at", "id"),
        # a job's message is queued once: "<what>:<whom>:<when>", e.g. sla:office:3:2026-12-01
        sa.UniqueConstraint("dedupe_key", name="uq_notifications_dedupe_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Both None for a staff digest (Event.to_staff): it goes to a place's manager.
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("repair_orders.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customers.id"))
    event: Mapped[Event] = mapped_column(enum_column(Event, 30))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, 10))
    recipient: Mapped[str] = mapped_column(sa.String(120))
    locale: Mapped[str] = mapped_column(sa.String(5))
    subject: Mapped[str] = mapped_column(sa.String(200), default="")
    body: Mapped[str] = mapped_column(sa.Text)
    state: Mapped[State] = mapped_column(enum_column(State, 10), default=State.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    # Queued: when it may be tried. Sending: when the claim lapses (a dispatcher that died).
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(120))

    order = relationship("RepairOrder", lazy="raise")

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.event} {self.channel} {self.state}>"


class NotificationRule(db.Model):
    """Whether an event sends on a channel. Its version guards the templates of the pair too:
    every save of the admin's form bumps it, so two admins never overwrite each other."""

    __tablename__ = "notification_rules"
    __table_args__ = (sa.UniqueConstraint("event", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(nullable=False, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    event: Mapped[Event] = mapped_column(enum_column(Event, 30))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, 10))
    enabled: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class NotificationTemplate(db.Model):
    """The admin's text of an event on a channel in one language (the built-in one until saved)."""

    __tablename__ = "notification_templates"
    __table_args__ = (sa.UniqueConstraint("event", "channel", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event: Mapped[Event] = mapped_column(enum_column(Event, 30))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, 10))
    locale: Mapped[str] = mapped_column(sa.String(5))
    subject: Mapped[str] = mapped_column(sa.String(200), default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")
