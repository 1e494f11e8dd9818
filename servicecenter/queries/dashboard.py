"""The manager dashboard's figures: one function per panel, each one or two SQL aggregates.

Every function takes the user (whose scope it never leaves) and a `DashboardFilter`, and returns
plain rows. The page's tables, its charts and the CSV files all come from these rows, so they
cannot disagree. A panel is one more function here and one more entry in web/dashboard/panels.py.

Days, weeks and months are the network's local calendar: their bounds are computed here as UTC
instants and handed to the database as a small VALUES table joined on a range of the indexed
timestamp, so neither SQLite nor PostgreSQL needs time zones or a per-row date expression, and
both give the same buckets (daylight saving time included).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..domain.enums import DeviceCategory, OrderKind, OrderStatus, Outcome, PaymentKind, Role
from ..domain.feedback import LOW_CSAT, LOW_NPS  # a rating that opens a follow-up
from ..domain.stock import LIVE_STATES, LineKind, LineState
from ..extensions import db
from ..models import (
    DashboardDaily,
    DashboardDailyBrand,
    DashboardDailyLine,
    DashboardDay,
    DashboardMonth,
    DashboardStaleDay,
    DashboardStatusDay,
    Device,
    Feedback,
    FollowUp,
    Office,
    OrderLine,
    OrderStatusChange,
    Part,
    Payment,
    RepairOrder,
    User,
    Workshop,
)
from ..models._types import UTCDateTime
from ..services.clock import local_date, local_zone
from .scope import order_scope, rollup_scope

S = OrderStatus
DEFAULT_DAYS = 30
MAX_DAYS = 731  # two years of days: the page's series stay readable and its queries bounded
AT_RISK_DAYS = 2  # promised today or in the next two days and not ready: at risk
LIST_LIMIT = 100  # overdue orders listed on the page and in its CSV
TOP = 10
CLOSED = (S.COLLECTED, S.CANCELLED)
OPEN = tuple(status for status in OrderStatus if status not in CLOSED)
# Still to be made ready: what a promised date is a promise about.
IN_WORK = tuple(status for status in OPEN if status is not S.READY)
# Ages of open orders in days since intake: (first day, last day or None).
AGE_BANDS = ((0, 2), (3, 7), (8, 14), (15, 30), (31, None))


class Unit(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


# --- the filter and who may see what -------------------------------------------------------


@dataclass(frozen=True)
class DashboardFilter:
    """Which orders the figures are about. Dates are local calendar days, both included."""

    start: date
    end: date
    office_id: int | None = None
    workshop_id: int | None = None
    technician_id: int | None = None
    category: DeviceCategory | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def unit(self) -> Unit:
        """The bucket of the series over time: days for a month, weeks for half a year."""
        if self.days <= 31:
            return Unit.DAY
        return Unit.WEEK if self.days <= 186 else Unit.MONTH


def default_filter(today: date | None = None) -> DashboardFilter:
    """The last 30 days up to today, in the network's calendar."""
    today = today or local_date()
    return DashboardFilter(start=today - timedelta(days=DEFAULT_DAYS - 1), end=today)


def may_view(user: User) -> bool:
    """Admins, workshop managers (their workshop) and receptionists (their office)."""
    if user.role is Role.ADMIN:
        return True
    if user.role is Role.MANAGER:
        return user.workshop_id is not None
    return user.role is Role.RECEPTIONIST and user.office_id is not None


def scoped(user: User, filters: DashboardFilter) -> DashboardFilter:
    """The filter with the user's own place fixed in it (a manager's workshop, a desk's office)."""
    if user.role is Role.MANAGER:
        return replace(filters, workshop_id=user.workshop_id)
    if user.role is Role.RECEPTIONIST:
        return replace(filters, office_id=user.office_id)
    return filters


def scope_key(user: User) -> str:
    """Whose figures these are: users with the same scope see the same figures (and may share
    them in the cache), users with another never do."""
    if user.role is Role.ADMIN:
        return "network"
    if user.role is Role.RECEPTIONIST and user.office_id is not None:
        return f"office-{user.office_id}"
    if user.role.is_workshop_staff and user.workshop_id is not None:
        return f"workshop-{user.workshop_id}"
    return "nothing"


@dataclass(frozen=True)
class Choices:
    """What the filter form offers the user: only places and people within their scope."""

    offices: list[tuple[int, str]]
    workshops: list[tuple[int, str]]
    technicians: list[tuple[int, str]]  # with their workshop's name for an admin


def list_choices(user: User) -> Choices:
    offices = sa.select(Office.id, Office.name).order_by(Office.name)
    workshops = sa.select(Workshop.id, Workshop.name).order_by(Workshop.name)
    technicians = (
        sa.select(User.id, User.name, Workshop.name)
        .join(Workshop, Workshop.id == User.workshop_id)
        .where(User.role == Role.TECHNICIAN)
        .order_by(User.name, User.id)
    )
    if user.role is Role.MANAGER:
        offices = offices.where(sa.false())  # a workshop serves every office: no office filter
        workshops = workshops.where(Workshop.id == user.workshop_id)
        technicians = technicians.where(User.workshop_id == user.workshop_id)
    elif user.role is Role.RECEPTIONIST:
        offices = offices.where(Office.id == user.office_id)
    return Choices(
        offices=[tuple(row) for row in db.session.execute(offices)],
        workshops=[tuple(row) for row in db.session.execute(workshops)],
        technicians=[
            (id, name if user.role is Role.MANAGER else f"{name} · {workshop}")
            for id, name, workshop in db.session.execute(technicians)
        ],
    )


