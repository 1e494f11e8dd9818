"""Handovers: a batch of devices (and parts) moving between an office and a workshop, signed for on
both ends; and the custody trail of a device that follows from them.

A handover is put together as a draft at the sending end, printed as a manifest, marked sent (the
devices are then in transit) and received at the other end item by item: each device arrived (with
any discrepancy noted) or did not arrive. A device refused by a partner before it was signed for
goes back with the courier. Where a device is now is never stored: it is read from its handovers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .enums import OrderStatus
from .errors import N_, DomainError


class Direction(StrEnum):
    TO_WORKSHOP = "to_workshop"  # office → workshop
    TO_OFFICE = "to_office"  # workshop → office


class HandoverStatus(StrEnum):
    DRAFT = "draft"  # being put together at the sending end
    SENT = "sent"  # handed to the courier: in transit
    RECEIVED = "received"  # signed for at the other end (some items may not have arrived)
    CANCELLED = "cancelled"  # a draft given up: nothing moved


class ItemState(StrEnum):
    PACKED = "packed"  # in the draft, or on its way
    RECEIVED = "received"  # signed for at the destination
    MISSING = "missing"  # did not arrive with the handover (may still arrive later)
    # Back at the sender: refused by the partner before it was signed for (the courier took it
    # back), or found not to have left after it was missed at the other end.
    RETURNED = "returned"


# The status an order has when it may be put into a handover of each direction.
SENDABLE_STATUS = {
    Direction.TO_WORKSHOP: OrderStatus.RECEIVED,
    Direction.TO_OFFICE: OrderStatus.TO_OFFICE,
}

MAX_NOTE = 300


class HandoverError(DomainError):
    """A handover cannot be put together, sent or received like this."""


class ItemRefused(DomainError):
    """One order of a handover could not take the step: the whole step is refused."""

    def __init__(self, number: str, reason: DomainError) -> None:
        super().__init__(N_("%(number)s: %(reason)s"), number=number, reason=reason)


NOTHING_CHOSEN = N_("Choose at least one device to put into the handover.")


def check_sendable(
    direction: Direction,
    *,
    status: OrderStatus,
    number: str,
    same_office: bool,
    same_workshop: bool,
    workshop_in_office: bool,
) -> None:
    """Refuse an order that cannot travel in a handover of this direction between these two
    places. Raises HandoverError naming the order."""
    if workshop_in_office:
        raise HandoverError(
            N_("%(number)s: the workshop is inside the office, no handover is needed."),
            number=number,
        )
    if not (same_office and same_workshop):
        raise HandoverError(
            N_("%(number)s belongs to another office or workshop than this handover."),
            number=number,
        )
    if status is not SENDABLE_STATUS[direction]:
        message = (
            N_("%(number)s is not waiting at the office to be sent to the workshop.")
            if direction is Direction.TO_WORKSHOP
            else N_("%(number)s is not finished at the workshop: send it back to the office first.")
        )
        raise HandoverError(message, number=number)


@dataclass(frozen=True)
class Arrival:
    """What the receiving end says of one device item."""

    arrived: bool
    note: str = ""


def check_arrival(arrival: Arrival, *, number: str) -> None:
    """A device that did not arrive needs a word on what is known (courier, call made)."""
    if len(arrival.note) > MAX_NOTE:
        raise HandoverError(
            N_("%(number)s: the note is longer than %(max)s characters."),
            number=number,
            max=MAX_NOTE,
        )
    if not arrival.arrived and not arrival.note.strip():
        raise HandoverError(
            N_("%(number)s did not arrive: say what is known in its note."), number=number
        )


class Place(StrEnum):
    OFFICE = "office"
    IN_TRANSIT = "in_transit"
    WORKSHOP = "workshop"
    MISSING = "missing"  # a handover arrived without it
    CUSTOMER = "customer"


@dataclass(frozen=True)
class Leg:
    """One handover item of an order, as the custody trail needs it."""

    handover_number: str
    direction: Direction
    office_name: str
    workshop_name: str
    sent_at: datetime
    sent_by: str
    state: ItemState
    answered_at: datetime | None = None  # received, refused or found missing
    answered_by: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Step:
    """Where the device was from `since`, who signed for it there, and any remark."""

    place: Place
    name: str
    since: datetime
    signed_by: str | None
    note: str = ""
    handover_number: str | None = None


def custody_trail(
    *,
    office_name: str,
    received_at: datetime,
    received_by: str,
    legs: list[Leg],
    collected_at: datetime | None = None,
    collected_by: str | None = None,
) -> list[Step]:
    """Every place the device has been, oldest first; the last step is where it is now.

    It starts at the intake office and follows the sent handovers in order (drafts move nothing);
    a device collected by its owner ends with the customer.
    """
    trail = [Step(Place.OFFICE, office_name, received_at, received_by)]
    for leg in legs:
        source, destination = (
            (leg.office_name, leg.workshop_name)
            if leg.direction is Direction.TO_WORKSHOP
            else (leg.workshop_name, leg.office_name)
        )
        route = f"{source} → {destination}"
        trail.append(
            Step(
                Place.IN_TRANSIT,
                route,
                leg.sent_at,
                leg.sent_by,
                handover_number=leg.handover_number,
            )
        )
        if leg.state is ItemState.PACKED or leg.answered_at is None:
            continue
        place = place_after(leg.state, leg.direction)
        name = {
            Place.WORKSHOP: leg.workshop_name,
            Place.OFFICE: leg.office_name,
            Place.MISSING: route,
        }[place]
        trail.append(
            Step(place, name, leg.answered_at, leg.answered_by, leg.note, leg.handover_number)
        )
    if collected_at is not None:
        trail.append(Step(Place.CUSTOMER, "", collected_at, collected_by))
    return trail


def place_after(state: ItemState, direction: Direction) -> Place:
    """Where a device is after the last handover item it travelled in: at the destination once
    signed for, back at the sender when it was refused or never left."""
    if state is ItemState.PACKED:
        return Place.IN_TRANSIT
    if state is ItemState.MISSING:
        return Place.MISSING
    at_workshop = (state is ItemState.RECEIVED) == (direction is Direction.TO_WORKSHOP)
    return Place.WORKSHOP if at_workshop else Place.OFFICE


@dataclass(frozen=True)
class ManifestDevice:
    order_number: str
    device: str
    serial: str
    condition: str
    accessories: str


@dataclass(frozen=True)
class ManifestPart:
    sku: str
    name: str
    quantity: int


@dataclass(frozen=True)
class Manifest:
    """What the printed manifest shows: the same handover prints the same bytes."""

    locale: str
    currency: str
    number: str
    direction: Direction
    source_name: str
    source_address: str
    destination_name: str
    destination_address: str
    prepared_at: datetime  # local time of the office's calendar
    prepared_by: str
    sent_at: datetime | None
    sent_by: str | None
    devices: tuple[ManifestDevice, ...]
    parts: tuple[ManifestPart, ...]
