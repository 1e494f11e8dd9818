"""Parts and services lines of a repair order, and what the order's progress does to the stock.

A parts line is taken from the stock of the order's workshop. It waits (PENDING) until the
repair is agreed, then is RESERVED: at once for warranty orders and for lines added once the repair
is under way, else when the order moves on to awaiting parts or repair (the quote was approved
or was within the limit). Finishing the repair CONSUMES the reserved parts, with their serial
numbers; declining or cancelling RELEASES them; a fitted part taken out again is RETURNED.

Once an order has lines, they price it: `order.price` is the sum of its live lines.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..domain import workflow
from ..domain.enums import OrderStatus, Outcome, WorkshopKind
from ..domain.errors import N_, DomainError, NotPermitted
from ..domain.stock import (
    LIVE_STATES,
    LineKind,
    LineState,
    MovementKind,
    StockError,
    check_quantity,
    split_serials,
)
from ..extensions import db
from ..models import OrderLine, Part, RepairOrder, StockLevel, StockLocation, User
from ..models._types import utcnow
from ..queries import stock as stock_queries
from . import stock
from .atomic import atomic
from .stale import check_version

S = OrderStatus

# While the job is at the workshop and not finished, lines may be added and removed.
LINES_EDITABLE = (S.DIAGNOSING, S.AWAITING_APPROVAL, S.AWAITING_PARTS, S.IN_REPAIR)
# Statuses in which the repair is agreed: a new parts line is reserved at once.
AGREED = (S.AWAITING_PARTS, S.IN_REPAIR)
MAX_DESCRIPTION = 200


def lines_of(order: RepairOrder) -> list[OrderLine]:
    return list(
        db.session.execute(
            sa.select(OrderLine)
            .where(OrderLine.order_id == order.id)
            .options(sa.orm.joinedload(OrderLine.part))
            .order_by(OrderLine.id)
        ).scalars()
    )


def find_part(sku: str) -> Part:
    """The catalogue part with this SKU. Raises DomainError on the `sku` field if there is none."""
    part = stock_queries.get_part_by_sku(sku)  # as typed, or in capitals
    if part is None:
        raise DomainError(N_("No part with this SKU in the catalogue."), field="sku")
    return part


def reservation_due(order: RepairOrder) -> bool:
    """Whether a parts line added now is reserved at once (else it waits for the approval)."""
    return order.kind.is_free or order.status in AGREED


def _serials_in_use(line: OrderLine, serials: list[str]) -> list[str]:
    """The serials that another live line of the same part already carries (one unit cannot
    be fitted into two devices)."""
    candidates = db.session.execute(
        sa.select(OrderLine.serials).where(
            OrderLine.part_id == line.part_id,
            OrderLine.id != line.id,
            OrderLine.state.in_(LIVE_STATES),
            sa.or_(*(OrderLine.serials.contains(serial, autoescape=True) for serial in serials)),
        )
    ).scalars()
    used = {serial for text in candidates for serial in split_serials(text)}
    return [serial for serial in serials if serial in used]


def _check_editable(order: RepairOrder, actor: User) -> None:
    if actor.role not in workflow.WORKSHOP:
        raise NotPermitted(N_("Only the workshop adds parts and services to an order."))
    if order.status not in LINES_EDITABLE:
        raise NotPermitted(N_("Parts and services can be changed only while the repair is open."))


def _location(order: RepairOrder) -> StockLocation:
    return stock.location_for(workshop=order.workshop)


def _move(kind: MovementKind, line: OrderLine, order: RepairOrder, actor: User | None, **details):
    """The ledger movement of a parts line's whole quantity at its stock location (no actor: the
    customer's own answer to the quote moved it)."""
    return stock.record(
        kind,
        line.part,
        db.session.get(StockLocation, line.location_id),
        line.quantity,
        actor=actor,
        order_id=order.id,
        order_line_id=line.id,
        **details,
    )


def _reserve(line: OrderLine, order: RepairOrder, actor: User | None) -> bool:
    """Try to reserve a pending line; False (and the line stays pending) when stock is short."""
    try:
        with db.session.begin_nested():
            _move(MovementKind.RESERVE, line, order, actor)
    except StockError:
        return False
    line.state = LineState.RESERVED
    return True


def reprice(order: RepairOrder) -> None:
    """Price the order by its live lines (an order without lines keeps the price typed in).

    Once it has lines the price is their sum, 0 when none is left: a removed or taken-out part
    must never leave its price behind, nor leave the order without one.
    """
    lines = lines_of(order)
    if not lines:
        return
    price = sum(line.total for line in lines if line.is_live)
    workflow.check_new_price(order_facts_for_price(order), price)
    order.price = price
    order.updated_at = utcnow()  # moves the order's version: the page showed other totals