def _conditions(user: User, filters: DashboardFilter) -> list[sa.ColumnElement[bool]]:
    """The WHERE of every panel on RepairOrder: the user's scope, then the filter."""
    order = RepairOrder
    conditions = []
    if user.role is not Role.ADMIN:
        conditions.append(order_scope(user))
    if filters.office_id is not None:
        conditions.append(order.office_id == filters.office_id)
    if filters.workshop_id is not None:
        conditions.append(order.workshop_id == filters.workshop_id)
    if filters.technician_id is not None:
        conditions.append(order.technician_id == filters.technician_id)
    if filters.category is not None:
        conditions.append(
            order.device_id.in_(sa.select(Device.id).where(Device.category == filters.category))
        )
    return conditions


# --- the local calendar as UTC instants -----------------------------------------------------


def day_start(day: date) -> datetime:
    """The first moment of a local calendar day, in UTC."""
    return datetime.combine(day, time(), tzinfo=local_zone()).astimezone(UTC)


@dataclass(frozen=True)
class Period:
    first: date  # its first local day
    lo: datetime  # UTC, included
    hi: datetime  # UTC, excluded


def periods(start: date, end: date, unit: Unit = Unit.DAY) -> list[Period]:
    """The local days, weeks (Monday first) or months covering start..end, cut to that range."""
    cuts = [start]
    while cuts[-1] <= end:
        first = cuts[-1]
        if unit is Unit.DAY:
            following = first + timedelta(days=1)
        elif unit is Unit.WEEK:
            following = first + timedelta(days=7 - first.weekday())
        else:
            following = (first.replace(day=1) + timedelta(days=32)).replace(day=1)
        cuts.append(min(following, end + timedelta(days=1)))
    return [
        Period(first, day_start(first), day_start(following))
        for first, following in zip(cuts, cuts[1:], strict=False)
    ]


def _periods_table(buckets: list[Period]):
    """The periods as a CTE (k, lo, hi): the one bucketing both databases run alike."""
    return (
        sa.values(
            sa.column("k", sa.Integer),
            sa.column("lo", UTCDateTime()),
            sa.column("hi", UTCDateTime()),
            name="periods",
        )
        .data([(k, period.lo, period.hi) for k, period in enumerate(buckets)])
        .cte("periods")
    )


