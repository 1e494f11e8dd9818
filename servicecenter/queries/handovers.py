"""Reading handovers: scoped lookups, the lists of the Handovers page, what is ready to send, and
where a device is (its custody trail)."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ..domain.enums import OrderStatus, Role
from ..domain.handovers import (
    SENDABLE_STATUS,
    Direction,
    HandoverStatus,
    ItemState,
    Leg,
    Place,
    Step,
    custody_trail,
    place_after,
)
from ..extensions import db
from ..models import (
    Handover,
    HandoverItem,
    RepairOrder,
    User,
    Workshop,
    WorkshopRefusal,
)
from .pagination import Page, keyset_page

OPEN = (HandoverStatus.DRAFT, HandoverStatus.SENT)
MOVED = (HandoverStatus.SENT, HandoverStatus.RECEIVED)


def handover_scope(user: User) -> sa.ColumnElement[bool]:
    """An office's staff see its handovers, a workshop's staff theirs, admins all."""
    if user.role is Role.ADMIN:
        return sa.true()
    if user.role is Role.RECEPTIONIST and user.office_id is not None:
        return Handover.office_id == user.office_id
    if user.role.is_workshop_staff and user.workshop_id is not None:
        return Handover.workshop_id == user.workshop_id
    return sa.false()


def get_handover_for(user: User, handover_id: int) -> Handover | None:
    """The handover with its items (orders, devices, parts, transfers) if the user may see it."""
    if not 0 < handover_id < 2**63:  # an id typed into an address can be any size
        return None
    statement = (
        sa.select(Handover)
        .options(
            joinedload(Handover.office),
            joinedload(Handover.workshop),
            joinedload(Handover.created_by),
            joinedload(Handover.sent_by),
            joinedload(Handover.received_by),
            selectinload(Handover.items).options(
                joinedload(HandoverItem.order).joinedload(RepairOrder.device),
                joinedload(HandoverItem.part),
                joinedload(HandoverItem.transfer),
                joinedload(HandoverItem.answered_by),
            ),
        )
        .where(Handover.id == handover_id, handover_scope(user))
    )
    return db.session.execute(statement).unique().scalar_one_or_none()


def list_handovers(
    user: User, *, open_only: bool, cursor: str | None = None, limit: int = 50
) -> Page[Handover]:
    """The user's handovers, newest first: those not arrived yet, or those closed."""
    statuses = OPEN if open_only else (HandoverStatus.RECEIVED, HandoverStatus.CANCELLED)
    statement = (
        sa.select(Handover)
        .options(
            joinedload(Handover.office),
            joinedload(Handover.workshop),
            joinedload(Handover.sent_by),
            joinedload(Handover.received_by),
        )
        .where(handover_scope(user), Handover.status.in_(statuses))
    )
    return keyset_page(
        db.session,
        statement,
        key_columns=(Handover.created_at, Handover.id),
        descending=True,
        cursor=cursor,
        limit=limit,
        key_of=lambda handover: (handover.created_at, handover.id),
    )


@dataclass(frozen=True)
class Counts:
    devices: int = 0
    units: int = 0  # of parts
    missing: int = 0  # items that did not arrive (still missing)


def item_counts(handover_ids: list[int]) -> dict[int, Counts]:
    """Per handover: the devices and part units it carries, and how many items are missing
    (one query)."""
    if not handover_ids:
        return {}
    missing = sa.case((HandoverItem.state == ItemState.MISSING, 1), else_=0)
    rows = db.session.execute(
        sa.select(
            HandoverItem.handover_id,
            sa.func.count(HandoverItem.order_id),
            sa.func.coalesce(sa.func.sum(HandoverItem.quantity), 0),
            sa.func.sum(missing),
        )
        .where(HandoverItem.handover_id.in_(handover_ids))
        .group_by(HandoverItem.handover_id)
    ).all()
    return {row[0]: Counts(*(int(value or 0) for value in row[1:])) for row in rows}