def order_facts_for_price(order: RepairOrder) -> workflow.OrderFacts:
    return workflow.OrderFacts(
        status=order.status,
        kind=order.kind,
        estimate=order.estimate,
        approval_limit=order.approval_limit,
        price=order.price,
        approved_amount=order.approved_amount,
    )


def _carry_typed_price(order: RepairOrder, actor: User) -> None:
    """Before the first line, a price typed by hand becomes a service line, so that adding a
    part does not silently drop the labour already quoted."""
    if order.price is None or lines_of(order):
        return
    description = (order.work_done or order.diagnosis or order.complaint).strip()
    db.session.add(
        OrderLine(
            order_id=order.id,
            kind=LineKind.SERVICE,
            description=description[:MAX_DESCRIPTION],
            quantity=1,
            unit_price=order.price,
            state=LineState.ACTIVE,
            added_by_id=actor.id,
        )
    )


@atomic
def add_part(
    order: RepairOrder,
    part: Part,
    quantity: int,
    *,
    actor: User,
    unit_price: int | None = None,
    expected_version: int | None = None,
) -> OrderLine:
    """Add a part from the workshop's stock. The returned line is RESERVED when the reservation
    was due and the stock allowed it, PENDING otherwise."""
    check_version(order, expected_version)
    _check_editable(order, actor)
    check_quantity(quantity)
    if not part.active:
        raise DomainError(N_("This part is no longer in the catalogue."), field="sku")
    _carry_typed_price(order, actor)
    line = OrderLine(
        order_id=order.id,
        kind=LineKind.PART,
        part_id=part.id,
        location_id=_location(order).id,
        description=part.name[:MAX_DESCRIPTION],
        quantity=quantity,
        unit_price=part.sale_price if unit_price is None else unit_price,
        warranty_months=part.warranty_months or None,
        state=LineState.PENDING,
        added_by_id=actor.id,
    )
    line.part = part
    db.session.add(line)
    db.session.flush()
    if reservation_due(order):
        _reserve(line, order, actor)
    reprice(order)
    db.session.flush()
    return line


@atomic
def add_service(
    order: RepairOrder,
    description: str,
    quantity: int,
    unit_price: int,
    *,
    actor: User,
    expected_version: int | None = None,
) -> OrderLine:
    check_version(order, expected_version)
    _check_editable(order, actor)
    check_quantity(quantity)
    if not description.strip():
        raise DomainError(N_("Describe the work."), field="description")
    _carry_typed_price(order, actor)
    line = OrderLine(
        order_id=order.id,
        kind=LineKind.SERVICE,
        description=description.strip()[:MAX_DESCRIPTION],
        quantity=quantity,
        unit_price=unit_price,
        state=LineState.ACTIVE,
        added_by_id=actor.id,
    )
    db.session.add(line)
    db.session.flush()
    reprice(order)
    db.session.flush()
    return line


def _release(line: OrderLine, order: RepairOrder, actor: User | None) -> None:
    if line.state is LineState.RESERVED:
        _move(MovementKind.RELEASE, line, order, actor)
    line.state = LineState.RELEASED


@atomic
def remove(
    order: RepairOrder, line: OrderLine, *, actor: User, expected_version: int | None = None
) -> None:
    """Drop a line not yet fitted (a reserved part goes back to available stock)."""
    check_version(order, expected_version)
    _check_editable(order, actor)
    if line.state not in (LineState.ACTIVE, LineState.PENDING, LineState.RESERVED):
        raise DomainError(N_("This line cannot be removed: a fitted part is returned instead."))
    _release(line, order, actor)
    reprice(order)
    db.session.flush()


@atomic
def take_out(
    order: RepairOrder, line: OrderLine, *, actor: User, expected_version: int | None = None
) -> None:
    """A fitted part taken out of the device again goes back to the workshop's stock."""
    check_version(order, expected_version)
    if actor.role not in workflow.WORKSHOP:
        raise NotPermitted(N_("Only the workshop adds parts and services to an order."))
    if order.status is not S.REPAIRED or line.state is not LineState.CONSUMED:
        raise DomainError(
            N_("Only a part fitted in a repaired device still at the workshop can be taken out.")
        )
    _move(MovementKind.RETURN, line, order, actor, serials=line.serials)
    line.state = LineState.RETURNED
    reprice(order)
    db.session.flush()


