"""Parts on repair orders: reserved when the repair is agreed, consumed when it is finished,
released when it is not done, returned when taken out again; the lines price the order."""

from __future__ import annotations

import pytest

from servicecenter.domain.enums import OrderKind, OrderStatus
from servicecenter.domain.errors import DomainError, IllegalTransition, NotPermitted
from servicecenter.domain.stock import LineState
from servicecenter.models import Part, StockMovement
from servicecenter.services import order_lines, orders, stock

S = OrderStatus


@pytest.fixture
def parts(make, db):
    """Two parts in the remote workshop's stock: 2 displays and 1 serial-tracked board."""
    net = make.net
    display = Part(sku="LCD-1", name="Display", unit_cost=10_000, sale_price=300_000)
    board = Part(
        sku="MB-1", name="Board", sale_price=900_000, serial_tracked=True, warranty_months=6
    )
    db.session.add_all([display, board])
    db.session.flush()
    here = stock.location_for(workshop=net.remote)
    stock.receive(display, here, 2, actor=net.manager)
    stock.receive(board, here, 1, actor=net.manager)
    db.session.commit()
    return display, board, here


def figures(part, location):
    level = stock.level_of(part.id, location.id)
    return level.on_hand, level.reserved


def test_a_paid_orders_part_waits_for_approval_then_is_reserved(make, db, parts):
    display, _board, here = parts
    order = make.order(S.DIAGNOSING, price=None, approval_limit=100_000)
    tech = make.net.tech
    line = order_lines.add_part(order, display, 1, actor=tech)
    assert line.state is LineState.PENDING and figures(display, here) == (2, 0)
    assert order.price == 300_000  # the lines price the order
    orders.change_status(order, S.AWAITING_APPROVAL, actor=tech)
    orders.change_status(order, S.IN_REPAIR, actor=make.net.reception_a)
    assert line.state is LineState.RESERVED and figures(display, here) == (2, 1)
    orders.change_status(order, S.REPAIRED, actor=tech)
    db.session.commit()
    assert line.state is LineState.CONSUMED and figures(display, here) == (1, 0)
    assert stock.reconcile() == []


def test_a_warranty_orders_part_is_reserved_at_once(make, db, parts):
    display, _board, here = parts
    device = make.device(purchase_date=None)
    order = make.order(S.DIAGNOSING, kind=OrderKind.PAID, device=device)
    order.kind = OrderKind.WARRANTY  # the factory's device has no cover; the kind is what counts
    line = order_lines.add_part(order, display, 2, actor=make.net.tech)
    assert line.state is LineState.RESERVED and figures(display, here) == (2, 2)


def test_a_typed_price_becomes_the_labour_line(make, db, parts):
    display, _board, _here = parts
    order = make.order(S.DIAGNOSING, price=150_000)
    order_lines.add_part(order, display, 1, actor=make.net.tech)
    lines = order_lines.lines_of(order)
    assert [(line.kind.value, line.total) for line in lines] == [
        ("service", 150_000),
        ("part", 300_000),
    ]
    assert order.price == 450_000
    orders.record_work(order, actor=make.net.tech, diagnosis="x", work_done="", price=1)
    assert order.price == 450_000  # an order with lines is priced by them


def test_the_last_part_goes_to_one_order_only(make, db, parts):
    _display, board, here = parts
    first = make.order(S.IN_REPAIR, price=None, estimate=100, approval_limit=2_000_000)
    second = make.order(S.IN_REPAIR, price=None, estimate=100, approval_limit=2_000_000)
    taken = order_lines.add_part(first, board, 1, actor=make.net.tech)
    waiting = order_lines.add_part(second, board, 1, actor=make.net.tech)
    assert (taken.state, waiting.state) == (LineState.RESERVED, LineState.PENDING)
    assert figures(board, here) == (1, 1)
    with pytest.raises(IllegalTransition, match="not reserved yet"):
        orders.change_status(second, S.REPAIRED, actor=make.net.tech)
    orders.change_status(second, S.AWAITING_PARTS, actor=make.net.tech)
    with pytest.raises(IllegalTransition, match="not reserved yet"):
        orders.change_status(second, S.IN_REPAIR, actor=make.net.tech)
    assert second.status is S.AWAITING_PARTS and waiting.state is LineState.PENDING


def test_parts_arriving_let_the_waiting_order_start(make, db, parts):
    display, _board, here = parts
    order = make.order(S.AWAITING_PARTS, price=None, estimate=100, approval_limit=2_000_000)
    line = order_lines.add_part(order, display, 3, actor=make.net.tech)
    assert line.state is LineState.PENDING
    stock.receive(display, here, 1, actor=make.net.manager)
    orders.change_status(order, S.IN_REPAIR, actor=make.net.tech)
    assert line.state is LineState.RESERVED and figures(display, here) == (3, 3)


def test_serials_are_recorded_before_the_repair_is_finished(make, db, parts):
    _display, board, here = parts
    order = make.order(S.IN_REPAIR, price=None, estimate=100, approval_limit=2_000_000)
    tech = make.net.tech
    line = order_lines.add_part(order, board, 1, actor=tech)
    with pytest.raises(IllegalTransition, match="serial numbers"):
        orders.change_status(order, S.REPAIRED, actor=tech)
    with pytest.raises(
        DomainError, match="Enter one serial number per part fitted: 1 in all."
    ) as error:
        order_lines.set_serials(order, line, "A1 A2", actor=tech)
    assert error.value.field == "serials"
    order_lines.set_serials(order, line, " SN-77 ", actor=tech)
    change = orders.change_status(order, S.REPAIRED, actor=tech)
    db.session.commit()
    assert change.to_status is S.REPAIRED and figures(board, here) == (0, 0)
    # The consumption carries the serial numbers into the ledger.
    movement = db.session.query(StockMovement).filter_by(order_line_id=line.id).all()[-1]
    assert (movement.kind.value, movement.serials) == ("consume", "SN-77")


