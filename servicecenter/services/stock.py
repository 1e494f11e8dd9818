"""The only write path of stock: every change is a ledger movement plus a guarded update of the
cached level, in one transaction.

The guarded UPDATE (`... WHERE on_hand + :d >= 0 AND ...`) is what makes the last part impossible
to take twice: two sessions racing for it both run the UPDATE, the database serialises them on the
row, and the second finds the condition false and changes nothing (SQLite serialises whole write
transactions with BEGIN IMMEDIATE; PostgreSQL re-checks the WHERE on the locked row).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ..database import insert_ignoring_conflicts
from ..domain.enums import Role
from ..domain.errors import N_, DomainError, NotPermitted
from ..domain.stock import (
    REVERSIBLE,
    Change,
    Level,
    MovementKind,
    StockError,
    TransferStatus,
    adjustment_to,
    change_of,
    check_quantity,
    shortage_message,
)
from ..extensions import db
from ..models import (
    Handover,
    HandoverItem,
    Office,
    Part,
    StockLevel,
    StockLocation,
    StockMovement,
    StockTransfer,
    User,
    Workshop,
)
from ..models._types import utcnow
from .atomic import atomic

# Who may do what with the stock of a location they belong to (admins: everywhere).
RECEIVERS = frozenset({Role.ADMIN, Role.MANAGER, Role.RECEPTIONIST})
# Whoever is there when the parcel arrives signs for it, the technician of a small workshop too.
TRANSFER_RECEIVERS = RECEIVERS | {Role.TECHNICIAN}
COUNTERS = frozenset({Role.ADMIN, Role.MANAGER})  # write-offs, counts, reversals, minimums


# --- locations ------------------------------------------------------------------------------


def location_for(*, office: Office | None = None, workshop: Workshop | None = None):
    """The stock location of an office or a workshop, created on first use (the migration and
    `ensure_locations` create them for every office and workshop, so this rarely writes)."""
    column, owner = (
        (StockLocation.office_id, office)
        if office is not None
        else (StockLocation.workshop_id, workshop)
    )
    found = db.session.execute(sa.select(StockLocation).where(column == owner.id)).scalar()
    if found is not None:
        return found
    db.session.execute(
        insert_ignoring_conflicts(StockLocation)
        .values({column.key: owner.id})
        .on_conflict_do_nothing()
    )
    return db.session.execute(sa.select(StockLocation).where(column == owner.id)).scalar_one()


def ensure_locations() -> None:
    """Give every office and workshop its stock location (after creating them)."""
    for office in db.session.execute(sa.select(Office)).scalars():
        location_for(office=office)
    for workshop in db.session.execute(sa.select(Workshop)).scalars():
        location_for(workshop=workshop)


def may_use(user: User, location: StockLocation) -> bool:
    """Staff act on the stock of their own office or workshop; admins on every location."""
    if user.role is Role.ADMIN:
        return True
    if location.office_id is not None:
        return location.office_id == user.office_id
    return location.workshop_id == user.workshop_id


def _require(user: User, location: StockLocation, roles: frozenset[Role]) -> None:
    if user.role not in roles or not may_use(user, location):
        raise NotPermitted(N_("Your role may not change the stock of this location."))


# --- the ledger and the cached level --------------------------------------------------------


def level_of(part_id: int, location_id: int, *, lock: bool = False) -> Level:
    statement = sa.select(StockLevel.on_hand, StockLevel.reserved, StockLevel.in_transit).where(
        StockLevel.part_id == part_id, StockLevel.location_id == location_id
    )
    if lock:
        statement = statement.with_for_update()
    row = db.session.execute(statement).first()
    return Level(*row) if row else Level()


def _apply(part_id: int, location_id: int, change: Change) -> None:
    """Add `change` to the cached level, or raise StockError if a figure would go wrong."""
    db.session.execute(
        insert_ignoring_conflicts(StockLevel)
        .values(part_id=part_id, location_id=location_id, on_hand=0, reserved=0, in_transit=0)
        .on_conflict_do_nothing()
    )
    on_hand = StockLevel.on_hand + change.on_hand
    reserved = StockLevel.reserved + change.reserved
    in_transit = StockLevel.in_transit + change.in_transit
    result = db.session.execute(
        sa.update(StockLevel)
        .where(
            StockLevel.part_id == part_id,
            StockLevel.location_id == location_id,
            on_hand >= 0,
            reserved >= 0,
            in_transit >= 0,
            on_hand - reserved >= 0,
        )
        .values(on_hand=on_hand, reserved=reserved, in_transit=in_transit)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        template, params = shortage_message(level_of(part_id, location_id), change)
        raise StockError(template, **params)


def record(
    kind: MovementKind,
    part: Part,
    location: StockLocation,
    quantity: int,
    *,
    actor: User | None,
    change: Change | None = None,
    now: datetime | None = None,
    **details,
) -> StockMovement:
    """Write one movement and apply it to the cached level. Raises StockError if it cannot be."""
    change = change if change is not None else change_of(kind, quantity)
    _apply(part.id, location.id, change)
    movement = StockMovement(
        kind=kind,
        part_id=part.id,
        location_id=location.id,
        quantity=abs(quantity),
        on_hand_change=change.on_hand,
        reserved_change=change.reserved,
        in_transit_change=change.in_transit,
        # None: the customer's online answer to a quote reserved or released the part.
        actor_id=actor.id if actor is not None else None,
        created_at=now or utcnow(),
        **details,
    )
    db.session.add(movement)
    db.session.flush()
    return movement


def _active(part: Part) -> None:
    if not part.active:
        raise StockError(N_("This part is no longer in the catalogue."), field="sku")


# --- what people do with stock --------------------------------------------------------------


@atomic
def receive(
    part: Part,
    location: StockLocation,
    quantity: int,
    *,
    actor: User,
    unit_cost: int | None = None,
    supplier_document: str = "",
    note: str = "",
) -> StockMovement:
    """Parts arrive from a supplier (the catalogue cost when no cost is given)."""
    _require(actor, location, RECEIVERS)
    _active(part)
    return record(
        MovementKind.RECEIPT,
        part,
        location,
        quantity,
        actor=actor,
        unit_cost=part.unit_cost if unit_cost is None else unit_cost,
        supplier_document=supplier_document.strip(),
        note=note.strip(),
    )


@atomic
def write_off(
    part: Part, location: StockLocation, quantity: int, *, actor: User, reason: str
) -> StockMovement:
    _require(actor, location, COUNTERS)
    if not reason.strip():
        raise DomainError(N_("Give the reason for the write-off."), field="reason")
    return record(
        MovementKind.WRITE_OFF, part, location, quantity, actor=actor, note=reason.strip()
    )


@atomic
def adjust(
    part: Part, location: StockLocation, counted: int, *, actor: User, note: str = ""
) -> StockMovement:
    """Make the stock on hand what a count found."""
    _require(actor, location, COUNTERS)
    level = level_of(part.id, location.id, lock=True)
    delta = adjustment_to(level, counted)
    return record(MovementKind.ADJUSTMENT, part, location, delta, actor=actor, note=note.strip())


@atomic
def reverse(movement: StockMovement, *, actor: User, note: str = "") -> StockMovement:
    """Correct a mistaken receipt, write-off or adjustment with the opposite movement."""
    _require(actor, movement.location, COUNTERS)
    if movement.kind not in REVERSIBLE:
        raise DomainError(
            N_("Only receipts, write-offs and adjustments are corrected by a reversal.")
        )
    already = db.session.execute(
        sa.select(StockMovement.id).where(StockMovement.reverses_id == movement.id)
    ).first()
    if already is not None:
        raise DomainError(N_("This movement has already been reversed."))
    original = Change(movement.on_hand_change, movement.reserved_change, movement.in_transit_change)
    return record(
        MovementKind.REVERSAL,
        movement.part,
        movement.location,
        movement.quantity,
        actor=actor,
        change=-original,
        reverses_id=movement.id,
        unit_cost=movement.unit_cost,
        note=note.strip(),
    )


@atomic
def set_minimum(part: Part, location: StockLocation, minimum: int, *, actor: User) -> None:
    _require(actor, location, COUNTERS)
    if minimum < 0:
        raise StockError(N_("The minimum cannot be negative."), field="minimum")
    db.session.execute(
        insert_ignoring_conflicts(StockLevel)
        .values(part_id=part.id, location_id=location.id, on_hand=0, reserved=0, in_transit=0)
        .on_conflict_do_nothing()
    )
    db.session.execute(
        sa.update(StockLevel)
        .where(StockLevel.part_id == part.id, StockLevel.location_id == location.id)
        .values(minimum=minimum)
        .execution_options(synchronize_session=False)
    )


# --- transfers ------------------------------------------------------------------------------


@atomic
def send(
    part: Part,
    source: StockLocation,
    destination: StockLocation,
    quantity: int,
    *,
    actor: User,
    note: str = "",
    now: datetime | None = None,
) -> StockTransfer:
    """Send parts to another location: they leave the source now and are in transit until the
    destination receives them."""
    _require(actor, source, RECEIVERS)
    _active(part)
    check_quantity(quantity)
    if source.id == destination.id:
        raise DomainError(
            N_("Choose another location to send the parts to."), field="destination_id"
        )
    now = now or utcnow()
    transfer = StockTransfer(
        part_id=part.id,
        quantity=quantity,
        source_id=source.id,
        destination_id=destination.id,
        status=TransferStatus.IN_TRANSIT,
        note=note.strip(),
        sent_by_id=actor.id,
        sent_at=now,
    )
    db.session.add(transfer)
    db.session.flush()
    details = dict(actor=actor, transfer_id=transfer.id, now=now, unit_cost=part.unit_cost)
    record(MovementKind.TRANSFER_OUT, part, source, quantity, **details)
    record(MovementKind.TRANSIT, part, destination, quantity, **details)
    return transfer


def _close(transfer: StockTransfer, status: TransferStatus, actor: User, now: datetime) -> None:
    """Move a transfer out of transit exactly once, even if two people press at the same time."""
    result = db.session.execute(
        sa.update(StockTransfer)
        .where(StockTransfer.id == transfer.id, StockTransfer.status == TransferStatus.IN_TRANSIT)
        .values(status=status, closed_by_id=actor.id, closed_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise DomainError(N_("This transfer is no longer in transit."))
    db.session.refresh(transfer)


def _not_in_a_handover(transfer: StockTransfer, via_handover: bool) -> None:
    """Parts sent in a handover are signed for (or called back) in it, with its devices."""
    if via_handover:
        return
    carrier = db.session.execute(
        sa.select(Handover).join(HandoverItem).where(HandoverItem.transfer_id == transfer.id)
    ).scalar_one_or_none()
    if carrier is not None:
        raise DomainError(
            N_("These parts travel in handover %(handover)s: sign for them there."),
            handover=carrier.number,
        )


@atomic
def receive_transfer(transfer: StockTransfer, *, actor: User, via_handover: bool = False) -> None:
    _require(actor, transfer.destination, TRANSFER_RECEIVERS)
    _not_in_a_handover(transfer, via_handover)
    now = utcnow()
    _close(transfer, TransferStatus.RECEIVED, actor, now)
    record(
        MovementKind.TRANSFER_IN,
        transfer.part,
        transfer.destination,
        transfer.quantity,
        actor=actor,
        transfer_id=transfer.id,
        now=now,
        unit_cost=transfer.part.unit_cost,
    )


@atomic
def cancel_transfer(transfer: StockTransfer, *, actor: User, via_handover: bool = False) -> None:
    """Call a transfer off while in transit: the parts are back at the sender."""
    _require(actor, transfer.source, RECEIVERS)
    _not_in_a_handover(transfer, via_handover)
    now = utcnow()
    _close(transfer, TransferStatus.CANCELLED, actor, now)
    details = dict(actor=actor, transfer_id=transfer.id, now=now, unit_cost=transfer.part.unit_cost)
    record(
        MovementKind.TRANSFER_CANCEL,
        transfer.part,
        transfer.destination,
        transfer.quantity,
        **details,
    )
    record(MovementKind.TRANSFER_BACK, transfer.part, transfer.source, transfer.quantity, **details)


# --- reconciliation -------------------------------------------------------------------------


@dataclass(frozen=True)
class Drift:
    part_id: int
    location_id: int
    cached: Level
    ledger: Level


def reconcile(*, fix: bool = False) -> list[Drift]:
    """Recompute every level from the ledger and report where the cache differs.

    With `fix`, the cached figures are set to the ledger's (the ledger is the truth).
    """
    ledger = (
        sa.select(
            StockMovement.part_id,
            StockMovement.location_id,
            sa.func.sum(StockMovement.on_hand_change).label("on_hand"),
            sa.func.sum(StockMovement.reserved_change).label("reserved"),
            sa.func.sum(StockMovement.in_transit_change).label("in_transit"),
        )
        .group_by(StockMovement.part_id, StockMovement.location_id)
        .subquery()
    )
    keys = (ledger.c.part_id == StockLevel.part_id) & (
        ledger.c.location_id == StockLevel.location_id
    )
    cached = sa.select(
        StockLevel.part_id,
        StockLevel.location_id,
        StockLevel.on_hand,
        StockLevel.reserved,
        StockLevel.in_transit,
        ledger.c.on_hand,
        ledger.c.reserved,
        ledger.c.in_transit,
    ).outerjoin(ledger, keys)
    missing = sa.select(
        ledger.c.part_id,
        ledger.c.location_id,
        sa.literal(0),
        sa.literal(0),
        sa.literal(0),
        ledger.c.on_hand,
        ledger.c.reserved,
        ledger.c.in_transit,
    ).where(
        ~sa.exists().where(
            StockLevel.part_id == ledger.c.part_id, StockLevel.location_id == ledger.c.location_id
        )
    )
    drifts = []
    for row in db.session.execute(cached.union_all(missing)):
        have = Level(row[2], row[3], row[4])
        want = Level(int(row[5] or 0), int(row[6] or 0), int(row[7] or 0))
        if have != want:
            drifts.append(Drift(row[0], row[1], have, want))
    if fix:
        for drift in drifts:
            db.session.execute(
                insert_ignoring_conflicts(StockLevel)
                .values(part_id=drift.part_id, location_id=drift.location_id)
                .on_conflict_do_nothing()
            )
            db.session.execute(
                sa.update(StockLevel)
                .where(
                    StockLevel.part_id == drift.part_id,
                    StockLevel.location_id == drift.location_id,
                )
                .values(
                    on_hand=drift.ledger.on_hand,
                    reserved=drift.ledger.reserved,
                    in_transit=drift.ledger.in_transit,
                )
                .execution_options(synchronize_session=False)
            )
    return drifts
