"""Handovers, the only way devices travel between offices and workshops: put together, sent and
received through the order workflow and the stock ledger, each step all-or-nothing.

Sending moves every order of an outbound handover to `to_workshop` and sends every part as a
stock transfer; receiving signs for each item (arrived, with any discrepancy, or missing), and an
office signing for a return handover makes its devices ready for pickup. Each step runs in one
savepoint: when one item is refused, nothing of the step is kept.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified

from ..domain.enums import OrderStatus, Role, WorkshopKind
from ..domain.errors import N_, DomainError, NotPermitted, StaleEdit
from ..domain.handovers import (
    MAX_NOTE,
    NOTHING_CHOSEN,
    Arrival,
    Direction,
    HandoverError,
    HandoverStatus,
    ItemRefused,
    ItemState,
    check_arrival,
    check_sendable,
)
from ..domain.stock import StockError, check_quantity
from ..extensions import db
from ..models import Handover, HandoverItem, Office, Part, RepairOrder, User, Workshop
from ..models._types import utcnow
from ..queries.handovers import open_handover_of, sendable_orders
from . import orders, stock
from .atomic import atomic

OFFICE_SIDE = frozenset({Role.ADMIN, Role.RECEPTIONIST})
WORKSHOP_SIDE = frozenset({Role.ADMIN, Role.MANAGER, Role.TECHNICIAN})


def _on_side(user: User, handover: Handover, *, sending: bool) -> bool:
    """Whether the user stands at the sending (or receiving) end of the handover."""
    at_office = (handover.direction is Direction.TO_WORKSHOP) == sending
    if user.role is Role.ADMIN:
        return True
    if at_office:
        return user.role in OFFICE_SIDE and user.office_id == handover.office_id
    return user.role in WORKSHOP_SIDE and user.workshop_id == handover.workshop_id


def is_sender(user: User, handover: Handover) -> bool:
    return _on_side(user, handover, sending=True)


def is_receiver(user: User, handover: Handover) -> bool:
    return _on_side(user, handover, sending=False)


def _require_sender(user: User, handover: Handover) -> None:
    if not is_sender(user, handover):
        raise NotPermitted(N_("The sending side puts the handover together and sends it."))


def _require_receiver(user: User, handover: Handover) -> None:
    if not is_receiver(user, handover):
        raise NotPermitted(N_("The receiving side signs for the handover."))


def _check_version(handover: Handover, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != handover.version:
        raise StaleEdit(
            N_("Someone else changed this handover while you had it open. Check it and try again.")
        )


def _require(handover: Handover, status: HandoverStatus) -> None:
    if handover.status is not status:
        message = {
            HandoverStatus.DRAFT: N_(
                "This handover has been sent already: it can no longer change."
            ),
            HandoverStatus.SENT: N_(
                "This handover is not on its way: there is nothing to sign for."
            ),
        }[status]
        raise HandoverError(message)


def _touch(handover: Handover) -> None:
    """Move the handover's version: a page showing the old contents can no longer act on it."""
    flag_modified(handover, "note")
    db.session.flush()


def _check_answered(handover: Handover, order: RepairOrder) -> None:
    """A partner signs for a device only once its manager has accepted the order: a device
    signed for can no longer be refused."""
    if (
        handover.direction is Direction.TO_WORKSHOP
        and handover.workshop.kind is WorkshopKind.PARTNER
        and order.accepted_at is None
    ):
        raise HandoverError(
            N_(
                "%(number)s: accept or refuse the order in the Inbox before signing for the device."
            ),
            number=order.number,
        )


def chosen_orders(
    user: User, direction: Direction, *, office: Office, workshop: Workshop, order_ids: list[int]
) -> list[RepairOrder]:
    """The orders ticked on a page, if every one of them may travel between these two places
    now (another office's order, or one gone meanwhile, is refused rather than left out)."""
    chosen = sendable_orders(
        user, direction, office_id=office.id, workshop_id=workshop.id, order_ids=order_ids
    )
    if len(chosen) != len(set(order_ids)):
        raise HandoverError(
            N_("Some of the devices chosen cannot travel now: look at the list again.")
        )
    return chosen


