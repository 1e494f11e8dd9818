"""The reminder jobs' write path: the pickup reminders and the notice before disposal for ready
orders not collected, and the survey after collection. Each step is recorded on the order
(OrderReminder) in the transaction that queues its messages, so a second run sends nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from babel.dates import format_date
from flask import current_app
from sqlalchemy.orm import joinedload

from ..database import insert_ignoring_conflicts
from ..domain import reminders as rules
from ..domain.enums import OrderStatus
from ..domain.notifications import Event
from ..extensions import db
from ..models import OrderReminder, RepairOrder
from . import notifications
from .clock import local_date, local_zone


def schedule() -> rules.PickupSchedule:
    config = current_app.config
    return rules.PickupSchedule(
        reminder_days=tuple(config["PICKUP_REMINDER_DAYS"]),
        notice_after_days=config["DISPOSAL_NOTICE_AFTER_DAYS"],
        disposal_wait_days=config["DISPOSAL_WAIT_DAYS"],
    )


def _start_of(day: date) -> datetime:
    """The UTC moment the local `day` begins at the offices."""
    return datetime.combine(day, time.min, tzinfo=local_zone()).astimezone(UTC)


def _ready_on_or_before(day: date):
    return RepairOrder.ready_at < _start_of(day + timedelta(days=1))


def _ready_after(day: date):
    return RepairOrder.ready_at >= _start_of(day + timedelta(days=1))


def _recorded(kinds: list[str]):
    return sa.exists().where(
        OrderReminder.order_id == RepairOrder.id, OrderReminder.kind.in_(kinds)
    )


def _pickup_candidates(today: date, plan: rules.PickupSchedule):
    """Ready orders with a step due: for each step, the orders whose wait has reached it but
    not the next one, with neither it nor a later step recorded (pickup_due's rule in SQL, so
    orders already told are not read every morning). Served by ix_repair_orders_status_ready and
    the unique (order_id, kind) index."""
    steps = plan.steps
    bands = []
    for index, (_kind, days) in enumerate(steps):
        band = [_ready_on_or_before(today - timedelta(days=days))]
        if index + 1 < len(steps):
            band.append(_ready_after(today - timedelta(days=steps[index + 1][1])))
        band.append(~_recorded([kind for kind, _days in steps[index:]]))
        bands.append(sa.and_(*band))
    return sa.select(RepairOrder).where(
        RepairOrder.status == OrderStatus.READY,
        _ready_on_or_before(today - timedelta(days=plan.first_days)),
        sa.or_(*bands),
    )


def _batches(statement, column) -> Iterator[list[RepairOrder]]:
    """The orders of `statement` in batches of REMINDER_BATCH_SIZE, one query each, keyset on
    (`column`, id) so that a run always moves on. The customer, office and device come in the
    same query: queueing the messages finds them in the session."""
    size = current_app.config["REMINDER_BATCH_SIZE"]
    statement = statement.options(
        joinedload(RepairOrder.customer),
        joinedload(RepairOrder.office),
        joinedload(RepairOrder.device),
    ).order_by(column, RepairOrder.id)
    after = None
    while True:
        page = statement
        if after is not None:
            page = page.where(
                sa.or_(column > after[0], sa.and_(column == after[0], RepairOrder.id > after[1]))
            )
        orders = list(db.session.scalars(page.limit(size)).unique())
        if orders:
            yield orders
        if len(orders) < size:
            return
        after = (getattr(orders[-1], column.key), orders[-1].id)


def _recorded_kinds(order_ids: list[int]) -> dict[int, set[str]]:
    kinds: dict[int, set[str]] = {order_id: set() for order_id in order_ids}
    rows = db.session.execute(
        sa.select(OrderReminder.order_id, OrderReminder.kind).where(
            OrderReminder.order_id.in_(order_ids)
        )
    )
    for order_id, kind in rows:
        kinds[order_id].add(kind)
    return kinds


def _record(order: RepairOrder, kind: str, *, now: datetime) -> bool:
    """Record a step on the order; False if it was recorded already (another process got there
    first: the unique (order_id, kind) constraint decides, and that one sends the messages)."""
    inserted = db.session.execute(
        insert_ignoring_conflicts(OrderReminder)
        .values(order_id=order.id, kind=kind, created_at=now, messages=0)
        .on_conflict_do_nothing()
        .returning(OrderReminder.id)
    ).first()
    return inserted is not None


def _set_messages(order: RepairOrder, kind: str, messages: int, disposal_from: date | None):
    db.session.execute(
        sa.update(OrderReminder)
        .where(OrderReminder.order_id == order.id, OrderReminder.kind == kind)
        .values(messages=messages, disposal_from=disposal_from)
        .execution_options(synchronize_session=False)
    )


def _queue(order: RepairOrder, event: Event, kind: str, *, now, enabled, extra=None) -> int:
    """Queue the step's messages on the `enabled` channels (read once per run); 0 when the admin
    switched the event off on every channel or the customer agreed to none (staff see that on
    the order page and call)."""
    if not enabled:
        return 0
    return len(
        notifications.queue_for(
            order,
            event,
            now=now,
            extra=extra,
            key=f"reminder:{order.id}:{kind}",
            channels=enabled,
        )
    )


@dataclass
class _Tally:
    reminders: int = 0
    notices: int = 0
    silent: int = 0
    skipped: int = 0
    messages: int = 0


def send_pickup_reminders(*, now: datetime) -> str:
    """Remind the customers of ready orders not collected after PICKUP_REMINDER_DAYS, then send
    the written notice after DISPOSAL_NOTICE_AFTER_DAYS, recording each step on the order.

    One step per order and run (pickup_due: the missed ones are recorded as skipped, without a
    message). The notice records the first day the device may be disposed of, notice day +
    DISPOSAL_WAIT_DAYS, only when a message went out: without a written notice there is no
    such day. Commits nothing; returns a one-line summary."""
    today = local_date(now)
    plan = schedule()
    enabled = {
        event: notifications.enabled_channels(event)
        for event in (Event.PICKUP_REMINDER, Event.DISPOSAL_NOTICE)
    }
    tally = _Tally()
    statement = _pickup_candidates(today, plan)
    for batch in _batches(statement, RepairOrder.ready_at):
        recorded = _recorded_kinds([order.id for order in batch])
        for order in batch:
            due = rules.pickup_due(local_date(order.ready_at), today, recorded[order.id], plan)
            if due is None:
                continue
            for kind in due.skipped:
                tally.skipped += _record(order, kind, now=now)
            if not _record(order, due.kind, now=now):
                continue
            event = Event.DISPOSAL_NOTICE if due.is_notice else Event.PICKUP_REMINDER
            extra = {"days_waiting": lambda _locale, days=due.days_waiting: str(days)}
            if due.is_notice:
                extra["disposal_date"] = lambda locale, day=due.disposal_from: format_date(
                    day, "long", locale=locale
                )
            messages = _queue(order, event, due.kind, now=now, enabled=enabled[event], extra=extra)
            if messages:
                _set_messages(order, due.kind, messages, due.disposal_from)
            tally.messages += messages
            tally.silent += not messages
            if due.is_notice:
                tally.notices += 1
            else:
                tally.reminders += 1
    db.session.flush()
    return (
        f"pickup: {tally.reminders} reminder(s), {tally.notices} notice(s) before disposal, "
        f"{tally.messages} message(s) queued, {tally.silent} with no channel (call them), "
        f"{tally.skipped} missed step(s) recorded as skipped"
    )


def send_surveys(*, now: datetime) -> str:
    """Queue the satisfaction survey for orders collected between SURVEY_WINDOW_HOURS and
    SURVEY_DELAY_HOURS ago, once per order (recorded as "survey"). Commits nothing; returns a
    one-line summary."""
    config = current_app.config
    delay = timedelta(hours=config["SURVEY_DELAY_HOURS"])
    window = timedelta(hours=config["SURVEY_WINDOW_HOURS"])
    enabled = notifications.enabled_channels(Event.SURVEY)
    earliest, latest = rules.survey_bounds(now, delay=delay, window=window)
    # served by ix_repair_orders_collected; "not sent before" by the unique (order_id, kind)
    statement = sa.select(RepairOrder).where(
        RepairOrder.collected_at >= earliest,
        RepairOrder.collected_at <= latest,
        ~_recorded([rules.SURVEY]),
    )
    surveys = silent = messages = 0
    for batch in _batches(statement, RepairOrder.collected_at):
        for order in batch:
            if not _record(order, rules.SURVEY, now=now):
                continue
            queued = _queue(order, Event.SURVEY, rules.SURVEY, now=now, enabled=enabled)
            if queued:
                _set_messages(order, rules.SURVEY, queued, None)
            surveys += 1
            messages += queued
            silent += not queued
    db.session.flush()
    return f"survey: {surveys} order(s), {messages} message(s) queued, {silent} with no channel"
