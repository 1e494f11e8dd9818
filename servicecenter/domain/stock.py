"""Stock arithmetic: what each kind of movement does to a location's figures, and the rules that
keep them sane (nothing below zero, nothing reserved that is not on hand).

A location holds three figures per part: `on_hand` (physically there, reserved or not),
`reserved` (promised to repair orders) and `in_transit` (sent to it, not yet received). Every
movement of the ledger carries the change it makes to each figure, so the cached level is the sum
of the ledger's changes and can be recomputed from it at any time.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .errors import N_, DomainError


class MovementKind(StrEnum):
    RECEIPT = "receipt"  # from a supplier
    TRANSFER_OUT = "transfer_out"  # left this location for another
    TRANSIT = "transit"  # on its way to this location
    TRANSFER_IN = "transfer_in"  # arrived here from another location
    TRANSFER_CANCEL = "transfer_cancel"  # a transfer called off: no longer on its way here
    TRANSFER_BACK = "transfer_back"  # a transfer called off: back at the sender
    RESERVE = "reserve"  # promised to a repair order
    RELEASE = "release"  # no longer promised (declined, cancelled, line removed)
    CONSUME = "consume"  # fitted into the customer's device
    RETURN = "return"  # a fitted part taken out again, back in stock
    WRITE_OFF = "write_off"  # lost, broken, expired
    ADJUSTMENT = "adjustment"  # a count found more or fewer
    REVERSAL = "reversal"  # corrects a mistaken receipt, write-off or adjustment


class TransferStatus(StrEnum):
    IN_TRANSIT = "in_transit"
    RECEIVED = "received"
    CANCELLED = "cancelled"


class LineKind(StrEnum):
    PART = "part"
    SERVICE = "service"


class LineState(StrEnum):
    """Where an order line stands with the stock. Service lines are always ACTIVE."""

    ACTIVE = "active"  # a service line
    PENDING = "pending"  # waiting: not approved yet, or not in stock
    RESERVED = "reserved"
    CONSUMED = "consumed"  # fitted
    RELEASED = "released"  # dropped before fitting
    RETURNED = "returned"  # fitted, then taken out again


# Lines that still price the order.
LIVE_STATES = (LineState.ACTIVE, LineState.PENDING, LineState.RESERVED, LineState.CONSUMED)


# Movements a person records by hand and may therefore have to correct with a reversal; the
# others are undone by their own flow (release, return, cancelling a transfer).
REVERSIBLE = frozenset({MovementKind.RECEIPT, MovementKind.WRITE_OFF, MovementKind.ADJUSTMENT})


class StockError(DomainError):
    field = "quantity"


@dataclass(frozen=True)
class Change:
    """What one movement adds to each figure of a level (negative to take away)."""

    on_hand: int = 0
    reserved: int = 0
    in_transit: int = 0

    def __neg__(self) -> Change:
        return Change(-self.on_hand, -self.reserved, -self.in_transit)


@dataclass(frozen=True)
class Level:
    on_hand: int = 0
    reserved: int = 0
    in_transit: int = 0

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    def after(self, change: Change) -> Level:
        return Level(
            self.on_hand + change.on_hand,
            self.reserved + change.reserved,
            self.in_transit + change.in_transit,
        )

    @property
    def is_valid(self) -> bool:
        """No figure below zero and no more reserved than is on hand (available >= 0)."""
        return min(self.on_hand, self.reserved, self.in_transit, self.available) >= 0


def change_of(kind: MovementKind, quantity: int) -> Change:
    """The change a movement of `quantity` units makes at its location.

    `quantity` is positive, except for an adjustment where its sign says more or fewer were
    counted. Reversals are built with `-change_of(original)`, not here.
    """
    if kind is MovementKind.ADJUSTMENT:
        if quantity == 0:
            raise StockError(N_("The count matches the stock: there is nothing to adjust."))
        return Change(on_hand=quantity)
    check_quantity(quantity)
    q = quantity
    return {
        MovementKind.RECEIPT: Change(on_hand=q),
        MovementKind.TRANSFER_OUT: Change(on_hand=-q),
        MovementKind.TRANSIT: Change(in_transit=q),
        MovementKind.TRANSFER_IN: Change(on_hand=q, in_transit=-q),
        MovementKind.TRANSFER_CANCEL: Change(in_transit=-q),
        MovementKind.TRANSFER_BACK: Change(on_hand=q),
        MovementKind.RESERVE: Change(reserved=q),
        MovementKind.RELEASE: Change(reserved=-q),
        MovementKind.CONSUME: Change(on_hand=-q, reserved=-q),
        MovementKind.RETURN: Change(on_hand=q),
        MovementKind.WRITE_OFF: Change(on_hand=-q),
    }[kind]


MAX_QUANTITY = 100_000


def check_quantity(quantity: int) -> None:
    if quantity <= 0:
        raise StockError(N_("The quantity must be a whole number greater than zero."))
    if quantity > MAX_QUANTITY:
        raise StockError(N_("The quantity is too large."))


def shortage_message(level: Level, change: Change) -> tuple[str, dict[str, object]]:
    """Why a change cannot be applied to a level: an English template and its parameters."""
    if change.in_transit < 0 and level.in_transit + change.in_transit < 0:
        return N_("Only %(count)s of this part are in transit here."), {"count": level.in_transit}
    if change.reserved < 0 and change.on_hand == 0 and level.reserved + change.reserved < 0:
        return N_("Only %(count)s of this part are reserved here."), {"count": level.reserved}
    if change.on_hand < 0 and change.reserved < 0:
        return N_("Only %(count)s of this part are reserved here."), {"count": level.reserved}
    if change.on_hand < 0 and level.reserved and level.on_hand + change.on_hand >= 0:
        return (
            N_("Only %(count)s available: %(reserved)s more are reserved for repair orders."),
            {"count": level.available, "reserved": level.reserved},
        )
    return N_("Only %(count)s of this part available here."), {"count": max(level.available, 0)}


def adjustment_to(level: Level, counted: int) -> int:
    """The signed adjustment that makes the stock on hand equal to what a count found.

    Raises StockError for a negative count or a count below what is reserved (those reservations
    must be released first, or the orders would wait for parts that are not there).
    """
    if counted < 0:
        raise StockError(N_("A count cannot be negative."), field="counted")
    if counted > MAX_QUANTITY:
        raise StockError(N_("The quantity is too large."), field="counted")
    if counted < level.reserved:
        raise StockError(
            N_("%(reserved)s are reserved for repair orders: release them before counting fewer."),
            field="counted",
            reserved=level.reserved,
        )
    return counted - level.on_hand


def reorder_suggestion(level: Level, minimum: int) -> int:
    """How many to order for a level below its minimum: enough to reach twice the minimum,
    counting what is already on its way."""
    if minimum <= 0 or level.available >= minimum:
        return 0
    return max(2 * minimum - level.available - level.in_transit, 0)


def split_serials(text: str) -> list[str]:
    """Serial numbers typed one per line or separated by commas or spaces."""
    return [s for s in text.replace(",", " ").split() if s]