@dataclass(frozen=True)
class Batch:
    """Orders waiting to travel between one office and one workshop, in one direction."""

    direction: Direction
    office_id: int
    workshop_id: int
    orders: list[RepairOrder]
    # Orders this workshop has refused: not ticked, they are to be routed elsewhere first.
    refused: set[int] = field(default_factory=set)

    @property
    def key(self) -> str:
        return f"{self.direction.value}-{self.office_id}-{self.workshop_id}"


def _not_travelling():
    return ~sa.exists().where(HandoverItem.open_order_id == RepairOrder.id)


def _remote():
    """The order's workshop is not on its office's premises (those devices need no handover)."""
    return sa.or_(Workshop.in_office_id.is_(None), Workshop.in_office_id != RepairOrder.office_id)


def _waiting(user: User, direction: Direction) -> sa.Select:
    """Orders the user's side may put into a handover of `direction` now: at the right end,
    with a workshop off the office's premises, in no other handover."""
    return (
        sa.select(RepairOrder)
        .join(Workshop, Workshop.id == RepairOrder.workshop_id)
        .where(
            RepairOrder.status == SENDABLE_STATUS[direction],
            _remote(),
            _not_travelling(),
            _sender_scope(user, direction),
        )
    )


def sendable_orders(
    user: User, direction: Direction, *, office_id: int, workshop_id: int, order_ids=None
) -> list[RepairOrder]:
    """Orders that may go into a handover of `direction` between these two places now."""
    statement = (
        _waiting(user, direction)
        .options(joinedload(RepairOrder.device), joinedload(RepairOrder.workshop))
        .where(RepairOrder.office_id == office_id, RepairOrder.workshop_id == workshop_id)
        .order_by(RepairOrder.received_at, RepairOrder.id)
    )
    if order_ids is not None:
        statement = statement.where(RepairOrder.id.in_(order_ids))
    return list(db.session.execute(statement).scalars())


def _sender_scope(user: User, direction: Direction) -> sa.ColumnElement[bool]:
    """Offices send to workshops what they took in; workshops send back what they worked on."""
    if user.role is Role.ADMIN:
        return sa.true()
    if direction is Direction.TO_WORKSHOP and user.role is Role.RECEPTIONIST:
        return RepairOrder.office_id == user.office_id
    if direction is Direction.TO_OFFICE and user.role.is_workshop_staff:
        return RepairOrder.workshop_id == user.workshop_id
    return sa.false()


def ready_to_send(user: User, *, limit: int = 200) -> list[Batch]:
    """What the user's side may put into a new handover, grouped by where it goes."""
    batches: dict[tuple, Batch] = {}
    for direction in Direction:
        statement = (
            _waiting(user, direction)
            .options(
                joinedload(RepairOrder.device),
                joinedload(RepairOrder.office),
                joinedload(RepairOrder.workshop),
            )
            .order_by(RepairOrder.workshop_id, RepairOrder.received_at, RepairOrder.id)
            .limit(limit)
        )
        for order in db.session.execute(statement).scalars():
            key = (direction, order.office_id, order.workshop_id)
            batch = batches.setdefault(
                key, Batch(direction, order.office_id, order.workshop_id, [])
            )
            batch.orders.append(order)
    refused = _refused_by_their_workshop(
        [order for batch in batches.values() for order in batch.orders]
    )
    for batch in batches.values():
        batch.refused.update(order.id for order in batch.orders if order.id in refused)
    return list(batches.values())


def _refused_by_their_workshop(orders: list[RepairOrder]) -> set[int]:
    """Which of these orders the workshop they are routed to has refused before (one query)."""
    if not orders:
        return set()
    return set(
        db.session.scalars(
            sa.select(WorkshopRefusal.order_id)
            .join(RepairOrder, RepairOrder.id == WorkshopRefusal.order_id)
            .where(
                WorkshopRefusal.order_id.in_([order.id for order in orders]),
                WorkshopRefusal.workshop_id == RepairOrder.workshop_id,
            )
        )
    )