def _check_sendable(handover: Handover, order: RepairOrder) -> None:
    check_sendable(
        handover.direction,
        status=order.status,
        number=order.number,
        same_office=order.office_id == handover.office_id,
        same_workshop=order.workshop_id == handover.workshop_id,
        workshop_in_office=order.workshop.is_inside(order.office_id),
    )


def _pack(handover: Handover, order: RepairOrder) -> HandoverItem:
    _check_sendable(handover, order)
    holder = open_handover_of(order.id)
    if holder is not None:
        raise HandoverError(
            N_("%(number)s is in handover %(handover)s already."),
            number=order.number,
            handover=holder.number,
        )
    item = HandoverItem(
        handover_id=handover.id,
        order_id=order.id,
        open_order_id=order.id,
        device=order.device.title,
        serial=order.device.serial,
        condition=order.condition,
        accessories=order.accessories,
        state=ItemState.PACKED,
    )
    db.session.add(item)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        # Someone packed the same order a moment ago: the unique open_order_id stopped it.
        raise HandoverError(
            N_("%(number)s was just put into another handover."), number=order.number
        ) from None
    return item


@atomic
def create(
    direction: Direction,
    *,
    office: Office,
    workshop: Workshop,
    orders_to_pack: list[RepairOrder],
    actor: User,
    now: datetime | None = None,
) -> Handover:
    """A draft handover from one side to the other with these orders.

    Raises HandoverError for an empty choice or an order that cannot travel in it (another
    place, not ready to go, in another handover), NotPermitted for the other side.
    """
    if not orders_to_pack:
        raise HandoverError(NOTHING_CHOSEN)
    handover = Handover(
        direction=direction,
        status=HandoverStatus.DRAFT,
        office_id=office.id,
        workshop_id=workshop.id,
        created_by_id=actor.id,
        created_at=now or utcnow(),
    )
    handover.office, handover.workshop = office, workshop
    _require_sender(actor, handover)
    db.session.add(handover)
    db.session.flush()
    for order in orders_to_pack:
        _pack(handover, order)
    return handover


@atomic
def add_orders(
    handover: Handover,
    orders_to_pack: list[RepairOrder],
    *,
    actor: User,
    expected_version: int | None = None,
) -> None:
    """Put more devices into a draft. Raises as `create` does, and StaleEdit."""
    _require_sender(actor, handover)
    _check_version(handover, expected_version)
    _require(handover, HandoverStatus.DRAFT)
    if not orders_to_pack:
        raise HandoverError(NOTHING_CHOSEN)
    for order in orders_to_pack:
        _pack(handover, order)
    _touch(handover)


def _location(place: Office | Workshop):
    if isinstance(place, Office):
        return stock.location_for(office=place)
    return stock.location_for(workshop=place)


def _source(handover: Handover):
    return _location(handover.ends[0])


def _destination(handover: Handover):
    return _location(handover.ends[1])


def may_pack_parts(user: User) -> bool:
    """Parts leave a stock with those who may send them (not a technician on their own)."""
    return user.role in stock.RECEIVERS


@atomic
def add_part(
    handover: Handover,
    part: Part,
    quantity: int,
    *,
    actor: User,
    expected_version: int | None = None,
) -> HandoverItem:
    """Put parts from the sending side's stock into a draft (they leave it when it is sent).

    Raises StockError when the part is retired or not available in that quantity now.
    """
    _require_sender(actor, handover)
    _check_version(handover, expected_version)
    _require(handover, HandoverStatus.DRAFT)
    if not may_pack_parts(actor):
        raise NotPermitted(N_("Parts leave the stock with the manager or the office: ask them."))
    check_quantity(quantity)
    if not part.active:
        raise StockError(N_("This part is no longer in the catalogue."), field="sku")
    packed = sum(item.quantity or 0 for item in _items(handover) if item.part_id == part.id)
    available = stock.level_of(part.id, _source(handover).id).available
    if packed + quantity > available:
        message = (
            N_("Only %(available)s of %(sku)s are available here (%(packed)s packed already).")
            if packed
            else N_("Only %(available)s of %(sku)s are available here.")
        )
        raise StockError(message, available=available, sku=part.sku, packed=packed)
    item = HandoverItem(
        handover_id=handover.id, part_id=part.id, quantity=quantity, state=ItemState.PACKED
    )
    db.session.add(item)
    _touch(handover)
    return item