def _seconds(start, end):
    """Seconds from `start` to `end`, per database (SQLite stores timestamps as text)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.extract("epoch", end - start)
    return (sa.func.julianday(end) - sa.func.julianday(start)) * 86400


def _count_if(condition):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _days(seconds: float | None, count: int) -> float | None:
    # float: PostgreSQL gives a numeric for an epoch, SQLite and the rollup a float
    return round(float(seconds) / count / 86400, 1) if count and seconds is not None else None


def _range(filters: DashboardFilter) -> tuple[datetime, datetime]:
    return day_start(filters.start), day_start(filters.end + timedelta(days=1))


def _workshop_names() -> dict[int, str]:
    return dict(db.session.execute(sa.select(Workshop.id, Workshop.name)).all())


# --- panels ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenRow:
    status: OrderStatus
    total: int
    ages: tuple[int, ...]  # per AGE_BANDS


def open_orders(user: User, filters: DashboardFilter, now: datetime) -> list[OpenRow]:
    """Orders open now by status and by days since intake (a snapshot: the dates don't apply)."""
    order = RepairOrder
    today_start = day_start(local_date(now))
    # an order received on day d is `n` days old from the start of day d + n
    bounds = [today_start - timedelta(days=last) for _first, last in AGE_BANDS[:-1]]
    bands = []
    for k, bound in enumerate(bounds):
        newer = order.received_at >= bound
        bands.append(
            _count_if(newer if k == 0 else sa.and_(newer, order.received_at < bounds[k - 1]))
        )
    bands.append(_count_if(order.received_at < bounds[-1]))
    statement = (
        sa.select(order.status, sa.func.count(), *bands)
        .where(order.status.in_(OPEN), *_conditions(user, filters))
        .group_by(order.status)
    )
    found = {status: (total, tuple(ages)) for status, total, *ages in db.session.execute(statement)}
    return [OpenRow(status, *found[status]) for status in OPEN if status in found]


@dataclass(frozen=True)
class OverdueRow:
    workshop_id: int
    workshop: str
    overdue: int  # promised before today, not ready
    at_risk: int  # promised today or within AT_RISK_DAYS, not ready


def overdue_by_workshop(user: User, filters: DashboardFilter, now: datetime) -> list[OverdueRow]:
    """Orders not ready yet past or near their promised date, per workshop (a snapshot)."""
    order = RepairOrder
    today = local_date(now)
    statement = (
        sa.select(
            order.workshop_id,
            _count_if(order.promised_date < today),
            _count_if(order.promised_date >= today),
        )
        .where(
            order.status.in_(IN_WORK),
            order.promised_date <= today + timedelta(days=AT_RISK_DAYS),
            *_conditions(user, filters),
        )
        .group_by(order.workshop_id)
    )
    names = _workshop_names()
    rows = [
        OverdueRow(workshop_id, names.get(workshop_id, ""), int(late), int(risk))
        for workshop_id, late, risk in db.session.execute(statement)
    ]
    return sorted(rows, key=lambda row: (-row.overdue, -row.at_risk, row.workshop))


@dataclass(frozen=True)
class OverdueOrder:
    number: str
    status: OrderStatus
    workshop: str
    promised_date: date
    days_late: int  # negative: days still left


def list_overdue_orders(user: User, filters: DashboardFilter, now: datetime) -> list[OverdueOrder]:
    """The most overdue orders first, then those at risk (at most LIST_LIMIT)."""
    order = RepairOrder
    today = local_date(now)
    statement = (
        sa.select(order.number, order.status, Workshop.name, order.promised_date)
        .join(Workshop, Workshop.id == order.workshop_id)
        .where(
            order.status.in_(IN_WORK),
            order.promised_date <= today + timedelta(days=AT_RISK_DAYS),
            *_conditions(user, filters),
        )
        .order_by(order.promised_date, order.id)
        .limit(LIST_LIMIT)
    )
    return [
        OverdueOrder(number, status, workshop, promised, (today - promised).days)
        for number, status, workshop, promised in db.session.execute(statement)
    ]


# --- which days come from the rollup ----------------------------------------------------------
#
# A past day's facts never change: history rows and payments are appended with the moment they
# happen, and an order's ready and collected times, outcome, promise kept and lines are fixed
# once it is ready. What can change is the order a fact is filed under (its workshop, technician
# or being held at the office): the write path marks the order's rolled days stale then
# (services.dashboard_rollup.forget_order), and a stale day is read live until it is rolled
# again. Today, and any day the nightly job missed, is always read live: slower, never wrong.


@dataclass(frozen=True)
class Split:
    rolled: tuple[tuple[date, date], ...]  # runs of days read from the rollup, both ends in
    live: tuple[Period, ...]  # the other days, a period each, computed from the source rows
    # Of the rolled days, the whole months that month rows hold (their first days), and the
    # runs of the rolled days outside them: the same days, in far fewer rows.
    months: tuple[date, ...] = ()
    rest: tuple[tuple[date, date], ...] = ()


def _runs(days) -> tuple[tuple[date, date], ...]:
    """Consecutive days as (first, last) runs."""
    runs: list[list[date]] = []
    for day in sorted(days):
        if runs and runs[-1][1] == day - timedelta(days=1):
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return tuple((first, last) for first, last in runs)


def month_days(first: date) -> list[date]:
    """The days of the month that begins on `first`."""
    following = (first + timedelta(days=32)).replace(day=1)
    return [first + timedelta(days=n) for n in range((following - first).days)]


_MARKERS = (
    ("day", DashboardDay.day),
    ("stale", DashboardStaleDay.day),
    ("month", DashboardMonth.month),
)


def split_days(filters: DashboardFilter, *, live: bool = False) -> Split:
    """The filter's days as rolled runs and live days (`live`: every day live, for tests)."""
    days = [filters.start + timedelta(days=n) for n in range(filters.days)]
    rolled: set[date] = set()
    months: list[date] = []
    if not live:
        # One round trip: the days rolled, the stale ones, and the months summed.
        found: dict[str, set[date]] = {name: set() for name in ("day", "stale", "month")}
        union = sa.union_all(
            *(
                sa.select(sa.literal(name), column).where(
                    column >= filters.start, column <= filters.end
                )
                for name, column in _MARKERS
            )
        )
        for name, day in db.session.execute(union):
            found[name].add(day)
        rolled = found["day"] - found["stale"]
        # A month row is read only when the filter takes the whole month and all its days are
        # rolled and current (a stale day keeps the whole month on its day rows).
        months = [first for first in found["month"] if rolled.issuperset(month_days(first))]
    in_months = {day for first in months for day in month_days(first)}
    return Split(
        rolled=_runs(rolled),
        live=tuple(
            Period(day, day_start(day), day_start(day + timedelta(days=1)))
            for day in days
            if day not in rolled
        ),
        months=tuple(sorted(months)),
        rest=_runs(rolled - in_months),
    )


def _rollup_conditions(
    rollup, user: User | None, filters: DashboardFilter, split: Split, *, coarse: bool = False
) -> list:
    """The WHERE of a rollup read: its rolled days (`coarse`: whole months from month rows,
    the other days from day rows), the user's scope, then the filter."""
    runs, months = (split.rest, split.months) if coarse else (split.rolled, ())
    days = [sa.and_(rollup.day >= first, rollup.day <= last) for first, last in runs]
    conditions = [
        sa.or_(
            *([sa.and_(rollup.monthly.is_(False), sa.or_(*days))] if days else []),
            *([sa.and_(rollup.monthly.is_(True), rollup.day.in_(months))] if months else []),
        )
    ]
    if user is not None and user.role is not Role.ADMIN:  # None: the whole network
        conditions.append(rollup_scope(user, rollup))
    if filters.office_id is not None:
        conditions.append(rollup.office_id == filters.office_id)
    if filters.workshop_id is not None:
        conditions.append(rollup.workshop_id == filters.workshop_id)
    if filters.technician_id is not None:
        conditions.append(rollup.technician_id == filters.technician_id)
    if filters.category is not None:
        conditions.append(rollup.category == filters.category.value)
    return conditions


def _rolled(rollup, user, filters, split, *aggregates, group=(), coarse=False) -> list[tuple]:
    """Rows (*group, *aggregates) summed over the rolled days; `coarse` where the rows' days
    don't matter or the buckets are months (a month row's day is the month's first day)."""
    if not split.rolled:
        return []
    statement = (
        sa.select(*group, *aggregates)
        .where(*_rollup_conditions(rollup, user, filters, split, coarse=coarse))
        .group_by(*group)
    )
    return [tuple(row) for row in db.session.execute(statement)]


def _add(into: dict, key, values) -> None:
    """Sum `values` into `into[key]`, position by position."""
    found = into.get(key)
    values = [_plain(value or 0) for value in values]
    into[key] = values if found is None else [a + b for a, b in zip(found, values, strict=True)]


def _plain(value):
    """PostgreSQL's numeric sums as int (counts, money) or float (seconds), as SQLite gives."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _bucket_index(filters: DashboardFilter, buckets: list[Period]):
    """day -> the index of the day's period among `buckets` (periods of the filter's unit)."""
    firsts = [period.first for period in buckets]

    def index_of(day: date) -> int:
        k = 0
        while k + 1 < len(firsts) and firsts[k + 1] <= day:
            k += 1
        return k

    return index_of


# --- the live facts: also what the rollup stores, grouped by its dimensions ------------------
#
# Each returns rows (day, *group, *aggregates) of the rows whose moment falls in one of the
# `days` (local days, as periods). The page asks with its WHERE and a small group; the rollup
# (services.dashboard_rollup) with no WHERE and DIMENSIONS, so both count by one definition.

HELD = sa.case((RepairOrder.status == S.RECEIVED, True), else_=False)
DIMENSIONS = (
    RepairOrder.office_id,
    RepairOrder.workshop_id,
    RepairOrder.technician_id,
    Device.category,
    HELD,
)


def _needs_devices(group) -> bool:
    return any(column is Device.category or column is Device.brand for column in group)


def _orders_from(source=None, group=()):
    source = source if source is not None else RepairOrder
    if _needs_devices(group):
        source = sa.join(source, Device, Device.id == RepairOrder.device_id)
    return source


def _live(days, moment, *aggregates, where=(), select_from=None, group=()) -> list[tuple]:
    """The facts of `days` (periods): rows (first day, *group, *aggregates).

    The periods are the outer loop and each reads one range of the index on `moment`.
    """
    if not days:
        return []
    buckets = list(days)
    table = _periods_table(buckets)
    statement = (
        sa.select(table.c.k, *group, *aggregates)
        .select_from(table)
        .join(
            _orders_from(select_from, group),
            sa.and_(moment >= table.c.lo, moment < table.c.hi),
        )
        .where(*where)
        .group_by(table.c.k, *group)
    )
    return [(buckets[k].first, *rest) for k, *rest in db.session.execute(statement)]


def received_facts(days, *, where=(), group=()) -> list[tuple]:
    """(day, *group, orders received)."""
    return _live(days, RepairOrder.received_at, sa.func.count(), where=where, group=group)


def ready_facts(days, *, where=(), group=()) -> list[tuple]:
    """(day, *group, made ready, of them on time, seconds from intake, of them repaired)."""
    order = RepairOrder
    return _live(
        days,
        order.ready_at,
        sa.func.count(),
        _count_if(order.ready_on_time.is_(True)),
        sa.func.sum(_seconds(order.received_at, order.ready_at)),
        _count_if(order.outcome == Outcome.REPAIRED),
        where=where,
        group=group,
    )


def collected_facts(days, *, where=(), group=()) -> list[tuple]:
    """(day, *group, collected, seconds from intake)."""
    order = RepairOrder
    return _live(
        days,
        order.collected_at,
        sa.func.count(),
        sa.func.sum(_seconds(order.received_at, order.collected_at)),
        where=where,
        group=group,
    )


def money_facts(days, *, where=(), group=()) -> list[tuple]:
    """(day, *group, money taken, money refunded), minor units, by the payment's moment."""
    payment, order = Payment, RepairOrder
    refund = payment.kind == PaymentKind.REFUND
    joined = where or group
    return _live(
        days,
        payment.created_at,
        _sum_if(sa.not_(refund), payment.amount),
        _sum_if(refund, payment.amount),
        where=where,
        group=group,
        select_from=sa.join(payment, order, order.id == payment.order_id) if joined else payment,
    )