@atomic
def set_serials(
    order: RepairOrder,
    line: OrderLine,
    text: str,
    *,
    actor: User,
    expected_version: int | None = None,
) -> None:
    """Record the serial numbers of the units fitted (one per unit)."""
    check_version(order, expected_version)
    _check_editable(order, actor)
    serials = split_serials(text)
    if line.part is None or not line.part.serial_tracked:
        raise DomainError(N_("This part has no serial numbers."), field="serials")
    if line.state not in (LineState.PENDING, LineState.RESERVED):
        raise DomainError(N_("Serial numbers are recorded before the part is fitted."))
    if len(serials) != line.quantity:
        raise DomainError(
            N_("Enter one serial number per part fitted: %(count)s in all."),
            field="serials",
            count=line.quantity,
        )
    if len(set(serials)) != len(serials):
        raise DomainError(N_("The same serial number is entered twice."), field="serials")
    taken = _serials_in_use(line, serials)
    if taken:
        raise DomainError(
            N_("Serial number %(serial)s is already on another order's part."),
            field="serials",
            serial=taken[0],
        )
    line.serials = " ".join(serials)[:500]
    order.updated_at = utcnow()  # moves the order's version: the page showed other serials
    db.session.flush()


# --- what the order's progress does to its lines (called by services.orders.change_status) -----


def counts(order: RepairOrder, lines: list[OrderLine] | None = None) -> tuple[int, int]:
    """Parts lines that would stay unreserved, and lines to be fitted still missing their serial
    numbers.

    A pending line is counted only if the workshop's stock could not reserve it now (trying the
    lines in order, as `before_transition` does): every move the `parts_reserved` guard protects
    reserves first, so the buttons on the page offer what the move will find.
    """
    pending = missing = 0
    lines = lines_of(order) if lines is None else lines
    available = _available_for([line for line in lines if line.state is LineState.PENDING])
    for line in lines:
        if line.state is LineState.PENDING:
            key = (line.part_id, line.location_id)
            if available.get(key, 0) < line.quantity:
                pending += 1
                continue
            available[key] -= line.quantity
        elif line.state is not LineState.RESERVED:
            continue
        if line.part.serial_tracked and len(split_serials(line.serials)) != line.quantity:
            missing += 1
    return pending, missing


def _available_for(lines: list[OrderLine]) -> dict[tuple[int, int], int]:
    """What is available of each (part, location) of these lines, in one query."""
    if not lines:
        return {}
    rows = db.session.execute(
        sa.select(
            StockLevel.part_id, StockLevel.location_id, StockLevel.on_hand - StockLevel.reserved
        ).where(
            StockLevel.part_id.in_({line.part_id for line in lines}),
            StockLevel.location_id.in_({line.location_id for line in lines}),
        )
    )
    return {(part_id, location_id): available for part_id, location_id, available in rows}


def network_share(line: OrderLine) -> int:
    """How many units of a part line being fitted the network supplied ("network first").

    At our own workshop every part is the network's. A partner workshop also buys parts itself
    (its RECEIPTs): there the network's pool of the part is what the network sent in (TRANSFER_IN)
    less what left again (TRANSFER_OUT, plus TRANSFER_BACK of a cancelled transfer) less the
    network's units already fitted there; the line takes from that pool first, the rest is the
    workshop's own, which the monthly settlement reimburses at catalogue cost.
    """
    location = db.session.get(StockLocation, line.location_id)
    if location.workshop is None or location.workshop.kind is not WorkshopKind.PARTNER:
        return line.quantity
    pool = stock_queries.network_pool(line.part_id, line.location_id, exclude_line_id=line.id)
    return min(line.quantity, max(pool, 0))


# Moves guarded by `parts_reserved`: they reserve what they can before the guards look.
RESERVING = (*AGREED, S.REPAIRED)


def before_transition(order: RepairOrder, target: OrderStatus, actor: User | None) -> None:
    """Reserve what the move agrees to (the guards then see what could not be reserved)."""
    if target in RESERVING:
        for line in lines_of(order):
            if line.state is LineState.PENDING:
                _reserve(line, order, actor)


def after_transition(
    order: RepairOrder, target: OrderStatus, rule: workflow.Rule, actor: User | None
) -> None:
    if target is S.REPAIRED:
        for line in lines_of(order):
            if line.state is LineState.RESERVED:
                _move(MovementKind.CONSUME, line, order, actor, serials=line.serials)
                # After the movement: its guarded update locks the level of (part, location),
                # so a concurrent consumption of the same part there waits and then reads ours.
                line.network_quantity = network_share(line)
                line.state = LineState.CONSUMED
    elif target is S.CANCELLED or rule.sets_outcome is Outcome.NOT_REPAIRED:
        released = False
        for line in lines_of(order):
            if line.state in (LineState.PENDING, LineState.RESERVED):
                _release(line, order, actor)
                released = True
        if released:
            reprice(order)  # the parts not fitted are no longer part of the order's price