def _items(handover: Handover) -> list[HandoverItem]:
    return list(
        db.session.execute(
            sa.select(HandoverItem)
            .where(HandoverItem.handover_id == handover.id)
            .order_by(HandoverItem.id)
        ).scalars()
    )


@atomic
def remove_item(
    handover: Handover, item: HandoverItem, *, actor: User, expected_version: int | None = None
) -> None:
    """Take a device or parts out of a draft."""
    _require_sender(actor, handover)
    _check_version(handover, expected_version)
    _require(handover, HandoverStatus.DRAFT)
    db.session.delete(item)
    _touch(handover)


@atomic
def cancel(handover: Handover, *, actor: User, expected_version: int | None = None) -> None:
    """Give a draft up: nothing moved, its devices may go into another handover."""
    _require_sender(actor, handover)
    _check_version(handover, expected_version)
    _require(handover, HandoverStatus.DRAFT)
    for item in _items(handover):
        item.open_order_id = None
    handover.status = HandoverStatus.CANCELLED
    db.session.flush()


@atomic
def send(
    handover: Handover,
    *,
    actor: User,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> None:
    """Hand the draft to the courier: its devices and parts are in transit.

    Every outbound order moves to `to_workshop` through the workflow (which checks the partner
    can take it now), every part leaves the sender's stock as a transfer. Raises HandoverError
    for an empty handover, ItemRefused naming the order a guard refused, StockError.
    """
    _require_sender(actor, handover)
    _check_version(handover, expected_version)
    _require(handover, HandoverStatus.DRAFT)
    now = now or utcnow()
    items = _items(handover)
    if not items:
        raise HandoverError(N_("An empty handover cannot be sent: put a device or parts in it."))
    for item in items:
        if item.order_id is not None:
            order = item.order
            _check_sendable(handover, order)  # the order may have changed since it was packed
            if handover.direction is Direction.TO_WORKSHOP:
                try:
                    orders.change_status(
                        order, OrderStatus.TO_WORKSHOP, actor=actor, now=now, handover=True
                    )
                except DomainError as error:
                    raise ItemRefused(order.number, error) from None
        else:
            transfer = stock.send(
                item.part,
                _source(handover),
                _destination(handover),
                item.quantity,
                actor=actor,
                note=handover.number,
                now=now,
            )
            item.transfer_id = transfer.id
    handover.status = HandoverStatus.SENT
    handover.sent_by_id = actor.id
    handover.sent_at = now
    db.session.flush()


def send_at_once(
    direction: Direction,
    orders_to_pack: list[RepairOrder],
    *,
    actor: User,
    now: datetime | None = None,
) -> Handover:
    """Prepare and send in one step the devices of one office and one workshop (how the demo
    data and the tests move devices; people use the two steps, printing in between)."""
    first = orders_to_pack[0]
    handover = create(
        direction,
        office=first.office,
        workshop=first.workshop,
        orders_to_pack=orders_to_pack,
        actor=actor,
        now=now,
    )
    send(handover, actor=actor, now=now)
    return handover


def _sign_for(item: HandoverItem, handover: Handover, actor: User, now: datetime) -> None:
    """One item arrived: the device is in the receiver's custody, the parts in its stock."""
    item.state = ItemState.RECEIVED
    item.answered_at, item.answered_by_id = now, actor.id
    item.open_order_id = None
    db.session.flush()
    if item.part_id is not None:
        stock.receive_transfer(item.transfer, actor=actor, via_handover=True)
    elif handover.direction is Direction.TO_OFFICE:
        try:
            orders.change_status(
                item.order, OrderStatus.READY, actor=actor, note=item.note, now=now
            )
        except DomainError as error:
            raise ItemRefused(item.order.number, error) from None


def _label(item: HandoverItem) -> str:
    return item.order.number if item.order is not None else item.part.sku


@atomic
def receive(
    handover: Handover,
    arrivals: dict[int, Arrival],
    *,
    actor: User,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> None:
    """Sign for a handover on its arrival, item by item (`arrivals` by item id).

    A device or parts that did not arrive stay in transit, marked missing with a note; one
    refused by the partner on the way has gone back already. A partner signs only for orders
    its manager has answered. Raises HandoverError, ItemRefused.
    """
    _require_receiver(actor, handover)
    _check_version(handover, expected_version)
    _require(handover, HandoverStatus.SENT)
    now = now or utcnow()
    for item in _items(handover):
        if item.state is not ItemState.PACKED:
            continue  # refused and taken back on the way
        arrival = arrivals.get(item.id)
        if arrival is None:
            raise HandoverError(N_("Say for every item whether it arrived."))
        check_arrival(arrival, number=_label(item))
        item.note = arrival.note.strip()
        if arrival.arrived and item.order is not None:
            _check_answered(handover, item.order)
        if arrival.arrived:
            _sign_for(item, handover, actor, now)
        else:
            item.state = ItemState.MISSING
            item.answered_at, item.answered_by_id = now, actor.id
    handover.status = HandoverStatus.RECEIVED
    handover.received_by_id = actor.id
    handover.received_at = now
    db.session.flush()


def _missing(handover: Handover, item: HandoverItem) -> None:
    if item.handover_id != handover.id or item.state is not ItemState.MISSING:
        raise HandoverError(N_("This item is not missing."))


@atomic
def arrived_late(
    handover: Handover,
    item: HandoverItem,
    *,
    actor: User,
    note: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> None:
    """A device or parts that were missing on receipt turned up: sign for them now."""
    _require_receiver(actor, handover)
    _check_version(handover, expected_version)
    _missing(handover, item)
    if item.order is not None:
        _check_answered(handover, item.order)
    if note.strip():  # what it came with, after what was said when it was missing
        item.note = " · ".join(filter(None, (item.note, note.strip())))[:MAX_NOTE]
    _sign_for(item, handover, actor, now or utcnow())
    _touch(handover)


@atomic
def back_at_sender(
    handover: Handover,
    item: HandoverItem,
    *,
    actor: User,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> None:
    """What was missed at the other end never left, or the courier brought it back: parts are
    in the sender's stock again, a device coming back to the office is at its workshop again
    (to be sent once more). A device that was on its way to the workshop is not settled here:
    the workshop signs for it when it turns up."""
    _require_sender(actor, handover)
    _check_version(handover, expected_version)
    _missing(handover, item)
    if item.order is not None and handover.direction is Direction.TO_WORKSHOP:
        raise HandoverError(
            N_("%(number)s left for the workshop: the workshop signs for it when it turns up."),
            number=item.order.number,
        )
    if item.part_id is not None:
        stock.cancel_transfer(item.transfer, actor=actor, via_handover=True)
    item.state = ItemState.RETURNED
    item.answered_at, item.answered_by_id = now or utcnow(), actor.id
    item.open_order_id = None
    _touch(handover)


def return_refused(order: RepairOrder, *, actor: User, note: str, now: datetime) -> None:
    """The partner refused an order whose device is on its way: the courier takes it back, so
    its handover item is closed and the office may send the device elsewhere."""
    item = db.session.execute(
        sa.select(HandoverItem).where(
            HandoverItem.open_order_id == order.id, HandoverItem.state == ItemState.PACKED
        )
    ).scalar_one_or_none()
    if item is None:
        return
    item.state = ItemState.RETURNED
    item.answered_at, item.answered_by_id = now, actor.id
    item.note = note[:MAX_NOTE]
    item.open_order_id = None
    # A receipt opened before the refusal must not sign for the device after it.
    _touch(db.session.get(Handover, item.handover_id))