_SERVICE = sa.and_(OrderLine.kind == LineKind.SERVICE, OrderLine.state.in_(LIVE_STATES))
_FITTED = sa.and_(OrderLine.kind == LineKind.PART, OrderLine.state == LineState.CONSUMED)
_FREE = RepairOrder.kind != OrderKind.PAID


def warranty_facts(days, *, where=(), group=()) -> list[tuple]:
    """(day, *group, free orders made ready, the price-list value of their services)."""
    order, line = RepairOrder, OrderLine
    return _live(
        days,
        order.ready_at,
        sa.func.count(sa.distinct(order.id)),
        _sum_if(_SERVICE, line.quantity * line.unit_price),
        where=[_FREE, *where],
        group=group,
        select_from=sa.join(order, line, line.order_id == order.id, isouter=True),
    )


def warranty_parts_facts(days, *, where=()) -> list[tuple]:
    """(day, the cost of the parts fitted to the free orders made ready), at today's costs."""
    order, line = RepairOrder, OrderLine
    # The cost is looked up per line, not joined: with parts in the join, SQLite's planner (on
    # a million orders' statistics) read every line of every part, 3 s, instead of the day's
    # orders by the index on ready_at, a few ms.
    cost = sa.select(Part.unit_cost).where(Part.id == line.part_id).scalar_subquery()
    return _live(
        days,
        order.ready_at,
        _sum_if(_FITTED, line.quantity * cost),
        where=[_FREE, *where],
        select_from=sa.join(order, line, line.order_id == order.id),
    )


# A part line by its part (a line without one by its description), a service by its name.
_LINE_KEY = (
    OrderLine.kind,
    OrderLine.part_id,
    sa.case((OrderLine.part_id.is_(None), OrderLine.description), else_=""),
)


