"""Reading partner workshops' figures per month and their settlements (draft or confirmed).

Every figure is aggregated in the database (GROUP BY with conditional sums), a constant number of
queries whatever the number of orders and workshops. Months are the network's local calendar
months: their bounds are computed here as UTC instants, so the database needs no time zones.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..domain.enums import OrderKind, OrderStatus, Outcome, Role, WorkshopKind
from ..domain.settlements import (
    Contract,
    Line,
    OrderFigures,
    Reason,
    Totals,
    labour_of,
    next_month,
    settle,
    totals,
)
from ..domain.stock import LIVE_STATES, LineKind, LineState
from ..extensions import db
from ..models import (
    Office,
    OrderLine,
    Part,
    RepairOrder,
    Settlement,
    SettlementLine,
    User,
    Workshop,
    WorkshopContract,
    WorkshopRefusal,
)
from ..services.clock import local_zone

# --- which partners a user may see ----------------------------------------------------------


def partner_scope(user: User) -> sa.ColumnElement[bool]:
    """Admins see every partner workshop, a workshop's manager their own; nobody else any."""
    partner = Workshop.kind == WorkshopKind.PARTNER
    if user.role is Role.ADMIN:
        return partner
    if user.role is Role.MANAGER and user.workshop_id is not None:
        return sa.and_(partner, Workshop.id == user.workshop_id)
    return sa.false()


def list_partners_for(user: User) -> list[Workshop]:
    statement = sa.select(Workshop).where(partner_scope(user)).order_by(Workshop.name)
    return list(db.session.execute(statement).scalars())


def get_partner_for(user: User, workshop_id: int) -> Workshop | None:
    """The partner workshop if the user may see it; None otherwise (the view answers 404)."""
    if not 0 < workshop_id < 2**63:  # an id typed into an address can be any size
        return None
    statement = sa.select(Workshop).where(Workshop.id == workshop_id, partner_scope(user))
    return db.session.execute(statement).scalar_one_or_none()


# --- calendar months as UTC instants --------------------------------------------------------


def month_start(year: int, month: int) -> datetime:
    """The first moment of a local calendar month, in UTC."""
    return datetime(year, month, 1, tzinfo=local_zone()).astimezone(UTC)


def month_bounds(year: int) -> list[datetime]:
    """The 13 instants that cut a local year into its months."""
    return [month_start(year, month) for month in range(1, 13)] + [month_start(year + 1, 1)]


def _per_month(bounds: list[datetime], moment, group, *aggregates, where=(), select_from=None):
    """One grouped SELECT per month of the year, glued by UNION ALL: (group, month, aggregates).

    Each part reads one range of `moment` and groups by `group` alone, so the database walks an
    index led by (group, moment) in order, with neither a per-row month expression nor a sort.
    """
    parts = []
    for month in range(1, 13):
        part = sa.select(group, sa.literal(month), *aggregates)
        if select_from is not None:
            part = part.select_from(select_from)
        parts.append(
            part.where(*where, moment >= bounds[month - 1], moment < bounds[month]).group_by(group)
        )
    return sa.union_all(*parts)


def _seconds_between(start, end):
    """Seconds from `start` to `end`, per database (SQLite stores timestamps as text)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.extract("epoch", end - start)
    return (sa.func.julianday(end) - sa.func.julianday(start)) * 86400


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# --- figures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """One workshop's figures over a period (a month, or a year as the sum of its months)."""

    received: int = 0  # accepted by the workshop
    refused: int = 0
    completed: int = 0  # made ready
    turnaround_seconds: float = 0  # summed over the completed, intake to ready
    on_time: int = 0
    repaired: int = 0  # completed with the outcome "repaired"
    repeats: int = 0  # of those, how many came back under our warranty

    @property
    def refusal_rate(self) -> float | None:
        return _share(self.refused, self.received + self.refused)

    @property
    def turnaround_days(self) -> float | None:
        if not self.completed:
            return None
        return round(self.turnaround_seconds / self.completed / 86400, 1)

    @property
    def on_time_rate(self) -> float | None:
        return _share(self.on_time, self.completed)

    @property
    def repeat_rate(self) -> float | None:
        return _share(self.repeats, self.repaired)

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            *(getattr(self, name) + getattr(other, name) for name in self.__dataclass_fields__)
        )


@dataclass(frozen=True)
class PartnerYear:
    workshop: Workshop
    months: dict[int, Figures]  # 1-12, every month present
    settlements: dict[int, Settlement] = field(default_factory=dict)  # confirmed, by month

    @property
    def year_total(self) -> Figures:
        return sum(self.months.values(), Figures())


