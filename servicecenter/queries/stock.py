"""Reading stock for the stock pages: scoped lookups of locations, movements and transfers, the
levels of a location, the ledger, low stock, transfers and the value held at each location.

A location, movement or transfer outside the user's scope is not found (None, the view answers
404), as for orders. Scope is `services.stock.may_use`: staff see their own office's or
workshop's location, admins every location.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased, contains_eager, joinedload

from ..domain.enums import Role, WorkshopKind
from ..domain.numbering import canonical_number
from ..domain.stock import MovementKind, TransferStatus
from ..extensions import db
from ..models import (
    OrderLine,
    Part,
    RepairOrder,
    StockLevel,
    StockLocation,
    StockMovement,
    StockTransfer,
    User,
    Workshop,
)
from ..services.clock import local_zone
from ..services.stock import may_use
from .pagination import Page, keyset_page

# --- locations ------------------------------------------------------------------------------


def location_scope(user: User) -> sa.ColumnElement[bool]:
    """The locations a user may see (the same rule as services.stock.may_use)."""
    if user.role is Role.ADMIN:
        return sa.true()
    if user.office_id is not None:
        return StockLocation.office_id == user.office_id
    if user.workshop_id is not None:
        return StockLocation.workshop_id == user.workshop_id
    return sa.false()


def _by_name(locations) -> list[StockLocation]:
    # Offices first, then workshops, each by name: there are few locations, sorted here.
    return sorted(locations, key=lambda loc: (loc.office_id is None, loc.name.casefold(), loc.id))


def list_locations_for(user: User) -> list[StockLocation]:
    statement = sa.select(StockLocation).where(location_scope(user))
    return _by_name(db.session.execute(statement).scalars())


def list_all_locations() -> list[StockLocation]:
    """Every location of the network (where parts may be sent)."""
    return _by_name(db.session.execute(sa.select(StockLocation)).scalars())


def visible_location_ids(user: User) -> list[int] | None:
    """The ids of the locations the user may see; None for all of them (admins)."""
    if user.role is Role.ADMIN:
        return None
    statement = sa.select(StockLocation.id).where(location_scope(user))
    return list(db.session.execute(statement).scalars())


def _in(column, ids: list[int]) -> sa.ColumnElement[bool]:
    # One id (the usual case) as `=`, so the (location_id, id) index also gives the order.
    if len(ids) == 1:
        return column == ids[0]
    return column.in_(ids) if ids else sa.false()


def _is_id(value: int | None) -> bool:
    # An id typed into an address can be any size; the database takes 64 bits.
    return value is not None and 0 < value < 2**63


def get_location_for(user: User, location_id: int) -> StockLocation | None:
    """The location if the user may see it; None otherwise (the view answers 404)."""
    location = get_location(location_id)
    return location if location is not None and may_use(user, location) else None


def get_location(location_id: int | None) -> StockLocation | None:
    """Any location of the network, e.g. the destination of a transfer."""
    if not _is_id(location_id):
        return None
    return db.session.execute(
        sa.select(StockLocation).where(StockLocation.id == location_id)
    ).scalar_one_or_none()


def default_location_for(user: User) -> StockLocation | None:
    """The user's own location; for an admin the first of the network."""
    locations = list_locations_for(user)
    return locations[0] if locations else None


# --- parts ----------------------------------------------------------------------------------


def get_part_by_sku(sku: str) -> Part | None:
    """The catalogue part with this SKU as typed, or in capitals (SKUs are written in capitals)."""
    text = (sku or "").strip()
    if not text:
        return None
    for candidate in dict.fromkeys((text, text.upper())):
        part = db.session.execute(sa.select(Part).where(Part.sku == candidate)).scalar_one_or_none()
        if part is not None:
            return part
    return None


# --- levels ---------------------------------------------------------------------------------


def _is_low() -> sa.ColumnElement[bool]:
    return StockLevel.on_hand - StockLevel.reserved < StockLevel.minimum