def line_facts(days, *, where=(), group=()) -> list[tuple]:
    """(day, *group, kind, part id, description, orders, units, units on free orders) of the
    services done and parts fitted on the orders made ready."""
    order, line = RepairOrder, OrderLine
    return _live(
        days,
        order.ready_at,
        sa.func.count(sa.distinct(order.id)),
        sa.func.sum(line.quantity),
        _sum_if(_FREE, line.quantity),
        where=[sa.or_(_SERVICE, _FITTED), *where],
        group=(*group, *_LINE_KEY),
        select_from=sa.join(order, line, line.order_id == order.id),
    )


def exit_facts(days, *, where=(), group=()) -> list[tuple]:
    """(day, *group, status, stays ended, their seconds): each history row ends the stay its
    order's previous row began (LAG over the order's changes, in time order), on its day."""
    if not days:
        return []
    change = OrderStatusChange
    lo, hi = days[0].lo, days[-1].hi
    window = {"partition_by": change.order_id, "order_by": (change.created_at, change.id)}
    moved = sa.select(change.order_id).where(change.created_at >= lo, change.created_at < hi)
    history = (
        sa.select(
            change.order_id,
            change.created_at,
            sa.func.lag(change.created_at).over(**window).label("entered"),
            sa.func.lag(change.to_status).over(**window).label("status"),
        )
        .where(change.order_id.in_(moved), change.created_at < hi)
        .subquery()
    )
    source = sa.join(history, RepairOrder, RepairOrder.id == history.c.order_id)
    return _live(
        days,
        history.c.created_at,
        sa.func.count(),
        sa.func.sum(_seconds(history.c.entered, history.c.created_at)),
        where=[history.c.entered.is_not(None), *where],
        group=(*group, history.c.status),
        select_from=source,
    )


def brand_facts(days, *, where=(), group=()) -> list[tuple]:
    """(day, *group, brand, orders received); the category is in DIMENSIONS or the group."""
    return _live(
        days,
        RepairOrder.received_at,
        sa.func.count(),
        where=where,
        group=(*group, Device.brand),
    )


# What DashboardDaily keeps of the ratings, in the order feedback_facts gives them.
RATING_FACTS = ("rated", "csat_total", "effort_total", "promoters", "detractors", "low_rated")


def feedback_facts(days, *, where=(), group=()) -> list[tuple]:
    """(day, *group, ratings, satisfaction summed, ease summed, promoters, detractors, low
    ratings) by when the ratings were given (ix_feedback_created)."""
    return _live(
        days,
        Feedback.created_at,
        sa.func.count(),
        sa.func.sum(Feedback.csat),
        sa.func.sum(Feedback.effort),
        _count_if(Feedback.nps >= 9),
        _count_if(Feedback.nps <= 6),
        _count_if(sa.or_(Feedback.csat <= LOW_CSAT, Feedback.nps <= LOW_NPS)),
        where=where,
        group=group,
        select_from=sa.join(Feedback, RepairOrder, RepairOrder.id == Feedback.order_id),
    )


# --- panels over a period: the rollup's days plus the live ones ------------------------------


@dataclass(frozen=True)
class FlowRow:
    day: date
    received: int
    completed: int  # made ready
    collected: int


def daily_flow(user: User, filters: DashboardFilter, *, split: Split | None = None):
    """Orders received, made ready and collected per local day of the period."""
    split = split or split_days(filters)
    where, rollup = _conditions(user, filters), DashboardDaily
    found: dict[date, list] = {}
    for day, *values in _rolled(
        rollup,
        user,
        filters,
        split,
        sa.func.sum(rollup.received),
        sa.func.sum(rollup.ready),
        sa.func.sum(rollup.collected),
        group=(rollup.day,),
    ):
        _add(found, day, values)
    for day, count in received_facts(split.live, where=where):
        _add(found, day, (count, 0, 0))
    for day, count, *_rest in ready_facts(split.live, where=where):
        _add(found, day, (0, count, 0))
    for day, count, _seconds_taken in collected_facts(split.live, where=where):
        _add(found, day, (0, 0, count))
    return [
        FlowRow(period.first, *(int(v) for v in found.get(period.first, (0, 0, 0))))
        for period in periods(filters.start, filters.end)
    ]


@dataclass(frozen=True)
class TurnaroundRow:
    workshop: str  # "" for the total
    completed: int
    ready_days: float | None  # average, intake to ready
    collected: int
    collected_days: float | None  # average, intake to collected


def turnaround(user: User, filters: DashboardFilter, *, split: Split | None = None):
    """Per workshop, then in total: how long from intake to ready (of the orders made ready in
    the period) and to collected (of those collected in it), in days."""
    split = split or split_days(filters)
    where, rollup = _conditions(user, filters), DashboardDaily
    figures: dict[int, list] = {}
    for workshop_id, *values in _rolled(
        rollup,
        user,
        filters,
        split,
        sa.func.sum(rollup.ready),
        sa.func.sum(rollup.ready_seconds),
        sa.func.sum(rollup.collected),
        sa.func.sum(rollup.collected_seconds),
        group=(rollup.workshop_id,),
        coarse=True,
    ):
        _add(figures, workshop_id, values)
    by_workshop = (RepairOrder.workshop_id,)
    for _day, workshop_id, count, _on_time, seconds, _repaired in ready_facts(
        split.live, where=where, group=by_workshop
    ):
        _add(figures, workshop_id, (count, seconds, 0, 0.0))
    for _day, workshop_id, count, seconds in collected_facts(
        split.live, where=where, group=by_workshop
    ):
        _add(figures, workshop_id, (0, 0.0, count, seconds))
    # a workshop with rolled days but nothing made ready or collected in them has no row
    figures = {key: values for key, values in figures.items() if values[0] or values[2]}
    names = _workshop_names()

    def row_of(name: str, done: int, ready: float, taken: int, collected: float):
        return TurnaroundRow(
            name, int(done), _days(ready, done), int(taken), _days(collected, taken)
        )

    rows = sorted(
        (row_of(names.get(workshop_id, ""), *values) for workshop_id, values in figures.items()),
        key=lambda row: row.workshop,
    )
    if len(rows) > 1:
        total = [sum(values[n] for values in figures.values()) for n in range(4)]
        rows.append(row_of("", *total))
    return rows