def list_figures(user: User, year: int) -> list[PartnerYear]:
    """Every partner workshop the user may see, with its figures for each month of the year.

    Six queries, whatever the number of workshops and orders.
    """
    workshops = list_partners_for(user)
    ids = [workshop.id for workshop in workshops]
    if not ids:
        return []
    bounds = month_bounds(year)
    found: dict[tuple[int, int], dict[str, float]] = {}

    def collect(rows, *names: str) -> None:
        if not isinstance(rows, list):
            rows = db.session.execute(rows)
        for workshop_id, month, *values in rows:
            row = found.setdefault((workshop_id, month), {})
            row.update({name: value or 0 for name, value in zip(names, values, strict=True)})

    order, refusal = RepairOrder, WorkshopRefusal
    collect(
        _per_month(
            bounds,
            order.accepted_at,
            order.workshop_id,
            sa.func.count(),
            where=[order.workshop_id.in_(ids)],
        ),
        "received",
    )
    collect(
        _per_month(
            bounds,
            refusal.created_at,
            refusal.workshop_id,
            sa.func.count(),
            where=[refusal.workshop_id.in_(ids)],
        ),
        "refused",
    )
    collect(
        _per_month(
            bounds,
            order.ready_at,
            order.workshop_id,
            sa.func.count(),
            sa.func.sum(_seconds_between(order.received_at, order.ready_at)),
            sa.func.sum(sa.case((order.ready_on_time.is_(True), 1), else_=0)),
            sa.func.sum(sa.case((order.outcome == Outcome.REPAIRED, 1), else_=0)),
            where=[order.workshop_id.in_(ids)],
        ),
        "completed",
        "turnaround_seconds",
        "on_time",
        "repaired",
    )
    # Driven by the few orders that came back, each original then found by its id. The year and
    # the workshops are picked by the month expression, not by a WHERE on the original's indexed
    # columns: that would tempt the planner into walking every completed order instead.
    original, repeat = aliased(RepairOrder), aliased(RepairOrder)
    month_of_original = sa.case(
        (original.ready_at < bounds[0], None),
        *((original.ready_at < bounds[month], month) for month in range(1, 13)),
        else_=None,
    )
    repeats = (
        sa.select(original.workshop_id, month_of_original, sa.func.count(sa.distinct(original.id)))
        .select_from(repeat)
        .join(original, original.id == repeat.original_order_id)
        .where(
            repeat.original_order_id.is_not(None),
            repeat.kind == OrderKind.REPEAT,
            # a repeat opened by mistake and cancelled is no repair that came back
            repeat.status != OrderStatus.CANCELLED,
            # it came back after its original was made ready, so within or after the year
            repeat.received_at >= bounds[0],
            original.outcome == Outcome.REPAIRED,
        )
        .group_by(original.workshop_id, month_of_original)
    )
    wanted = set(ids)
    collect(
        [row for row in db.session.execute(repeats) if row[0] in wanted and row[1] is not None],
        "repeats",
    )
    confirmed: dict[int, dict[int, Settlement]] = {}
    for settlement in db.session.execute(
        sa.select(Settlement).where(Settlement.workshop_id.in_(ids), Settlement.year == year)
    ).scalars():
        confirmed.setdefault(settlement.workshop_id, {})[settlement.month] = settlement
    return [
        PartnerYear(
            workshop=workshop,
            months={
                month: Figures(**found.get((workshop.id, month), {})) for month in range(1, 13)
            },
            settlements=confirmed.get(workshop.id, {}),
        )
        for workshop in workshops
    ]


# --- settlements ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    """A settlement as a page shows it: the confirmed one, or the draft computed now."""

    workshop: Workshop
    year: int
    month: int
    lines: list[Line]
    totals: Totals
    settlement: Settlement | None = None

    @property
    def confirmed(self) -> bool:
        return self.settlement is not None

    @property
    def contracts(self) -> tuple[tuple[str | None, int], ...]:
        """The (contract number, share) pairs the lines were settled under, most used first."""
        used = Counter((line.contract_number, line.share_percent) for line in self.lines)
        return tuple(pair for pair, _count in used.most_common())


def get_settlement(workshop_id: int, year: int, month: int) -> Settlement | None:
    return db.session.execute(
        sa.select(Settlement).where(
            Settlement.workshop_id == workshop_id,
            Settlement.year == year,
            Settlement.month == month,
        )
    ).scalar_one_or_none()


def contracts_of(workshop_id: int) -> list[Contract]:
    return [
        Contract(c.number, c.starts_on, c.ends_on, c.labour_share_percent, c.active)
        for c in db.session.execute(
            sa.select(WorkshopContract)
            .where(WorkshopContract.workshop_id == workshop_id)
            .order_by(WorkshopContract.starts_on, WorkshopContract.id)  # ties: the same choice
        ).scalars()
    ]