def test_declining_or_cancelling_releases_the_parts(make, db, parts):
    display, _board, here = parts
    order = make.order(S.IN_REPAIR, price=None, estimate=100, approval_limit=2_000_000)
    line = order_lines.add_part(order, display, 2, actor=make.net.tech)
    assert figures(display, here) == (2, 2)
    orders.change_status(order, S.TO_OFFICE, actor=make.net.tech, note="Beyond repair")
    db.session.commit()
    assert line.state is LineState.RELEASED and figures(display, here) == (2, 0)
    assert stock.reconcile() == []


def test_removing_a_line_releases_it_and_reprices(make, db, parts):
    display, _board, here = parts
    order = make.order(S.IN_REPAIR, price=None, estimate=100, approval_limit=2_000_000)
    tech = make.net.tech
    service = order_lines.add_service(order, "Cleaning", 1, 50_000, actor=tech)
    line = order_lines.add_part(order, display, 1, actor=tech)
    assert order.price == 350_000
    order_lines.remove(order, line, actor=tech)
    assert line.state is LineState.RELEASED and figures(display, here) == (2, 0)
    assert order.price == 50_000
    order_lines.remove(order, service, actor=tech)
    assert order.price == 0  # priced by its lines, even when none is left: never unpriced


def test_the_only_fitted_part_can_be_taken_out(make, db, parts):
    display, _board, here = parts
    order = make.order(S.DIAGNOSING, price=None, approval_limit=0)
    tech = make.net.tech
    line = order_lines.add_part(order, display, 1, actor=tech)
    orders.change_status(order, S.AWAITING_APPROVAL, actor=tech)
    orders.change_status(order, S.IN_REPAIR, actor=make.net.reception_a)
    orders.change_status(order, S.REPAIRED, actor=tech)
    order_lines.take_out(order, line, actor=tech)
    db.session.commit()
    assert (line.state, order.price) == (LineState.RETURNED, 0)
    assert figures(display, here) == (2, 0)


def test_a_declined_repair_drops_the_released_parts_from_its_price(make, db, parts):
    display, _board, here = parts
    order = make.order(S.IN_REPAIR, price=None, estimate=100, approval_limit=2_000_000)
    tech = make.net.tech
    order_lines.add_service(order, "Diagnostics", 1, 40_000, actor=tech)
    order_lines.add_part(order, display, 1, actor=tech)
    assert order.price == 340_000
    orders.change_status(order, S.TO_OFFICE, actor=tech, note="Customer declined")
    db.session.commit()
    assert order.price == 40_000 and figures(display, here) == (2, 0)


def test_a_serial_number_goes_into_one_device_only(make, db, parts):
    _display, board, here = parts
    stock.receive(board, here, 1, actor=make.net.manager)
    tech = make.net.tech
    first = make.order(S.IN_REPAIR, price=None, estimate=100, approval_limit=2_000_000)
    second = make.order(S.IN_REPAIR, price=None, estimate=100, approval_limit=2_000_000)
    line = order_lines.add_part(first, board, 1, actor=tech)
    other = order_lines.add_part(second, board, 1, actor=tech)
    order_lines.set_serials(first, line, "SN-1", actor=tech)
    with pytest.raises(DomainError, match="SN-1 is already on another order") as error:
        order_lines.set_serials(second, other, "SN-1", actor=tech)
    assert error.value.field == "serials"
    order_lines.set_serials(second, other, "SN-10", actor=tech)  # a longer serial is another one


def test_an_sku_is_found_whatever_its_case(make, db, parts):
    assert order_lines.find_part(" lcd-1 ").sku == "LCD-1"
    with pytest.raises(DomainError, match="No part with this SKU"):
        order_lines.find_part("nope")


def test_a_fitted_part_taken_out_goes_back_to_stock(make, db, parts):
    display, _board, here = parts
    order = make.order(S.IN_REPAIR, price=None, estimate=100, approval_limit=2_000_000)
    tech = make.net.tech
    order_lines.add_service(order, "Labour", 1, 100_000, actor=tech)
    line = order_lines.add_part(order, display, 1, actor=tech)
    orders.change_status(order, S.REPAIRED, actor=tech)
    with pytest.raises(DomainError, match="only while the repair is open"):
        order_lines.remove(order, line, actor=tech)
    order_lines.take_out(order, line, actor=tech)
    db.session.commit()
    assert line.state is LineState.RETURNED and figures(display, here) == (2, 0)
    assert order.price == 100_000
    assert stock.reconcile() == []


def test_lines_are_the_workshops_business_while_the_repair_is_open(make, db, parts):
    display, _board, _here = parts
    order = make.order(S.IN_REPAIR, price=None, estimate=100, approval_limit=2_000_000)
    with pytest.raises(NotPermitted):
        order_lines.add_part(order, display, 1, actor=make.net.reception_a)
    ready = make.order(S.READY)
    with pytest.raises(NotPermitted):
        order_lines.add_part(ready, display, 1, actor=make.net.tech)
    with pytest.raises(DomainError, match="greater than zero"):
        order_lines.add_part(order, display, 0, actor=make.net.tech)
    with pytest.raises(DomainError, match="Describe the work"):
        order_lines.add_service(order, "  ", 1, 100, actor=make.net.tech)
