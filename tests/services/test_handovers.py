"""Handovers with the database: sending and receiving through the workflow and the stock ledger,
all-or-nothing; refusals on the way; custody."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from servicecenter.domain.enums import OrderStatus
from servicecenter.domain.errors import DomainError, IllegalTransition, NotPermitted, StaleEdit
from servicecenter.domain.handovers import (
    Arrival,
    Direction,
    HandoverError,
    HandoverStatus,
    ItemState,
    Place,
)
from servicecenter.domain.stock import MovementKind, StockError, TransferStatus
from servicecenter.models import HandoverItem, Part, StockMovement, StockTransfer
from servicecenter.queries.handovers import custody_facts, custody_of, get_handover_for
from servicecenter.queries.orders import get_order_for
from servicecenter.services import handovers, orders, stock

S = OrderStatus


def outbound(make, *orders_to_pack, actor=None):
    net = make.net
    first = orders_to_pack[0]
    return handovers.create(
        Direction.TO_WORKSHOP,
        office=first.office,
        workshop=first.workshop,
        orders_to_pack=list(orders_to_pack),
        actor=actor or net.reception_a,
    )


def stocked_part(make, db, quantity=5, sku="SCR-1"):
    net = make.net
    part = Part(sku=sku, name="Screen", unit_cost=10_000, sale_price=20_000)
    db.session.add(part)
    db.session.flush()
    stock.receive(part, stock.location_for(office=net.office_a), quantity, actor=net.admin)
    return part


def item_of(db, handover, order):
    return db.session.scalars(
        sa.select(HandoverItem).filter_by(handover_id=handover.id, order_id=order.id)
    ).one()


def test_sending_moves_every_device_and_part_at_once(make, db):
    net = make.net
    first, second = make.order(), make.order()
    part = stocked_part(make, db)
    handover = outbound(make, first, second)
    handovers.add_part(handover, part, 2, actor=net.reception_a)
    handovers.send(handover, actor=net.reception_a)
    db.session.commit()
    assert handover.status is HandoverStatus.SENT
    assert (first.status, second.status) == (S.TO_WORKSHOP, S.TO_WORKSHOP)
    assert custody_facts(first.id) == (Place.IN_TRANSIT, True)
    transfer = db.session.scalars(sa.select(StockTransfer)).one()
    assert (transfer.quantity, transfer.status, transfer.note) == (
        2,
        TransferStatus.IN_TRANSIT,
        handover.number,
    )
    workshop_stock = stock.location_for(workshop=net.remote)
    assert stock.level_of(part.id, workshop_stock.id).in_transit == 2


def test_a_refused_item_stops_the_whole_send(make, db):
    """A part no longer in stock when the handover leaves: no device moves, no part leaves."""
    net = make.net
    first, second = make.order(), make.order()
    part = stocked_part(make, db, quantity=2)
    handover = outbound(make, first, second)
    handovers.add_part(handover, part, 2, actor=net.reception_a)
    stock.write_off(
        part, stock.location_for(office=net.office_a), 1, actor=net.admin, reason="Dropped"
    )
    movements = db.session.scalar(sa.select(sa.func.count()).select_from(StockMovement))
    with pytest.raises(StockError):
        handovers.send(handover, actor=net.reception_a)
    assert handover.status is HandoverStatus.DRAFT
    assert (first.status, second.status) == (S.RECEIVED, S.RECEIVED)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StockTransfer)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StockMovement)) == movements


def test_the_order_that_stops_a_send_is_named(make, db):
    net = make.net
    ready, lapsed = make.order(), make.order(workshop=net.other)
    handover = outbound(make, lapsed)
    net.other.active = False
    with pytest.raises(handovers.ItemRefused) as error:
        handovers.send(handover, actor=net.reception_a)
    assert lapsed.number in str(error.value) and "does not take orders" in str(error.value)
    assert lapsed.status is S.RECEIVED and ready.status is S.RECEIVED


def test_empty_and_doubled_handovers_are_refused(make, db):
    net = make.net
    order = make.order()
    with pytest.raises(HandoverError, match="at least one device"):
        handovers.create(
            Direction.TO_WORKSHOP,
            office=net.office_a,
            workshop=net.remote,
            orders_to_pack=[],
            actor=net.reception_a,
        )
    handover = outbound(make, order)
    with pytest.raises(HandoverError, match=rf"{order.number} is in handover {handover.number}"):
        outbound(make, order)
    handovers.remove_item(handover, item_of(db, handover, order), actor=net.reception_a)
    with pytest.raises(HandoverError, match="empty handover cannot be sent"):
        handovers.send(handover, actor=net.reception_a)


def test_what_cannot_travel_is_not_packed(make, db):
    net = make.net
    at_workshop = make.order(S.DIAGNOSING)
    in_office = make.order(workshop=net.in_office)
    theirs = make.order(office=net.office_b)
    for order, message in (
        (at_workshop, "not waiting at the office"),
        (in_office, "inside the office"),
        (theirs, "another office or workshop"),
    ):
        with pytest.raises(HandoverError, match=message):
            handovers.create(
                Direction.TO_WORKSHOP,
                office=net.office_a,
                workshop=order.workshop,
                orders_to_pack=[order],
                actor=net.admin,
            )
    with pytest.raises(NotPermitted):
        outbound(make, make.order(), actor=net.reception_b)
    with pytest.raises(NotPermitted):
        outbound(make, make.order(), actor=net.tech)


def test_a_partner_signs_only_for_what_it_accepted(make, db):
    net = make.net
    order = make.order(S.TO_WORKSHOP)
    handover = get_handover_for(net.admin, item_of_order(db, order).handover_id)
    item = item_of(db, handover, order)
    with pytest.raises(NotPermitted):
        handovers.receive(handover, {item.id: Arrival(True)}, actor=net.reception_a)
    with pytest.raises(HandoverError, match="accept or refuse the order in the Inbox"):
        handovers.receive(handover, {item.id: Arrival(True)}, actor=net.manager)
    orders.accept(order, actor=net.manager, technician=net.tech)
    with pytest.raises(HandoverError, match="whether it arrived"):
        handovers.receive(handover, {}, actor=net.tech)
    handovers.receive(handover, {item.id: Arrival(True, "No charger")}, actor=net.tech)
    db.session.commit()
    assert (item.state, item.note, handover.status) == (
        ItemState.RECEIVED,
        "No charger",
        HandoverStatus.RECEIVED,
    )
    assert custody_facts(order.id) == (Place.WORKSHOP, False)
    with pytest.raises(IllegalTransition, match="signed for the device"):
        orders.change_status(order, S.RECEIVED, actor=net.manager, note="Too late to refuse")
    orders.change_status(order, S.DIAGNOSING, actor=net.tech)


def item_of_order(db, order):
    return db.session.scalars(
        sa.select(HandoverItem).where(HandoverItem.order_id == order.id).order_by(HandoverItem.id)
    ).all()[-1]


def test_a_device_that_did_not_arrive_needs_a_note_and_can_arrive_later(make, db):
    net = make.net
    order = make.order(S.TO_WORKSHOP)
    orders.accept(order, actor=net.manager, technician=net.tech)
    handover = get_handover_for(net.admin, item_of_order(db, order).handover_id)
    item = item_of(db, handover, order)
    with pytest.raises(HandoverError, match="did not arrive: say what is known"):
        handovers.receive(handover, {item.id: Arrival(False)}, actor=net.tech)
    handovers.receive(handover, {item.id: Arrival(False, "Courier lost it")}, actor=net.tech)
    assert custody_facts(order.id) == (Place.MISSING, True)
    with pytest.raises(IllegalTransition, match="not arrived yet"):
        orders.change_status(order, S.DIAGNOSING, actor=net.tech)
    handovers.arrived_late(handover, item, actor=net.tech, note="Found at the depot")
    assert item.note == "Courier lost it · Found at the depot"
    assert custody_facts(order.id) == (Place.WORKSHOP, False)


def test_refused_on_the_way_the_device_goes_back_and_can_be_sent_elsewhere(make, db):
    net = make.net
    order = make.order(S.TO_WORKSHOP)
    orders.change_status(order, S.RECEIVED, actor=net.manager, note="Not our brand")
    item = item_of_order(db, order)
    assert (item.state, item.note, item.open_order_id) == (
        ItemState.RETURNED,
        "Not our brand",
        None,
    )
    assert custody_facts(order.id) == (Place.OFFICE, False)
    orders.reroute(order, net.other, actor=net.reception_a)
    again = outbound(make, order)
    handovers.send(again, actor=net.reception_a)
    assert order.status is S.TO_WORKSHOP and order.workshop_id == net.other.id


def test_an_order_in_a_draft_is_not_cancelled_or_rerouted_before_it_is_taken_out(make, db):
    net = make.net
    order = make.order()
    handover = outbound(make, order)
    with pytest.raises(IllegalTransition, match="packed in a handover"):
        orders.change_status(order, S.CANCELLED, actor=net.reception_a, note="Left")
    with pytest.raises(DomainError, match="packed in a handover"):
        orders.reroute(order, net.other, actor=net.reception_a)
    handovers.cancel(handover, actor=net.reception_a)
    assert handover.status is HandoverStatus.CANCELLED
    orders.change_status(order, S.CANCELLED, actor=net.reception_a, note="Left")


def test_the_way_back_makes_the_device_ready_and_the_trail_tells_it_all(make, db):
    net = make.net
    order = make.order(S.TO_OFFICE)
    assert custody_facts(order.id) == (Place.WORKSHOP, False)
    with pytest.raises(IllegalTransition, match="not back yet"):
        orders.change_status(order, S.READY, actor=net.reception_a)
    make.bring_back(order)
    db.session.commit()
    assert order.status is S.READY and order.ready_at is not None
    loaded = get_order_for(net.admin, order.number)
    trail = custody_of(loaded).trail
    assert [step.place for step in trail] == [
        Place.OFFICE,
        Place.IN_TRANSIT,
        Place.WORKSHOP,
        Place.IN_TRANSIT,
        Place.OFFICE,
    ]
    assert [step.signed_by for step in trail] == [
        "Reception_A",
        "Reception_A",
        "Tech",
        "Tech",
        "Reception_A",
    ]
    assert trail[2].name == "Remote Partner" and trail[-1].name == "Office A"


def test_parts_arrive_in_the_receivers_stock_or_stay_in_transit(make, db):
    net = make.net
    order = make.order(S.TO_WORKSHOP)
    orders.accept(order, actor=net.manager, technician=net.tech)
    part = stocked_part(make, db)
    other = stocked_part(make, db, sku="BAT-1")
    second = make.order()
    handover = outbound(make, second)
    handovers.add_part(handover, part, 3, actor=net.reception_a)
    handovers.add_part(handover, other, 1, actor=net.reception_a)
    with pytest.raises(StockError, match="Only 5 of SCR-1"):
        handovers.add_part(handover, part, 3, actor=net.reception_a)
    handovers.send(handover, actor=net.reception_a)
    orders.accept(second, actor=net.manager)
    items = {
        item.part_id: item
        for item in db.session.scalars(sa.select(HandoverItem).filter_by(handover_id=handover.id))
        if item.part_id
    }
    handovers.receive(
        handover,
        {
            item_of(db, handover, second).id: Arrival(True),
            items[part.id].id: Arrival(True),
            items[other.id].id: Arrival(False, "Not in the box"),
        },
        actor=net.manager,
    )
    at_workshop = stock.location_for(workshop=net.remote)
    assert stock.level_of(part.id, at_workshop.id).on_hand == 3
    assert stock.level_of(other.id, at_workshop.id).in_transit == 1
    kinds = db.session.scalars(
        sa.select(StockMovement.kind).where(StockMovement.transfer_id == items[part.id].transfer_id)
    ).all()
    assert sorted(kinds) == sorted(
        [MovementKind.TRANSFER_OUT, MovementKind.TRANSIT, MovementKind.TRANSFER_IN]
    )
    # The missing box turns up: signed for now, it joins the workshop's stock.
    handovers.arrived_late(handover, items[other.id], actor=net.manager)
    assert stock.level_of(other.id, at_workshop.id) == stock.Level(on_hand=1)
    assert stock.reconcile() == []


def test_a_stale_page_cannot_send_or_sign(make, db):
    net = make.net
    order = make.order()
    handover = outbound(make, order)
    seen = handover.version
    handovers.add_orders(handover, [make.order()], actor=net.reception_a)
    assert handover.version != seen
    with pytest.raises(StaleEdit):
        handovers.send(handover, actor=net.reception_a, expected_version=seen)
    handovers.send(handover, actor=net.reception_a, expected_version=handover.version)
    with pytest.raises(HandoverError, match="sent already"):
        handovers.add_orders(handover, [make.order()], actor=net.reception_a)


def test_a_refusal_makes_an_open_receipt_stale(make, db):
    """The receiver's page was opened before the manager refused one of its devices: signing
    with it is refused instead of signing for a device that went back."""
    net = make.net
    kept, refused = make.order(), make.order()
    handover = outbound(make, kept, refused)
    handovers.send(handover, actor=net.reception_a)
    seen = handover.version
    orders.change_status(refused, S.RECEIVED, actor=net.manager, note="Not our brand")
    assert handover.version != seen
    orders.accept(kept, actor=net.manager)
    item = item_of(db, handover, kept)
    with pytest.raises(StaleEdit):
        handovers.receive(
            handover, {item.id: Arrival(True)}, actor=net.manager, expected_version=seen
        )


def test_parts_of_a_handover_are_signed_for_in_it_not_on_the_stock_page(make, db):
    net = make.net
    part = stocked_part(make, db)
    handover = outbound(make, make.order())
    handovers.add_part(handover, part, 1, actor=net.reception_a)
    handovers.send(handover, actor=net.reception_a)
    transfer = db.session.scalars(sa.select(StockTransfer)).one()
    with pytest.raises(DomainError, match=f"travel in handover {handover.number}"):
        stock.receive_transfer(transfer, actor=net.manager)
    with pytest.raises(DomainError, match=f"travel in handover {handover.number}"):
        stock.cancel_transfer(transfer, actor=net.reception_a)


def test_a_technician_sends_devices_back_but_not_parts(make, db):
    net = make.net
    order = make.order(S.TO_OFFICE)
    handover = handovers.create(
        Direction.TO_OFFICE,
        office=net.office_a,
        workshop=net.remote,
        orders_to_pack=[order],
        actor=net.tech,
    )
    part = stocked_part(make, db)
    with pytest.raises(NotPermitted, match="manager or the office"):
        handovers.add_part(handover, part, 1, actor=net.tech)
    handovers.send(handover, actor=net.tech)


def test_what_went_missing_on_the_way_back_can_be_found_at_the_sender(make, db):
    net = make.net
    order = make.order(S.TO_OFFICE)
    handover = make.send_back(order)
    item = item_of(db, handover, order)
    handovers.receive(handover, {item.id: Arrival(False, "Not in the bag")}, actor=net.reception_a)
    assert custody_facts(order.id) == (Place.MISSING, True)
    with pytest.raises(NotPermitted):
        handovers.back_at_sender(handover, item, actor=net.reception_a)
    handovers.back_at_sender(handover, item, actor=net.tech)
    assert item.state is ItemState.RETURNED
    assert custody_facts(order.id) == (Place.WORKSHOP, False)
    make.bring_back(order)  # packed again and sent: this time it arrives
    assert order.status is S.READY


def test_missing_parts_go_back_into_the_senders_stock(make, db):
    net = make.net
    part = stocked_part(make, db, quantity=2)
    order = make.order()
    handover = outbound(make, order)
    handovers.add_part(handover, part, 2, actor=net.reception_a)
    handovers.send(handover, actor=net.reception_a)
    orders.accept(order, actor=net.manager)
    parts_item = db.session.scalars(
        sa.select(HandoverItem).filter_by(handover_id=handover.id, part_id=part.id)
    ).one()
    handovers.receive(
        handover,
        {item_of(db, handover, order).id: Arrival(True), parts_item.id: Arrival(False, "No box")},
        actor=net.manager,
    )
    handovers.back_at_sender(handover, parts_item, actor=net.reception_a)
    office_stock = stock.location_for(office=net.office_a)
    assert stock.level_of(part.id, office_stock.id) == stock.Level(on_hand=2)
    assert stock.reconcile() == []


def test_a_device_missing_on_its_way_to_the_workshop_waits_for_it(make, db):
    net = make.net
    order = make.order(S.TO_WORKSHOP)
    orders.accept(order, actor=net.manager)
    handover = get_handover_for(net.admin, item_of_order(db, order).handover_id)
    item = item_of(db, handover, order)
    handovers.receive(handover, {item.id: Arrival(False, "Courier lost it")}, actor=net.manager)
    with pytest.raises(IllegalTransition, match="did not arrive"):
        orders.change_status(order, S.RECEIVED, actor=net.manager, note="Refuse it")
    with pytest.raises(HandoverError, match="workshop signs for it when it turns up"):
        handovers.back_at_sender(handover, item, actor=net.reception_a)


def test_only_the_orders_of_both_places_are_chosen(make, db):
    net = make.net
    mine, theirs = make.order(), make.order(office=net.office_b)
    with pytest.raises(HandoverError, match="cannot travel now"):
        handovers.chosen_orders(
            net.reception_a,
            Direction.TO_WORKSHOP,
            office=net.office_a,
            workshop=net.remote,
            order_ids=[mine.id, theirs.id],
        )
    assert handovers.chosen_orders(
        net.reception_a,
        Direction.TO_WORKSHOP,
        office=net.office_a,
        workshop=net.remote,
        order_ids=[mine.id],
    ) == [mine]
