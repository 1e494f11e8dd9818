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
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..domain.enums import DeviceCategory, OrderKind, OrderStatus, Outcome, PaymentKind, Role
from ..domain.stock import LIVE_STATES, LineKind, LineState
from ..extensions import db
from ..models import (
    Device,
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
from .scope import order_scope

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


def _per_period(buckets: list[Period], moment, *aggregates, where=(), select_from=None):
    """{period index: (aggregates…)} of the rows whose `moment` falls in each period.

    The periods are the outer loop and each reads one range of the index on `moment`.
    """
    table = _periods_table(buckets)
    statement = sa.select(table.c.k, *aggregates).select_from(table)
    statement = statement.join(
        select_from if select_from is not None else RepairOrder,
        sa.and_(moment >= table.c.lo, moment < table.c.hi),
    )
    statement = statement.where(*where).group_by(table.c.k)
    return {k: values for k, *values in db.session.execute(statement)}


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
    return round(seconds / count / 86400, 1) if count and seconds is not None else None


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


@dataclass(frozen=True)
class FlowRow:
    day: date
    received: int
    completed: int  # made ready
    collected: int


def daily_flow(user: User, filters: DashboardFilter) -> list[FlowRow]:
    """Orders received, made ready and collected per local day of the period."""
    buckets = periods(filters.start, filters.end)
    order, where = RepairOrder, _conditions(user, filters)
    count = sa.func.count()
    received = _per_period(buckets, order.received_at, count, where=where)
    ready = _per_period(buckets, order.ready_at, count, where=where)
    collected = _per_period(buckets, order.collected_at, count, where=where)
    return [
        FlowRow(
            day=period.first,
            received=received.get(k, (0,))[0],
            completed=ready.get(k, (0,))[0],
            collected=collected.get(k, (0,))[0],
        )
        for k, period in enumerate(buckets)
    ]


@dataclass(frozen=True)
class TurnaroundRow:
    workshop: str  # "" for the total
    completed: int
    ready_days: float | None  # average, intake to ready
    collected: int
    collected_days: float | None  # average, intake to collected


def turnaround(user: User, filters: DashboardFilter) -> list[TurnaroundRow]:
    """Per workshop, then in total: how long from intake to ready (of the orders made ready in
    the period) and to collected (of those collected in it), in days."""
    order, where = RepairOrder, _conditions(user, filters)
    lo, hi = _range(filters)
    figures: dict[int, list[float]] = {}
    for column, slot in ((order.ready_at, 0), (order.collected_at, 2)):
        statement = (
            sa.select(
                order.workshop_id,
                sa.func.count(),
                sa.func.sum(_seconds(order.received_at, column)),
            )
            .where(column >= lo, column < hi, *where)
            .group_by(order.workshop_id)
        )
        for workshop_id, count, seconds in db.session.execute(statement):
            row = figures.setdefault(workshop_id, [0, 0.0, 0, 0.0])
            row[slot], row[slot + 1] = count, seconds or 0.0
    names = _workshop_names()

    def row_of(name: str, done: int, ready: float, taken: int, collected: float):
        return TurnaroundRow(name, done, _days(ready, done), taken, _days(collected, taken))

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


def on_time(user: User, filters: DashboardFilter) -> list[OnTimeRow]:
    """Of the orders made ready in each day, week or month: how many by the promised date."""
    buckets = periods(filters.start, filters.end, filters.unit)
    order = RepairOrder
    found = _per_period(
        buckets,
        order.ready_at,
        sa.func.count(),
        _count_if(order.ready_on_time.is_(True)),
        where=_conditions(user, filters),
    )
    return [
        OnTimeRow(period.first, *(int(value) for value in found.get(k, (0, 0))))
        for k, period in enumerate(buckets)
    ]


@dataclass(frozen=True)
class StatusTimeRow:
    status: OrderStatus
    intervals: int  # how many times an order left this status
    average_days: float | None


def time_in_status(user: User, filters: DashboardFilter) -> list[StatusTimeRow]:
    """How long the orders received in the period stayed in each status, on average.

    Each history row starts a stay that the order's next row ends (LEAD over its changes); a
    stay not ended yet is left out.
    """
    change, order = OrderStatusChange, RepairOrder
    lo, hi = _range(filters)
    left = sa.func.lead(change.created_at).over(
        partition_by=change.order_id, order_by=(change.created_at, change.id)
    )
    stays = (
        sa.select(
            change.to_status.label("status"),
            change.created_at.label("entered"),
            left.label("left_at"),
        )
        .join(order, order.id == change.order_id)
        .where(order.received_at >= lo, order.received_at < hi, *_conditions(user, filters))
        .subquery()
    )
    statement = (
        sa.select(
            stays.c.status,
            sa.func.count(),
            sa.func.sum(_seconds(stays.c.entered, stays.c.left_at)),
        )
        .where(stays.c.left_at.is_not(None))
        .group_by(stays.c.status)
    )
    found = {
        OrderStatus(status): (count, seconds)
        for status, count, seconds in db.session.execute(statement)
    }
    return [
        StatusTimeRow(status, found[status][0], _days(found[status][1], found[status][0]))
        for status in OrderStatus
        if status in found
    ]


@dataclass(frozen=True)
class RepeatRow:
    workshop: str  # "" for the total
    repaired: int  # made ready in the period with the outcome "repaired"
    came_back: int  # of those, how many came back under our repair warranty

    @property
    def rate(self) -> float | None:
        return _share(self.came_back, self.repaired)


def repeat_rate(user: User, filters: DashboardFilter) -> list[RepeatRow]:
    """Per workshop and in total: of the repairs completed in the period, the share that came
    back as a repeat order (so far; a cancelled repeat is no repair that came back)."""
    order, where = RepairOrder, _conditions(user, filters)
    lo, hi = _range(filters)
    repaired = dict(
        db.session.execute(
            sa.select(order.workshop_id, sa.func.count())
            .where(order.ready_at >= lo, order.ready_at < hi, order.outcome == Outcome.REPAIRED)
            .where(*where)
            .group_by(order.workshop_id)
        ).all()
    )
    repeat = aliased(RepairOrder)
    # Driven by the few repeat orders, each original then found by its id.
    came_back = dict(
        db.session.execute(
            sa.select(order.workshop_id, sa.func.count(sa.distinct(order.id)))
            .select_from(repeat)
            .join(order, order.id == repeat.original_order_id)
            .where(
                repeat.kind == OrderKind.REPEAT,
                repeat.status != S.CANCELLED,
                repeat.received_at >= lo,
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
            RepeatRow(names.get(workshop_id, ""), count, came_back.get(workshop_id, 0))
            for workshop_id, count in repaired.items()
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


def revenue(user: User, filters: DashboardFilter) -> list[RevenueRow]:
    """Per day, week or month: money taken (payments less refunds) against the value of the
    work done free under warranty (its services and the cost of its parts)."""
    buckets = periods(filters.start, filters.end, filters.unit)
    where = _conditions(user, filters)
    payment, order = Payment, RepairOrder
    refund = payment.kind == PaymentKind.REFUND
    money_from = payment if not where else sa.join(payment, order, order.id == payment.order_id)
    money = _per_period(
        buckets,
        payment.created_at,
        _sum_if(sa.not_(refund), payment.amount),
        _sum_if(refund, payment.amount),
        where=where,
        select_from=money_from,
    )
    line = OrderLine
    service = sa.and_(line.kind == LineKind.SERVICE, line.state.in_(LIVE_STATES))
    fitted = sa.and_(line.kind == LineKind.PART, line.state == LineState.CONSUMED)
    free = sa.join(order, line, line.order_id == order.id, isouter=True).join(
        Part, Part.id == line.part_id, isouter=True
    )
    work = _per_period(
        buckets,
        order.ready_at,
        sa.func.count(sa.distinct(order.id)),
        _sum_if(service, line.quantity * line.unit_price),
        _sum_if(fitted, line.quantity * Part.unit_cost),
        where=[order.kind != OrderKind.PAID, *where],
        select_from=free,
    )
    return [
        RevenueRow(
            period.first,
            *(int(value) for value in money.get(k, (0, 0))),
            *(int(value) for value in work.get(k, (0, 0, 0))),
        )
        for k, period in enumerate(buckets)
    ]


def _sum_if(condition, value):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, value), else_=0)), 0)