def _part_search(q: str) -> sa.ColumnElement[bool] | None:
    text = q.strip()
    if not text:
        return None
    return sa.or_(
        Part.sku.startswith(text, autoescape=True),
        Part.sku.startswith(text.upper(), autoescape=True),
        Part.name.icontains(text, autoescape=True),
    )


def list_levels(
    location_id: int,
    *,
    q: str = "",
    low_only: bool = False,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[StockLevel]:
    """The levels of one location by SKU, with their parts; one page after `cursor`."""
    statement = (
        sa.select(StockLevel)
        .join(StockLevel.part)
        .options(contains_eager(StockLevel.part))
        .where(StockLevel.location_id == location_id)
    )
    if (condition := _part_search(q)) is not None:
        statement = statement.where(condition)
    if low_only:
        statement = statement.where(_is_low())
    return keyset_page(
        db.session,
        statement,
        key_columns=(Part.sku,),
        descending=False,
        cursor=cursor,
        limit=limit,
        key_of=lambda level: (level.part.sku,),
    )


@dataclass(frozen=True)
class Holding:
    """What a location holds: units on hand and their value at catalogue cost (minor units)."""

    units: int = 0
    value: int = 0


def holding_of(location_id: int) -> Holding:
    """Units on hand at a location and their value at cost, in one aggregate query."""
    row = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(StockLevel.on_hand), 0),
            sa.func.coalesce(sa.func.sum(StockLevel.on_hand * Part.unit_cost), 0),
        )
        .select_from(StockLevel)
        .join(Part, Part.id == StockLevel.part_id)
        .where(StockLevel.location_id == location_id)
    ).one()
    return Holding(int(row[0]), int(row[1]))


def list_holdings(user: User) -> list[tuple[StockLocation, Holding]]:
    """Every location the user may see with what it holds (one grouped query)."""
    totals = (
        sa.select(
            StockLevel.location_id,
            sa.func.sum(StockLevel.on_hand).label("units"),
            sa.func.sum(StockLevel.on_hand * Part.unit_cost).label("value"),
        )
        .join(Part, Part.id == StockLevel.part_id)
        .group_by(StockLevel.location_id)
        .subquery()
    )
    statement = (
        sa.select(
            StockLocation,
            sa.func.coalesce(totals.c.units, 0),
            sa.func.coalesce(totals.c.value, 0),
        )
        .outerjoin(totals, totals.c.location_id == StockLocation.id)
        .where(location_scope(user))
    )
    rows = {
        location.id: (location, Holding(int(units), int(value)))
        for location, units, value in db.session.execute(statement)
    }
    return [rows[location.id] for location in _by_name(row[0] for row in rows.values())]