@dataclass(frozen=True)
class OnTimeRow:
    first: date  # the period's first day
    completed: int
    on_time: int

    @property
    def rate(self) -> float | None:
        return _share(self.on_time, self.completed)


def on_time(user: User, filters: DashboardFilter, *, split: Split | None = None):
    """Of the orders made ready in each day, week or month: how many by the promised date."""
    split = split or split_days(filters)
    buckets = periods(filters.start, filters.end, filters.unit)
    index_of, rollup = _bucket_index(filters, buckets), DashboardDaily
    found: dict[int, list] = {}
    for day, *values in _rolled(
        rollup,
        user,
        filters,
        split,
        sa.func.sum(rollup.ready),
        sa.func.sum(rollup.ready_on_time),
        group=(rollup.day,),
        coarse=filters.unit is Unit.MONTH,
    ):
        _add(found, index_of(day), values)
    for day, count, kept, *_rest in ready_facts(split.live, where=_conditions(user, filters)):
        _add(found, index_of(day), (count, kept))
    return [
        OnTimeRow(period.first, *(int(value) for value in found.get(k, (0, 0))))
        for k, period in enumerate(buckets)
    ]


def ready_record(start: date, end: date) -> dict[int, tuple[int, int]]:
    """Per workshop, of the whole network: the orders made ready from `start` to `end` (local
    days) and how many of them by their promised date. The routing's on-time record at intake:
    read from the rollup (whole months from month rows) and live for the days not rolled, so
    intake does not count half a year of orders every time."""
    filters = DashboardFilter(start=start, end=end)
    split, rollup = split_days(filters), DashboardDaily
    found: dict[int, list] = {}
    for workshop_id, *values in _rolled(
        rollup,
        None,
        filters,
        split,
        sa.func.sum(rollup.ready),
        sa.func.sum(rollup.ready_on_time),
        group=(rollup.workshop_id,),
        coarse=True,
    ):
        _add(found, workshop_id, values)
    for _day, workshop_id, count, kept, *_rest in ready_facts(
        split.live, group=(RepairOrder.workshop_id,)
    ):
        _add(found, workshop_id, (count, kept))
    return {key: (int(ready), int(kept)) for key, (ready, kept) in found.items()}


@dataclass(frozen=True)
class StatusTimeRow:
    status: OrderStatus
    intervals: int  # how many times an order left this status
    average_days: float | None


def time_in_status(user: User, filters: DashboardFilter, *, split: Split | None = None):
    """How long the stays in each status that ended in the period lasted, on average.

    A stay ends on the day its order left the status (a stay not over yet is left out): a past
    day's stays are then final, which is what lets the rollup keep them.
    """
    split = split or split_days(filters)
    rollup = DashboardStatusDay
    found: dict[str, list] = {}
    for status, *values in _rolled(
        rollup,
        user,
        filters,
        split,
        sa.func.sum(rollup.exits),
        sa.func.sum(rollup.seconds),
        group=(rollup.status,),
        coarse=True,
    ):
        _add(found, OrderStatus(status), values)
    for _day, status, count, seconds in exit_facts(split.live, where=_conditions(user, filters)):
        _add(found, OrderStatus(status), (count, seconds))
    return [
        StatusTimeRow(status, int(found[status][0]), _days(found[status][1], found[status][0]))
        for status in OrderStatus
        if status in found and found[status][0]
    ]


@dataclass(frozen=True)
class RepeatRow:
    workshop: str  # "" for the total
    repaired: int  # made ready in the period with the outcome "repaired"
    came_back: int  # of those, how many came back under our repair warranty

    @property
    def rate(self) -> float | None:
        return _share(self.came_back, self.repaired)


def repeat_rate(user: User, filters: DashboardFilter, *, split: Split | None = None):
    """Per workshop and in total: of the repairs completed in the period, the share that came
    back as a repeat order (so far; a cancelled repeat is no repair that came back).

    The repairs come from the rollup; the returns stay live (a repair may come back any day
    later), driven by the few repeat orders, each original then found by its id.
    """
    split = split or split_days(filters)
    order, where, rollup = RepairOrder, _conditions(user, filters), DashboardDaily
    lo, hi = _range(filters)
    repaired: dict[int, list] = {}
    for workshop_id, count in _rolled(
        rollup,
        user,
        filters,
        split,
        sa.func.sum(rollup.repaired),
        group=(rollup.workshop_id,),
        coarse=True,
    ):
        _add(repaired, workshop_id, (count,))
    for _day, workshop_id, *_values, count in ready_facts(
        split.live, where=where, group=(order.workshop_id,)
    ):
        _add(repaired, workshop_id, (count,))
    # Driven by the repeats received since the period began (few, by ix_repair_orders_kind_
    # received), each original then found by its primary key.
    repeat = aliased(RepairOrder)
    came_back = dict(
        db.session.execute(
            sa.select(order.workshop_id, sa.func.count())
            .where(
                order.id.in_(
                    sa.select(repeat.original_order_id).where(
                        repeat.kind == OrderKind.REPEAT,
                        repeat.status != S.CANCELLED,
                        repeat.received_at >= lo,
                    )
                ),
                order.ready_at >= lo,
                order.ready_at < hi,
                order.outcome == Outcome.REPAIRED,
                *where,
            )
            .group_by(order.workshop_id)
        ).all()
    )
    names = _workshop_names()
    rows = sorted(
        (
            RepeatRow(names.get(workshop_id, ""), int(count), came_back.get(workshop_id, 0))
            for workshop_id, (count,) in repaired.items()
            if count
        ),
        key=lambda row: row.workshop,
    )
    if len(rows) > 1:
        rows.append(
            RepeatRow("", sum(row.repaired for row in rows), sum(row.came_back for row in rows))
        )
    return rows