def custody_facts(order_id: int) -> tuple[Place | None, bool]:
    """Where the device is by its handovers, and whether a handover not yet arrived holds it
    (one query)."""
    rows = db.session.execute(
        sa.select(
            HandoverItem.state, Handover.direction, Handover.status, HandoverItem.open_order_id
        )
        .join(Handover, Handover.id == HandoverItem.handover_id)
        .where(HandoverItem.order_id == order_id)
        .order_by(HandoverItem.id)  # an order is packed again only once its last item closed
    ).all()
    return _custody_facts(rows)


def _custody_facts(rows) -> tuple[Place | None, bool]:
    """From the order's items, oldest first, as (state, direction, status, open order id)."""
    moved = [(state, direction) for state, direction, status, _ in rows if status in MOVED]
    place = place_after(*moved[-1]) if moved else None
    return place, any(open_id is not None for *_, open_id in rows)


@dataclass(frozen=True)
class Custody:
    trail: list[Step]  # oldest first: the last step is where the device is now
    open_handover: Handover | None  # the draft or handover on its way that holds it
    facts: tuple[Place | None, bool]  # custody_facts of the same rows (the workflow's guards)


def custody_of(order: RepairOrder) -> Custody:
    """The device's custody trail for the order page: intake office, each handover leg, the
    customer once collected, and the custody facts the guards read; one query. Expects the
    order's history loaded
    (queries.orders.get_order_for)."""
    rows = db.session.execute(
        sa.select(HandoverItem, Handover)
        .join(Handover, Handover.id == HandoverItem.handover_id)
        .options(
            joinedload(HandoverItem.answered_by),
            joinedload(Handover.sent_by),
            joinedload(Handover.office),
            joinedload(Handover.workshop),
        )
        .where(HandoverItem.order_id == order.id)
        .order_by(HandoverItem.id)
    ).all()
    legs = [
        Leg(
            handover_number=handover.number,
            direction=handover.direction,
            office_name=handover.office.name,
            workshop_name=handover.workshop.name,
            sent_at=handover.sent_at,
            sent_by=handover.sent_by.name,
            state=item.state,
            answered_at=item.answered_at,
            answered_by=item.answered_by.name if item.answered_by else None,
            note=item.note,
        )
        for item, handover in rows
        if handover.status in MOVED
    ]
    collected = next(
        (change for change in order.history if change.to_status is OrderStatus.COLLECTED), None
    )
    trail = custody_trail(
        office_name=order.office.name,
        received_at=order.received_at,
        received_by=order.received_by.name,
        legs=legs,
        collected_at=collected.created_at if collected else None,
        collected_by=collected.actor.name if collected and collected.actor else None,
    )
    holder = next((handover for item, handover in rows if item.open_order_id is not None), None)
    facts = _custody_facts(
        [
            (item.state, handover.direction, handover.status, item.open_order_id)
            for item, handover in rows
        ]
    )
    return Custody(trail, holder, facts)


def open_handover_of(order_id: int) -> Handover | None:
    """The handover (draft or on its way) that holds the order, if any."""
    return db.session.execute(
        sa.select(Handover)
        .join(HandoverItem, HandoverItem.handover_id == Handover.id)
        .where(HandoverItem.open_order_id == order_id)
    ).scalar_one_or_none()


def carriers_of(transfer_ids: list[int]) -> dict[int, Handover]:
    """The handover that carries each of these stock transfers, if any (one query)."""
    if not transfer_ids:
        return {}
    rows = db.session.execute(
        sa.select(HandoverItem.transfer_id, Handover)
        .join(Handover, Handover.id == HandoverItem.handover_id)
        .where(HandoverItem.transfer_id.in_(transfer_ids))
    ).all()
    return {transfer_id: handover for transfer_id, handover in rows}
