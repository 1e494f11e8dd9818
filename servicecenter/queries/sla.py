"""Reading the SLA watch: the open orders that are overdue, due within a day, or near or past the
45-day legal limit, for a user's scope (the Deadlines page) or for one place (the digests).

Each section is one bounded query, most urgent first, with the order's customer, device, office
and workshop joined in; one row more than shown tells whether there are more (no COUNT).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from ..domain import sla
from ..domain.enums import OrderKind, Role
from ..domain.sla import Assessment, OrderFacts, Watch
from ..extensions import db
from ..models import RepairOrder, User
from ..services.clock import local_zone
from .scope import order_scope, workshop_orders

SECTION_LIMIT = 200
FREE_KINDS = tuple(kind for kind in OrderKind if kind.is_free)

_NEIGHBOURS = (
    joinedload(RepairOrder.customer),
    joinedload(RepairOrder.device),
    joinedload(RepairOrder.office),
    joinedload(RepairOrder.workshop),
)


@dataclass(frozen=True)
class Row:
    order: RepairOrder
    sla: Assessment


@dataclass(frozen=True)
class Section:
    watch: str  # "overdue", "due_soon", "legal"
    rows: list[Row]
    more: bool  # more orders are on this watch than the `limit` shown
    limit: int

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def exposure_total(self) -> int:
        """The penalty exposure of the rows shown whose base is known (minor units)."""
        return sum(
            row.sla.exposure.amount or 0 for row in self.rows if row.sla.exposure is not None
        )

    @property
    def exposure_unknown(self) -> int:
        """Rows shown exposing a penalty whose amount is unknown (no declared value or price)."""
        return sum(1 for row in self.rows if row.sla.exposure and row.sla.exposure.amount is None)


@dataclass(frozen=True)
class Watchlist:
    today: date
    overdue: Section
    due_soon: Section
    legal: Section

    @property
    def sections(self) -> tuple[Section, ...]:
        return (self.overdue, self.due_soon, self.legal)

    @property
    def empty(self) -> bool:
        return not any(section.rows for section in self.sections)


def user_condition(
    user: User, *, office_id: int | None = None, workshop_id: int | None = None
) -> sa.ColumnElement[bool]:
    """The user's orders; an admin may narrow them to an office and/or a workshop (others see
    their own place's orders whatever they ask for)."""
    condition = order_scope(user)
    if user.role is Role.ADMIN:
        if office_id is not None:
            condition = sa.and_(condition, RepairOrder.office_id == office_id)
        if workshop_id is not None:
            condition = sa.and_(condition, RepairOrder.workshop_id == workshop_id)
    return condition


def place_condition(kind: str, place_id: int, *, in_office_id: int | None = None):
    """The orders of an office, or of a workshop as its staff see them (not orders still
    waiting at a remote office): what its manager's digest lists."""
    if kind == "office":
        return RepairOrder.office_id == place_id
    return workshop_orders(place_id, in_office_id=in_office_id)


def get_watchlist(
    condition: sa.ColumnElement[bool], *, today: date, limit: int = SECTION_LIMIT
) -> Watchlist:
    """The three sections for the orders matching `condition` (three queries)."""
    warning_days = current_app.config["SLA_LEGAL_WARNING_DAYS"]
    open_ = sa.and_(condition, RepairOrder.status.in_(sla.WATCHED_STATUSES))
    tomorrow = today + timedelta(days=sla.DUE_SOON_DAYS)
    # on (status, promised_date) or the workshop queue's (workshop_id, status, promised_date)
    overdue = _section(
        "overdue",
        sa.and_(open_, RepairOrder.promised_date < today),
        (RepairOrder.promised_date, RepairOrder.id),
        today=today,
        warning_days=warning_days,
        limit=limit,
    )
    due_soon = _section(
        "due_soon",
        sa.and_(open_, RepairOrder.promised_date.between(today, tomorrow)),
        (RepairOrder.promised_date, RepairOrder.id),
        today=today,
        warning_days=warning_days,
        limit=limit,
    )
    # on (status, received_at, id) or (kind, received_at): handed in on or before the cutoff
    # day, the oldest (the latest) first
    cutoff = sla.legal_warning_cutoff(today, warning_days) + timedelta(days=1)
    legal = _section(
        "legal",
        sa.and_(
            open_,
            RepairOrder.received_at < _day_start(cutoff),
            RepairOrder.kind.in_(FREE_KINDS),
        ),
        (RepairOrder.received_at, RepairOrder.id),
        today=today,
        warning_days=warning_days,
        limit=limit,
    )
    return Watchlist(today, overdue, due_soon, legal)


def facts_of(order: RepairOrder) -> OrderFacts:
    return OrderFacts(
        status=order.status,
        kind=order.kind,
        received_on=order.received_at.astimezone(local_zone()).date(),
        promised_date=order.promised_date,
        declared_value=order.declared_value,
        price=order.price,
        estimate=order.estimate,
    )


_SECTION_WATCHES = {
    "overdue": {Watch.OVERDUE},
    "due_soon": {Watch.DUE_SOON},
    "legal": {Watch.LEGAL_NEAR, Watch.LEGAL_PASSED},
}


def _section(name: str, where, order_by, *, today: date, warning_days: int, limit: int) -> Section:
    orders = list(
        db.session.execute(
            sa.select(RepairOrder)
            .options(*_NEIGHBOURS)
            .where(where)
            .order_by(*order_by)
            .limit(limit + 1)
        ).scalars()
    )
    rows = []
    for order in orders[:limit]:
        assessment = sla.assess(facts_of(order), today=today, warning_days=warning_days)
        # the SQL narrows by the same rule; the domain has the last word, so a page never
        # labels an order differently from the order page
        if assessment.watches & _SECTION_WATCHES[name]:
            rows.append(Row(order, assessment))
    return Section(name, rows, more=len(orders) > limit, limit=limit)


def _day_start(day: date) -> datetime:
    """Midnight of a day of the offices' calendar, in UTC (received_at is stored in UTC)."""
    return datetime.combine(day, time.min, tzinfo=local_zone()).astimezone(UTC)