@dataclass(frozen=True)
class RevenueRow:
    first: date
    paid: int  # prepayments and final payments taken, minor units
    refunded: int
    warranty_orders: int  # free orders (manufacturer's warranty, repeats) made ready
    warranty_labour: int  # the price-list value of their services
    warranty_parts: int  # the cost of the parts fitted to them

    @property
    def net(self) -> int:
        return self.paid - self.refunded

    @property
    def warranty_value(self) -> int:
        return self.warranty_labour + self.warranty_parts


def revenue(user: User, filters: DashboardFilter, *, split: Split | None = None):
    """Per day, week or month: money taken (payments less refunds) against the value of the
    work done free under warranty (its services and the cost of its parts at today's cost)."""
    split = split or split_days(filters)
    buckets = periods(filters.start, filters.end, filters.unit)
    index_of, where = _bucket_index(filters, buckets), _conditions(user, filters)
    rollup, lines = DashboardDaily, DashboardDailyLine
    by_month = filters.unit is Unit.MONTH  # month rows fall in the buckets whole
    found: dict[int, list] = {}
    for day, *values in _rolled(
        rollup,
        user,
        filters,
        split,
        sa.func.sum(rollup.paid),
        sa.func.sum(rollup.refunded),
        sa.func.sum(rollup.warranty_orders),
        sa.func.sum(rollup.warranty_labour),
        group=(rollup.day,),
        coarse=by_month,
    ):
        _add(found, index_of(day), (*values, 0))
    if split.rolled:
        parts = (
            sa.select(lines.day, sa.func.sum(lines.free_units * Part.unit_cost))
            .join(Part, Part.id == lines.part_id)
            .where(
                lines.free_units > 0,
                *_rollup_conditions(lines, user, filters, split, coarse=by_month),
            )
            .group_by(lines.day)
        )
        for day, cost in db.session.execute(parts):
            _add(found, index_of(day), (0, 0, 0, 0, cost))
    for day, paid, refunded in money_facts(split.live, where=where):
        _add(found, index_of(day), (paid, refunded, 0, 0, 0))
    for day, count, labour in warranty_facts(split.live, where=where):
        _add(found, index_of(day), (0, 0, count, labour, 0))
    for day, cost in warranty_parts_facts(split.live, where=where):
        _add(found, index_of(day), (0, 0, 0, 0, cost))
    return [
        RevenueRow(period.first, *(int(value) for value in found.get(k, (0, 0, 0, 0, 0))))
        for k, period in enumerate(buckets)
    ]


def _sum_if(condition, value):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, value), else_=0)), 0)


@dataclass(frozen=True)
class CategoryRow:
    category: DeviceCategory
    brand: str  # "" for the category's total
    orders: int


def categories(
    user: User, filters: DashboardFilter, *, split: Split | None = None
) -> tuple[list[CategoryRow], list[CategoryRow]]:
    """Orders received in the period per device category (most first), and the top brands."""
    split = split or split_days(filters)
    rollup = DashboardDailyBrand
    found: dict[tuple[str, str], list] = {}
    for category, brand, count in _rolled(
        rollup,
        user,
        filters,
        split,
        sa.func.sum(rollup.received),
        group=(rollup.category, rollup.brand),
        coarse=True,
    ):
        _add(found, (category, brand), (count,))
    for _day, category, brand, count in brand_facts(
        split.live, where=_conditions(user, filters), group=(Device.category,)
    ):
        _add(found, (category, brand), (count,))
    pairs = [(DeviceCategory(c), brand, int(n)) for (c, brand), (n,) in found.items() if n]
    totals: dict[DeviceCategory, int] = {}
    for category, _brand, count in pairs:
        totals[category] = totals.get(category, 0) + count
    by_category = [
        CategoryRow(category, "", count)
        for category, count in sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    ]
    brands = sorted(pairs, key=lambda pair: (-pair[2], pair[0], pair[1]))[:TOP]
    return by_category, [CategoryRow(*pair) for pair in brands]


@dataclass(frozen=True)
class RepairRow:
    kind: LineKind  # a service done or a part fitted
    description: str
    orders: int
    units: int