def list_low(
    user: User,
    *,
    location_id: int | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[StockLevel]:
    """Levels whose available stock is below their minimum at the user's locations, by SKU."""
    statement = (
        sa.select(StockLevel)
        .join(StockLevel.part)
        .options(contains_eager(StockLevel.part))
        .where(_is_low())
    )
    ids = visible_location_ids(user)
    if ids is not None:
        statement = statement.where(_in(StockLevel.location_id, ids))
    if location_id is not None:
        statement = statement.where(StockLevel.location_id == location_id)
    return keyset_page(
        db.session,
        statement,
        key_columns=(Part.sku, StockLevel.location_id),
        descending=False,
        cursor=cursor,
        limit=limit,
        key_of=lambda level: (level.part.sku, level.location_id),
    )


# --- the ledger -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerFilter:
    sku: str = ""
    location_id: int | None = None
    order_number: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _day_start(day: date) -> datetime:
    """Midnight of a day of the offices' calendar, in UTC."""
    return datetime.combine(day, time.min, tzinfo=local_zone()).astimezone(UTC)


def list_ledger(
    user: User, filters: LedgerFilter, *, cursor: str | None = None, limit: int = 50
) -> Page[StockMovement]:
    """Movements at the user's locations, newest first, filtered; one page after `cursor`."""
    statement = sa.select(StockMovement).options(
        joinedload(StockMovement.part),
        joinedload(StockMovement.location),
        joinedload(StockMovement.actor),
    )
    ids = visible_location_ids(user)
    if ids is not None:
        statement = statement.where(_in(StockMovement.location_id, ids))
    if filters.sku:
        part = get_part_by_sku(filters.sku)
        statement = statement.where(
            StockMovement.part_id == part.id if part is not None else sa.false()
        )
    if filters.location_id is not None:
        statement = statement.where(StockMovement.location_id == filters.location_id)
    if filters.order_number:
        number = canonical_number(filters.order_number)
        order_id = (
            db.session.execute(
                sa.select(RepairOrder.id).where(RepairOrder.number == number)
            ).scalar_one_or_none()
            if number
            else None
        )
        statement = statement.where(
            StockMovement.order_id == order_id if order_id is not None else sa.false()
        )
    if filters.date_from is not None:
        statement = statement.where(StockMovement.created_at >= _day_start(filters.date_from))
    if filters.date_to is not None:
        statement = statement.where(
            StockMovement.created_at < _day_start(filters.date_to + timedelta(days=1))
        )
    return keyset_page(
        db.session,
        statement,
        key_columns=(StockMovement.id,),
        descending=True,
        cursor=cursor,
        limit=limit,
        key_of=lambda movement: (movement.id,),
    )


@dataclass(frozen=True)
class LedgerContext:
    """What the rows of a ledger page link to: order numbers, and which are reversed already."""

    order_numbers: dict[int, str]
    reversed_ids: frozenset[int]


def ledger_context(movements: list[StockMovement]) -> LedgerContext:
    """Two queries for a whole page, however many rows it has."""
    order_ids = {m.order_id for m in movements if m.order_id is not None}
    numbers: dict[int, str] = {}
    if order_ids:
        numbers = dict(
            db.session.execute(
                sa.select(RepairOrder.id, RepairOrder.number).where(RepairOrder.id.in_(order_ids))
            ).all()
        )
    reversed_ids: frozenset[int] = frozenset()
    if movements:
        reversed_ids = frozenset(
            db.session.execute(
                sa.select(StockMovement.reverses_id).where(
                    StockMovement.reverses_id.in_([m.id for m in movements])
                )
            ).scalars()
        )
    return LedgerContext(numbers, reversed_ids)


def get_movement_for(user: User, movement_id: int) -> StockMovement | None:
    if not _is_id(movement_id):
        return None
    movement = db.session.execute(
        sa.select(StockMovement)
        .options(joinedload(StockMovement.part), joinedload(StockMovement.location))
        .where(StockMovement.id == movement_id)
    ).scalar_one_or_none()
    return movement if movement is not None and may_use(user, movement.location) else None


# --- transfers ------------------------------------------------------------------------------

_TRANSFER_NEIGHBOURS = (
    joinedload(StockTransfer.part),
    joinedload(StockTransfer.source),
    joinedload(StockTransfer.destination),
    joinedload(StockTransfer.sent_by),
    joinedload(StockTransfer.closed_by),
)


def _transfer_scope(user: User) -> sa.ColumnElement[bool]:
    ids = visible_location_ids(user)
    if ids is None:
        return sa.true()
    return sa.or_(_in(StockTransfer.source_id, ids), _in(StockTransfer.destination_id, ids))


def get_transfer_for(user: User, transfer_id: int) -> StockTransfer | None:
    """A transfer the user sees from one of its ends; None otherwise (404)."""
    if not _is_id(transfer_id):
        return None
    transfer = db.session.execute(
        sa.select(StockTransfer)
        .options(*_TRANSFER_NEIGHBOURS)
        .where(StockTransfer.id == transfer_id)
    ).scalar_one_or_none()
    if transfer is None:
        return None
    if may_use(user, transfer.source) or may_use(user, transfer.destination):
        return transfer
    return None


def list_transfers_in_transit(
    user: User, *, cursor: str | None = None, limit: int = 50
) -> Page[StockTransfer]:
    statement = (
        sa.select(StockTransfer)
        .options(*_TRANSFER_NEIGHBOURS)
        .where(StockTransfer.status == TransferStatus.IN_TRANSIT, _transfer_scope(user))
    )
    return keyset_page(
        db.session,
        statement,
        key_columns=(StockTransfer.id,),
        descending=True,
        cursor=cursor,
        limit=limit,
        key_of=lambda transfer: (transfer.id,),
    )


def list_recent_closed_transfers(user: User, *, limit: int = 20) -> list[StockTransfer]:
    statement = (
        sa.select(StockTransfer)
        .options(*_TRANSFER_NEIGHBOURS)
        .where(StockTransfer.status != TransferStatus.IN_TRANSIT, _transfer_scope(user))
        .order_by(StockTransfer.id.desc())
        .limit(limit)
    )
    return list(db.session.execute(statement).scalars())


# How many of the workshop's parts the order page suggests while typing an SKU.
SUGGESTIONS = 300


def available_parts(
    *, workshop_id: int | None = None, office_id: int | None = None, limit: int = SUGGESTIONS
) -> list[tuple]:
    """(SKU, name, available) of the active parts a workshop (or an office) has available, by
    SKU: what can go on an order, or into a handover, without waiting. One query."""
    available = StockLevel.on_hand - StockLevel.reserved
    place = (
        StockLocation.workshop_id == workshop_id
        if workshop_id is not None
        else StockLocation.office_id == office_id
    )
    return list(
        db.session.execute(
            sa.select(Part.sku, Part.name, available)
            .join(Part, Part.id == StockLevel.part_id)
            .join(StockLocation, StockLocation.id == StockLevel.location_id)
            .where(place, available > 0, Part.active.is_(True))
            .order_by(Part.sku)
            .limit(limit)
        ).all()
    )


# --- who supplied the parts -----------------------------------------------------------------


def network_pool(part_id: int, location_id: int, *, exclude_line_id: int | None = None) -> int:
    """Units of the part at the location that are the network's (services.order_lines.
    network_share applies it), read by walking the location's ledger of the part in order:

    - parts sent in from the network (an office or our own workshop) are the network's;
    - what leaves takes the network's units first: units fitted take what their line was
      attributed, parts sent on, written off or counted missing take from the network's first;
    - a part taken out of a device again returns what its line had taken;
    - the network never has more there than is on hand (a correction of the workshop's own
      receipt cannot leave phantom units).

    The movements of `exclude_line_id` (the line being fitted) are left out. One query.
    """
    source = aliased(StockLocation)
    source_workshop = aliased(Workshop)
    rows = db.session.execute(
        sa.select(
            StockMovement.kind,
            StockMovement.on_hand_change,
            StockMovement.order_line_id,
            OrderLine.network_quantity,
            source.office_id,
            source_workshop.kind,
        )
        .outerjoin(OrderLine, OrderLine.id == StockMovement.order_line_id)
        .outerjoin(StockTransfer, StockTransfer.id == StockMovement.transfer_id)
        .outerjoin(source, source.id == StockTransfer.source_id)
        .outerjoin(source_workshop, source_workshop.id == source.workshop_id)
        .where(StockMovement.location_id == location_id, StockMovement.part_id == part_id)
        .order_by(StockMovement.id)
    ).all()
    pool = on_hand = 0
    for kind, change, line_id, line_network, source_office, source_kind in rows:
        if line_id is not None and line_id == exclude_line_id:
            continue
        on_hand += change
        if kind is MovementKind.TRANSFER_IN:
            if source_office is not None or source_kind is WorkshopKind.OWN:
                pool += change
        elif kind is MovementKind.TRANSFER_BACK:
            pool += change  # sent on and called off: back as it left, network first
        elif kind is MovementKind.CONSUME:
            pool -= line_network or 0
        elif kind is MovementKind.RETURN:
            pool += line_network or 0
        elif change < 0 and kind is not MovementKind.REVERSAL:
            pool += change
        pool = max(0, min(pool, on_hand))
    return pool