def order_figures(workshop_id: int, year: int, month: int) -> list[OrderFigures]:
    """The orders the workshop made ready in the month, each with its labour and parts summed
    in the database, in completion order. One query."""
    start, end = month_start(year, month), month_start(*next_month(year, month))
    order, original = RepairOrder, aliased(RepairOrder)
    fitted = sa.and_(OrderLine.kind == LineKind.PART, OrderLine.state == LineState.CONSUMED)
    own_units = OrderLine.quantity - OrderLine.network_quantity

    def total(condition, value):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, value), else_=0)), 0)

    statement = (
        sa.select(
            order.id,
            order.number,
            order.ready_at,
            order.price,
            order.outcome,
            order.diagnostic_fee,
            sa.func.count(OrderLine.id),
            total(
                sa.and_(OrderLine.kind == LineKind.SERVICE, OrderLine.state.in_(LIVE_STATES)),
                OrderLine.quantity * OrderLine.unit_price,
            ),
            total(fitted, OrderLine.network_quantity),
            total(fitted, own_units),
            total(fitted, own_units * Part.unit_cost),
            # the workshop redoing its own completed repair under our warranty
            sa.func.max(
                sa.case(
                    (
                        sa.and_(
                            order.kind == OrderKind.REPEAT,
                            original.workshop_id == order.workshop_id,
                            original.ready_at.is_not(None),
                        ),
                        1,
                    ),
                    else_=0,
                )
            ),
        )
        .outerjoin(OrderLine, OrderLine.order_id == order.id)
        .outerjoin(Part, Part.id == OrderLine.part_id)
        .outerjoin(original, original.id == order.original_order_id)
        .where(order.workshop_id == workshop_id, order.ready_at >= start, order.ready_at < end)
        .group_by(
            order.id, order.number, order.ready_at, order.price, order.outcome, order.diagnostic_fee
        )
        .order_by(order.ready_at, order.id)
    )
    zone = local_zone()
    return [
        OrderFigures(
            order_id=order_id,
            number=number,
            completed_on=ready_at.astimezone(zone).date(),
            labour=labour_of(
                not_repaired=outcome is Outcome.NOT_REPAIRED,
                lines=int(lines),
                services=int(services),
                price=price,
                diagnostic_fee=fee,
            ),
            network_units=int(network),
            workshop_units=int(own),
            workshop_parts=int(own_amount),
            own_repeat=bool(own_repeat),
            not_repaired=outcome is Outcome.NOT_REPAIRED,
        )
        for (
            order_id,
            number,
            ready_at,
            price,
            outcome,
            fee,
            lines,
            services,
            network,
            own,
            own_amount,
            own_repeat,
        ) in db.session.execute(statement)
    ]


def draft_lines(workshop_id: int, year: int, month: int) -> list[Line]:
    contracts = contracts_of(workshop_id)
    return [settle(figures, contracts) for figures in order_figures(workshop_id, year, month)]


def frozen_lines(settlement: Settlement) -> list[Line]:
    rows = db.session.execute(
        sa.select(SettlementLine)
        .where(SettlementLine.settlement_id == settlement.id)
        .order_by(SettlementLine.position)
    ).scalars()
    return [
        Line(
            order_id=row.order_id,
            number=row.order_number,
            completed_on=row.completed_on,
            contract_number=row.contract_number,
            share_percent=row.share_percent,
            labour=row.labour,
            labour_due=row.labour_due,
            network_units=row.network_units,
            workshop_units=row.workshop_units,
            workshop_parts=row.workshop_parts,
            reason=Reason(row.reason),
        )
        for row in rows
    ]


def get_statement(workshop: Workshop, year: int, month: int) -> Statement:
    """The confirmed settlement of the month as it was frozen, else the draft computed now."""
    settlement = get_settlement(workshop.id, year, month)
    if settlement is None:
        lines = draft_lines(workshop.id, year, month)
        return Statement(workshop, year, month, lines, totals(lines))
    frozen = Totals(
        orders=settlement.orders,
        labour=settlement.labour,
        labour_due=settlement.labour_due,
        network_units=settlement.network_units,
        workshop_units=settlement.workshop_units,
        workshop_parts=settlement.workshop_parts,
    )
    return Statement(workshop, year, month, frozen_lines(settlement), frozen, settlement)


def network_party() -> tuple[str, str]:
    """The network's legal name and tax id, as its offices print them (the most common one)."""
    rows = db.session.execute(
        sa.select(Office.legal_name, Office.tax_id).where(Office.legal_name != "")
    ).all()
    if not rows:
        return "", ""
    return Counter((name, tax_id) for name, tax_id in rows).most_common(1)[0][0]