def frequent_repairs(user: User, filters: DashboardFilter, *, split: Split | None = None):
    """The services done and the parts fitted most often on the orders made ready in the period
    (the price list's names say what was wrong better than free-text complaints). A service is
    counted by its name, a part by the part (under its name today)."""
    split = split or split_days(filters)
    rollup = DashboardDailyLine
    found: dict[tuple, list] = {}
    for *key, orders, units in _rolled(
        rollup,
        user,
        filters,
        split,
        sa.func.sum(rollup.orders),
        sa.func.sum(rollup.units),
        group=(rollup.kind, rollup.part_id, rollup.description),
        coarse=True,
    ):
        _add(found, tuple(key), (orders, units))
    for _day, *key, orders, units, _free in line_facts(
        split.live, where=_conditions(user, filters)
    ):
        _add(found, tuple(key), (orders, units))
    part_ids = {part_id for _kind, part_id, _text in found if part_id is not None}
    names = (
        dict(db.session.execute(sa.select(Part.id, Part.name).where(Part.id.in_(part_ids))).all())
        if part_ids
        else {}
    )
    rows = [
        RepairRow(
            LineKind(kind),
            names.get(part_id, description) if part_id is not None else description,
            int(orders),
            int(units),
        )
        for (kind, part_id, description), (orders, units) in found.items()
        if orders
    ]
    rows.sort(key=lambda row: (-row.orders, row.kind, row.description))
    services = [row for row in rows if row.kind is LineKind.SERVICE][:TOP]
    parts = [row for row in rows if row.kind is LineKind.PART][:TOP]
    return services + parts


# --- what the customers said: one rating per collected order, rolled up by the day it was given


@dataclass(frozen=True)
class SatisfactionRow:
    first: date
    responses: int
    csat_total: int  # satisfaction 1-5, summed
    effort_total: int  # ease 1-5, summed
    promoters: int  # would recommend 9-10
    detractors: int  # would recommend 0-6
    low: int  # ratings that opened a follow-up (satisfaction <= 2 or recommend <= 6)

    @property
    def csat(self) -> float | None:
        return self.csat_total / self.responses if self.responses else None

    @property
    def effort(self) -> float | None:
        return self.effort_total / self.responses if self.responses else None

    @property
    def nps(self) -> float | None:
        """Net promoter score: % promoters less % detractors, -100 to 100."""
        if not self.responses:
            return None
        return 100 * (self.promoters - self.detractors) / self.responses


def satisfaction(user: User, filters: DashboardFilter, *, split: Split | None = None):
    """Per day, week or month: the ratings given in it (by when they were given), on the orders
    the user sees and the filter keeps."""
    split = split or split_days(filters)
    buckets = periods(filters.start, filters.end, filters.unit)
    index_of, rollup = _bucket_index(filters, buckets), DashboardDaily
    found: dict[int, list] = {}
    for day, *values in _rolled(
        rollup,
        user,
        filters,
        split,
        *(sa.func.sum(getattr(rollup, name)) for name in RATING_FACTS),
        group=(rollup.day,),
        coarse=filters.unit is Unit.MONTH,
    ):
        _add(found, index_of(day), values)
    for day, *values in feedback_facts(split.live, where=_conditions(user, filters)):
        _add(found, index_of(day), values)
    return [
        SatisfactionRow(period.first, *(int(v) for v in found.get(k, (0,) * len(RATING_FACTS))))
        for k, period in enumerate(buckets)
    ]


@dataclass(frozen=True)
class FollowUpRow:
    office: str  # "" on the total row
    open_now: int
    opened: int  # in the period
    closed: int  # in the period
    close_seconds: float  # summed over those closed in the period

    @property
    def workshop(self) -> str:  # the panels' total-row convention
        return self.office

    @property
    def days_to_close(self) -> float | None:
        return _days(self.close_seconds, self.closed)


def follow_ups(user: User, filters: DashboardFilter, *, split: Split | None = None):
    """Per office, then in total: follow-ups open now, opened and closed in the period, and how
    long those closed took."""
    start, end = _range(filters)
    # The few follow-ups open or touched in the period first (ix_follow_ups_closed_opened), then
    # their orders by key: left to itself the planner walks every order in office order to
    # group them, and reads a million orders for a few hundred follow-ups.
    touched = (
        sa.select(FollowUp.order_id, FollowUp.opened_at, FollowUp.closed_at)
        .where(
            sa.or_(
                FollowUp.closed_at.is_(None),
                FollowUp.closed_at >= start,
                FollowUp.opened_at >= start,
            )
        )
        .cte("touched")
        .prefix_with("MATERIALIZED")
    )
    closed_in = sa.and_(touched.c.closed_at >= start, touched.c.closed_at < end)
    statement = (
        sa.select(
            RepairOrder.office_id,
            _count_if(touched.c.closed_at.is_(None)),
            _count_if(sa.and_(touched.c.opened_at >= start, touched.c.opened_at < end)),
            _count_if(closed_in),
            sa.func.coalesce(
                sa.func.sum(
                    sa.case(
                        (closed_in, _seconds(touched.c.opened_at, touched.c.closed_at)),
                        else_=0,
                    )
                ),
                0,
            ),
        )
        .select_from(touched)
        .join(RepairOrder, RepairOrder.id == touched.c.order_id)
        .where(*_conditions(user, filters))
        .group_by(RepairOrder.office_id)
    )
    names = dict(db.session.execute(sa.select(Office.id, Office.name)).all())
    rows = [
        FollowUpRow(
            names.get(office_id, str(office_id)), *(int(v) for v in values[:3]), float(values[3])
        )
        for office_id, *values in db.session.execute(statement)
    ]
    rows.sort(key=lambda row: row.office)
    if rows:
        rows.append(
            FollowUpRow(
                "",
                sum(r.open_now for r in rows),
                sum(r.opened for r in rows),
                sum(r.closed for r in rows),
                sum(r.close_seconds for r in rows),
            )
        )
    return rows
