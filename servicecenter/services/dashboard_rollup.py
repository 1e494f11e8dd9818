"""The dashboard's daily rollup, the write path of models.dashboard: roll up a day, fill the
days not rolled yet, and mark the days an order's move made out of date.

A past local day is immutable for the dashboard: status history and payments are appended with
the moment they happen, and an order's ready and collected times, outcome, kept promise and
lines are fixed once it is ready. So a day's facts are summed once, after it is over, and read
from the rollup after that. Two things would break this, and are handled: an order filed under
another workshop, technician or "held at the office" after the fact (`forget_order` marks its
rolled days stale; the page reads them live until they are rolled again), and a catalogue
rename or new cost of a part (the rollup keeps part ids, the page prices and names them today).
Anything else that rewrote the past (an edited payment, a history row inserted in the past)
would need `roll_up` of those days, e.g. `flask dashboard rollup --from DATE`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from ..domain.enums import OrderStatus
from ..extensions import db
from ..models import (
    DashboardDaily,
    DashboardDailyBrand,
    DashboardDailyLine,
    DashboardDay,
    DashboardMonth,
    DashboardStaleDay,
    DashboardStatusDay,
    Feedback,
    OrderStatusChange,
    Payment,
    RepairOrder,
)
from ..queries import dashboard as q
from .clock import local_date

ROLLUPS = (DashboardDaily, DashboardDailyBrand, DashboardDailyLine, DashboardStatusDay)
STEP_DAYS = 31  # days rolled between two flushes of a long backfill (its memory stays small)


def roll_up(day: date, *, now: datetime) -> None:
    """Recompute one complete local day: delete its rows, insert fresh sums (idempotent).

    The day's stale markers go first, before anything is read: a marker a concurrent change
    adds after that survives, so the day is read live again rather than wrongly.
    """
    db.session.execute(sa.delete(DashboardStaleDay).where(DashboardStaleDay.day == day))
    _forget_month(day.replace(day=1))  # summed again once all its days are rolled
    for rollup in ROLLUPS:
        db.session.execute(sa.delete(rollup).where(rollup.monthly.is_(False), rollup.day == day))
    db.session.execute(sa.delete(DashboardDay).where(DashboardDay.day == day))
    days = q.periods(day, day)
    dims = q.DIMENSIONS
    daily: dict[tuple, dict] = {}

    def facts(rows, *names):
        for _day, *values in rows:
            key, figures = tuple(values[: len(dims)]), values[len(dims) :]
            row = daily.setdefault(key, {})
            for name, value in zip(names, figures, strict=True):
                row[name] = row.get(name, 0) + (value or 0)

    facts(q.received_facts(days, group=dims), "received")
    facts(q.ready_facts(days, group=dims), "ready", "ready_on_time", "ready_seconds", "repaired")
    facts(q.collected_facts(days, group=dims), "collected", "collected_seconds")
    facts(q.money_facts(days, group=dims), "paid", "refunded")
    facts(q.warranty_facts(days, group=dims), "warranty_orders", "warranty_labour")
    facts(q.feedback_facts(days, group=dims), *q.RATING_FACTS)
    _insert(DashboardDaily, day, ((key, row) for key, row in daily.items()))
    _insert(
        DashboardDailyBrand,
        day,
        (
            (key, {"brand": brand, "received": count})
            for _d, key, brand, count in _split(q.brand_facts(days, group=dims))
        ),
    )
    _insert(
        DashboardDailyLine,
        day,
        (
            (
                key,
                {
                    "kind": kind,
                    "part_id": part_id,
                    "description": description,
                    "orders": orders,
                    "units": units or 0,
                    "free_units": free or 0,
                },
            )
            for _d, key, kind, part_id, description, orders, units, free in _split(
                q.line_facts(days, group=dims)
            )
        ),
    )
    _insert(
        DashboardStatusDay,
        day,
        (
            (key, {"status": status, "exits": count, "seconds": seconds or 0.0})
            for _d, key, status, count, seconds in _split(q.exit_facts(days, group=dims))
        ),
    )
    db.session.add(DashboardDay(day=day, rolled_at=now))
    db.session.flush()


def _split(rows):
    """Rows (day, *dimensions, *rest) as (day, dimensions, *rest)."""
    width = len(q.DIMENSIONS)
    for day, *values in rows:
        yield (day, tuple(values[:width]), *values[width:])


def _insert(rollup, day: date, rows) -> None:
    values = [
        {
            "day": day,
            "office_id": office_id,
            "workshop_id": workshop_id,
            "technician_id": technician_id,
            "category": str(category),
            "held": bool(held),
            **figures,
        }
        for (office_id, workshop_id, technician_id, category, held), figures in rows
    ]
    if values:
        db.session.execute(sa.insert(rollup), values)


def days_to_roll(now: datetime) -> list[date]:
    """The complete past days not in the rollup, or stale in it, oldest first (from the first
    day anything happened; nothing before it has facts)."""
    first = db.session.execute(
        sa.select(
            sa.func.min(RepairOrder.received_at),
        )
    ).scalar_one()
    if first is None:
        return []
    yesterday = local_date(now) - timedelta(days=1)
    start = local_date(first)
    rolled = set(db.session.scalars(sa.select(DashboardDay.day).where(DashboardDay.day >= start)))
    stale = set(db.session.scalars(sa.select(DashboardStaleDay.day)))
    days, day = [], start
    while day <= yesterday:
        if day not in rolled or day in stale:
            days.append(day)
        day += timedelta(days=1)
    return days


def roll_up_missing(now: datetime, *, limit: int | None = None, after_step=None) -> list[date]:
    """Roll up every complete past day not rolled yet (at most `limit`, oldest first), then
    the months they completed; returns the days rolled. `after_step` (a CLI's commit) is called
    every STEP_DAYS days."""
    return _roll_days(days_to_roll(now)[:limit], now, after_step)


def roll_up_from(first: date, now: datetime, *, after_step=None) -> list[date]:
    """Roll up again every day from `first` to yesterday (after the past was rewritten), then
    the months; returns the days rolled."""
    yesterday = local_date(now) - timedelta(days=1)
    return _roll_days(
        [first + timedelta(days=n) for n in range((yesterday - first).days + 1)], now, after_step
    )


def _roll_days(days: list[date], now: datetime, after_step) -> list[date]:
    for n, day in enumerate(days, start=1):
        roll_up(day, now=now)
        if after_step is not None and n % STEP_DAYS == 0:
            after_step()
    roll_up_months(now)
    return days


def months_to_roll() -> list[date]:
    """The first days of the months whose days are all rolled and current, not summed yet."""
    rolled = set(db.session.scalars(sa.select(DashboardDay.day)))
    rolled -= set(db.session.scalars(sa.select(DashboardStaleDay.day)))
    summed = set(db.session.scalars(sa.select(DashboardMonth.month)))
    firsts = {day.replace(day=1) for day in rolled} - summed
    return sorted(first for first in firsts if rolled.issuperset(q.month_days(first)))


def roll_up_months(now: datetime) -> list[date]:
    """Sum each month whose days are all rolled (and not yet summed) into month rows, by the
    database from the day rows: the same dimensions and keys, the measures added up."""
    months = months_to_roll()
    for first in months:
        _forget_month(first)
        last = q.month_days(first)[-1]
        for rollup in ROLLUPS:
            keys = [
                column.name
                for column in rollup.__table__.columns
                if column.name not in ("id", "day", "monthly", *rollup.MEASURES)
            ]
            sums = [sa.func.sum(getattr(rollup, name)) for name in rollup.MEASURES]
            grouped = [getattr(rollup, name) for name in keys]
            select = (
                sa.select(sa.literal(first, sa.Date), sa.true(), *grouped, *sums)
                .where(rollup.monthly.is_(False), rollup.day >= first, rollup.day <= last)
                .group_by(*grouped)
            )
            db.session.execute(
                sa.insert(rollup).from_select(["day", "monthly", *keys, *rollup.MEASURES], select)
            )
        db.session.add(DashboardMonth(month=first, rolled_at=now))
    db.session.flush()
    return months


def _forget_month(first: date) -> None:
    """Delete a month's rows and its marker (its days stay)."""
    db.session.execute(sa.delete(DashboardMonth).where(DashboardMonth.month == first))
    for rollup in ROLLUPS:
        db.session.execute(sa.delete(rollup).where(rollup.monthly.is_(True), rollup.day == first))


def forget_order(order: RepairOrder, *, now: datetime) -> None:
    """Mark the rolled days that hold facts of `order` stale: it is now filed under another
    workshop, technician, or held at the office or no longer. Call it after such a change."""
    moments = [order.received_at]
    moments += db.session.scalars(
        sa.select(OrderStatusChange.created_at).where(OrderStatusChange.order_id == order.id)
    )
    moments += db.session.scalars(sa.select(Payment.created_at).where(Payment.order_id == order.id))
    moments += db.session.scalars(
        sa.select(Feedback.created_at).where(Feedback.order_id == order.id)
    )
    days = {local_date(moment) for moment in moments if moment is not None}
    rolled = set(db.session.scalars(sa.select(DashboardDay.day).where(DashboardDay.day.in_(days))))
    for day in sorted(rolled):
        db.session.add(DashboardStaleDay(day=day, order_id=order.id, created_at=now))
    if rolled:
        db.session.flush()


def filed_under(order: RepairOrder) -> tuple:
    """What the rollup files an order's facts under (models.dashboard's dimensions)."""
    return (
        order.office_id,
        order.workshop_id,
        order.technician_id,
        order.device_id,
        order.status is OrderStatus.RECEIVED,
    )