@dataclass(frozen=True)
class CategoryRow:
    category: DeviceCategory
    brand: str  # "" for the category's total
    orders: int


def categories(user: User, filters: DashboardFilter) -> tuple[list[CategoryRow], list[CategoryRow]]:
    """Orders received in the period per device category (most first), and the top brands."""
    order = RepairOrder
    lo, hi = _range(filters)
    statement = (
        sa.select(Device.category, Device.brand, sa.func.count())
        .select_from(order)
        .join(Device, Device.id == order.device_id)
        .where(order.received_at >= lo, order.received_at < hi, *_conditions(user, filters))
        .group_by(Device.category, Device.brand)
    )
    pairs = [(DeviceCategory(c), brand, count) for c, brand, count in db.session.execute(statement)]
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


def frequent_repairs(user: User, filters: DashboardFilter) -> list[RepairRow]:
    """The services done and the parts fitted most often on the orders made ready in the period
    (the price list's names say what was wrong better than free-text complaints)."""
    order, line = RepairOrder, OrderLine
    lo, hi = _range(filters)
    name = sa.case(
        (line.kind == LineKind.PART, sa.func.coalesce(Part.name, line.description)),
        else_=line.description,
    )
    statement = (
        sa.select(line.kind, name, sa.func.count(sa.distinct(order.id)), sa.func.sum(line.quantity))
        .select_from(order)
        .join(line, line.order_id == order.id)
        .outerjoin(Part, Part.id == line.part_id)
        .where(
            order.ready_at >= lo,
            order.ready_at < hi,
            sa.or_(
                sa.and_(line.kind == LineKind.SERVICE, line.state.in_(LIVE_STATES)),
                sa.and_(line.kind == LineKind.PART, line.state == LineState.CONSUMED),
            ),
            *_conditions(user, filters),
        )
        .group_by(line.kind, name)
    )
    rows = [
        RepairRow(LineKind(kind), description, int(orders), int(units))
        for kind, description, orders, units in db.session.execute(statement)
    ]
    rows.sort(key=lambda row: (-row.orders, row.kind, row.description))
    services = [row for row in rows if row.kind is LineKind.SERVICE][:TOP]
    parts = [row for row in rows if row.kind is LineKind.PART][:TOP]
    return services + parts
