"""Partner figures per local month, who supplied fitted parts, and monthly settlements: the
draft's lines and totals, confirmation that freezes them, and the refusals it must give."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from servicecenter.domain.enums import OrderKind, OrderStatus, WorkshopKind
from servicecenter.domain.errors import NotPermitted
from servicecenter.domain.settlements import Reason, SettlementError
from servicecenter.extensions import db
from servicecenter.models import (
    OrderLine,
    Part,
    Settlement,
    SettlementLine,
    Workshop,
    WorkshopContract,
    WorkshopRefusal,
)
from servicecenter.queries import partners as queries
from servicecenter.services import order_lines, orders, settlements, stock

S = OrderStatus


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@contextlib.contextmanager
def counted():
    """Count the SQL statements run inside the block."""
    statements = []

    def count(*_args):
        statements.append(1)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def finish(make, order, target=S.READY, *, now=None):
    """Walk an order on from where it is to `target`."""
    make.advance(order, target, now=now)
    db.session.commit()


def set_times(order, *, received=None, accepted=None, ready=None, on_time=None):
    """Put an order's moments where a test needs them (the workflow stamps them 'now')."""
    if received is not None:
        order.received_at = received
    if accepted is not None:
        order.accepted_at = accepted
    if ready is not None:
        order.ready_at = ready
    if on_time is not None:
        order.ready_on_time = on_time
    db.session.commit()


def figures_of(user, workshop, year):
    (partner,) = [p for p in queries.list_figures(user, year) if p.workshop.id == workshop.id]
    return partner


# --- refusals -------------------------------------------------------------------------------


def test_a_refusal_records_the_workshop_that_refused(make, db):
    net = make.net
    order = make.order(S.TO_WORKSHOP)
    orders.change_status(order, S.RECEIVED, actor=net.manager, note="No capacity")
    orders.reroute(order, net.other, actor=net.reception_a)
    db.session.commit()
    (refusal,) = db.session.scalars(sa.select(WorkshopRefusal)).all()
    assert (refusal.order_id, refusal.workshop_id, refusal.actor_id, refusal.reason) == (
        order.id,
        net.remote.id,
        net.manager.id,
        "No capacity",
    )
    assert order.workshop_id == net.other.id


# --- figures --------------------------------------------------------------------------------


def test_figures_per_local_month(make, db):
    net = make.net
    # Moscow is UTC+3: 20:30 UTC on 31 March is still March there, 22:30 UTC is April.
    march_late = utc(2026, 3, 31, 20, 30)
    april_early = utc(2026, 3, 31, 22, 30)
    a = make.order(S.READY, now=march_late)
    set_times(a, received=march_late - timedelta(days=2), on_time=True)
    b = make.order(S.READY, now=april_early)
    set_times(b, received=april_early - timedelta(days=3), on_time=False)
    c = make.order(S.READY, now=april_early + timedelta(days=1))
    set_times(c, received=april_early - timedelta(days=4), on_time=True)
    # Accepted in April, not ready yet.
    d = make.order(S.DIAGNOSING, now=utc(2026, 4, 10, 9))
    # Refused in April (twice: once by each partner's manager; only ours counts here).
    e = make.order(S.TO_WORKSHOP, now=utc(2026, 4, 12, 9))
    orders.change_status(e, S.RECEIVED, actor=net.manager, note="Busy", now=utc(2026, 4, 12, 10))
    db.session.commit()
    # Another workshop's order is not ours.
    make.order(S.READY, workshop=net.other, now=april_early)
    # b came back under our warranty: a repeat order points at it.
    finish(make, b, S.COLLECTED, now=april_early + timedelta(days=2))
    make.order(
        S.RECEIVED,
        kind=OrderKind.REPEAT,
        device=b.device,
        original_order_id=b.id,
        now=april_early + timedelta(days=20),
    )

    partner = figures_of(net.admin, net.remote, 2026)
    march, april, may = partner.months[3], partner.months[4], partner.months[5]
    assert (march.received, march.completed, march.on_time, march.repaired) == (1, 1, 1, 1)
    assert march.turnaround_days == 2.0
    assert (april.received, april.refused, april.completed) == (3, 1, 2)
    assert april.refusal_rate == pytest.approx(1 / 4)
    assert april.turnaround_days == 4.0  # b took 3 days, c 5
    assert april.on_time_rate == pytest.approx(1 / 2)
    assert april.repeats == 1 and april.repeat_rate == pytest.approx(1 / 2)
    assert may == queries.Figures()
    assert (may.refusal_rate, may.turnaround_days, may.on_time_rate, may.repeat_rate) == (
        None,
        None,
        None,
        None,
    )
    total = partner.year_total
    assert (total.received, total.refused, total.completed, total.repeats) == (4, 1, 3, 1)
    assert d.accepted_at is not None


def test_the_figures_take_the_same_queries_for_more_orders_and_workshops(make):
    net = make.net
    make.order(S.READY, now=utc(2026, 5, 5, 12))
    with counted() as few:
        queries.list_figures(net.admin, 2026)
    third = Workshop(name="Third Partner", kind=WorkshopKind.PARTNER)
    db.session.add(third)
    db.session.commit()
    for month in (2, 6, 9):
        make.order(S.READY, now=utc(2026, month, 5, 12))
        make.order(S.READY, workshop=net.other, now=utc(2026, month, 6, 12))
        refused = make.order(S.TO_WORKSHOP, workshop=net.other, now=utc(2026, month, 7, 12))
        orders.change_status(
            refused, S.RECEIVED, actor=net.admin, note="No", now=refused.received_at
        )
    db.session.commit()
    with counted() as many:
        partners = queries.list_figures(net.admin, 2026)
    assert len(many) == len(few) and len(partners) == 3
    assert sum(p.year_total.completed for p in partners) == 7


def test_a_manager_sees_only_their_own_workshop(make, db):
    net = make.net
    assert [p.workshop for p in queries.list_figures(net.manager, 2026)] == [net.remote]
    assert queries.get_partner_for(net.manager, net.other.id) is None
    assert queries.get_partner_for(net.admin, net.other.id) is net.other
    assert queries.get_partner_for(net.admin, net.in_office.id) is None  # our own workshop
    assert queries.list_figures(net.tech, 2026) == []
    assert queries.get_partner_for(net.reception_a, net.remote.id) is None


# --- who supplied a fitted part -------------------------------------------------------------


@pytest.fixture
def display(db):
    part = Part(sku="LCD-9", name="Display", unit_cost=12_345, sale_price=300_000)
    db.session.add(part)
    db.session.commit()
    return part


def supply(make, part, *, network=0, own=0, workshop=None):
    """Bring parts to a workshop: `network` units sent from office A, `own` bought by it."""
    net = make.net
    here = stock.location_for(workshop=workshop or net.remote)
    if network:
        office = stock.location_for(office=net.office_a)
        stock.receive(part, office, network, actor=net.reception_a)
        transfer = stock.send(part, office, here, network, actor=net.reception_a)
        stock.receive_transfer(transfer, actor=net.manager)
    if own:
        stock.receive(part, here, own, actor=net.admin)
    db.session.commit()


def repaired_with(make, part, quantity, *, workshop=None, service=100_000, now=None):
    """An order repaired with `quantity` of the part and one service line, then made ready."""
    net = make.net
    order = make.order(S.DIAGNOSING, price=None, workshop=workshop or net.remote, now=now)
    tech = make.technician_of(order.workshop)
    if service:
        order_lines.add_service(order, "Labour", 1, service, actor=tech)
    line = order_lines.add_part(order, part, quantity, actor=tech) if quantity else None
    finish(make, order, S.READY, now=now)
    return order, line


def test_parts_sent_by_the_network_are_the_networks(make, display):
    supply(make, display, network=3)
    _order, line = repaired_with(make, display, 2)
    assert (line.quantity, line.network_quantity) == (2, 2)


def test_parts_the_partner_bought_are_its_own(make, display):
    supply(make, display, own=3)
    _order, line = repaired_with(make, display, 2)
    assert line.network_quantity == 0


def test_the_networks_parts_are_used_first_then_the_workshops(make, display):
    supply(make, display, network=3, own=4)
    _first, one = repaired_with(make, display, 2)
    _second, two = repaired_with(make, display, 3)  # 1 of the network's left, 2 own
    _third, three = repaired_with(make, display, 1)
    assert [one.network_quantity, two.network_quantity, three.network_quantity] == [2, 1, 0]


def test_parts_sent_away_again_leave_the_networks_pool(make, display):
    net = make.net
    supply(make, display, network=3, own=2)
    here = stock.location_for(workshop=net.remote)
    stock.send(display, here, stock.location_for(office=net.office_b), 2, actor=net.manager)
    db.session.commit()
    _order, line = repaired_with(make, display, 2)
    assert line.network_quantity == 1


def test_a_transfer_called_off_gives_the_network_its_parts_back(make, display):
    net = make.net
    supply(make, display, network=2, own=2)
    here = stock.location_for(workshop=net.remote)
    transfer = stock.send(
        display, here, stock.location_for(office=net.office_b), 2, actor=net.manager
    )
    stock.cancel_transfer(transfer, actor=net.manager)
    db.session.commit()
    _order, line = repaired_with(make, display, 2)
    assert line.network_quantity == 2


def test_at_our_own_workshop_every_part_is_the_networks(make, display):
    net = make.net
    here = stock.location_for(workshop=net.in_office)
    stock.receive(display, here, 2, actor=net.admin)
    db.session.commit()
    order = make.order(S.DIAGNOSING, price=None, workshop=net.in_office)
    line = order_lines.add_part(order, display, 2, actor=net.tech_in_office)
    orders.change_status(order, S.IN_REPAIR, actor=net.tech_in_office)
    orders.change_status(order, S.REPAIRED, actor=net.tech_in_office)
    db.session.commit()
    assert line.network_quantity == 2


# --- settlements ----------------------------------------------------------------------------

JUNE = utc(2026, 6, 10, 9)


def test_the_draft_settles_each_order(make, db, display):
    net = make.net
    supply(make, display, network=1, own=5)
    # 1,234.55 labour at 60 %: 740.73 due (half up); 1 network + 1 own display.
    first, _ = repaired_with(make, display, 2, service=123_455, now=JUNE)
    # No lines: the price typed by hand is the labour.
    second = make.order(S.READY, price=80_001, now=JUNE + timedelta(days=1))
    # Only parts: no labour, 2 own displays reimbursed at cost.
    third, _ = repaired_with(make, display, 2, service=0, now=JUNE + timedelta(days=2))
    make.order(S.READY, workshop=net.other, now=JUNE)  # another partner's
    make.order(S.READY, now=utc(2026, 7, 1, 9))  # next month

    statement = queries.get_statement(net.remote, 2026, 6)
    assert [line.number for line in statement.lines] == [first.number, second.number, third.number]
    a, b, c = statement.lines
    assert (a.labour, a.share_percent, a.labour_due) == (123_455, 60, 74_073)
    assert (a.network_units, a.workshop_units, a.workshop_parts) == (1, 1, 12_345)
    assert (b.labour, b.labour_due, b.workshop_parts) == (80_001, 48_001, 0)
    assert (c.labour, c.labour_due, c.workshop_units, c.workshop_parts) == (0, 0, 2, 24_690)
    assert a.contract_number == "C-REMOTE" and a.reason is Reason.NONE
    totals = statement.totals
    assert (totals.orders, totals.labour_due, totals.workshop_parts) == (3, 122_074, 37_035)
    assert totals.total_due == 159_109
    assert statement.contracts == (("C-REMOTE", 60),)


def test_a_repeat_of_the_workshops_own_repair_earns_no_labour(make, db):
    net = make.net
    first = make.order(S.COLLECTED, now=JUNE)
    repeat = make.order(
        S.READY,
        kind=OrderKind.REPEAT,
        device=first.device,
        original_order_id=first.id,
        now=JUNE + timedelta(days=5),
    )
    repeat_elsewhere_original = make.order(S.COLLECTED, workshop=net.other, now=JUNE)
    other_repeat = make.order(
        S.READY,
        kind=OrderKind.REPEAT,
        device=repeat_elsewhere_original.device,
        original_order_id=repeat_elsewhere_original.id,
        now=JUNE + timedelta(days=6),
    )
    # The repeat is free for the customer; the partner's labour is a service line of it.
    for order in (repeat, other_repeat):
        db.session.add(
            OrderLine(
                order_id=order.id,
                kind="service",
                description="Redo",
                quantity=1,
                unit_price=50_000,
                state="active",
                added_by_id=net.tech.id,
            )
        )
    db.session.commit()
    lines = {line.number: line for line in queries.get_statement(net.remote, 2026, 6).lines}
    own = lines[repeat.number]
    assert (own.labour, own.labour_due, own.reason) == (50_000, 0, Reason.OWN_REPEAT)
    # Redoing another workshop's repair is paid as any repair.
    assert lines[other_repeat.number].labour_due == 30_000


def test_an_order_completed_without_a_contract_gets_no_share(make, db):
    net = make.net
    early = make.order(S.READY, price=10_000, now=JUNE)
    late = make.order(S.READY, price=10_000, now=utc(2026, 6, 20, 9))
    contract = db.session.scalars(
        sa.select(WorkshopContract).where(WorkshopContract.workshop_id == net.remote.id)
    ).one()
    contract.starts_on = date(2026, 6, 15)  # the first order was completed before it began
    db.session.commit()
    lines = {line.number: line for line in queries.get_statement(net.remote, 2026, 6).lines}
    assert (lines[early.number].share_percent, lines[early.number].reason) == (
        0,
        Reason.NO_CONTRACT,
    )
    assert lines[early.number].contract_number is None
    assert lines[late.number].labour_due == 6_000


def test_the_settlement_takes_the_same_queries_for_more_orders(make, display):
    supply(make, display, network=2, own=10)
    repaired_with(make, display, 1, now=JUNE)
    with counted() as few:
        queries.get_statement(make.net.remote, 2026, 6)
    for day in range(3):
        repaired_with(make, display, 2, now=JUNE + timedelta(days=day))
        make.order(S.READY, now=JUNE + timedelta(days=day))
    with counted() as many:
        statement = queries.get_statement(make.net.remote, 2026, 6)
    assert len(many) == len(few) and statement.totals.orders == 7


NOW = utc(2026, 7, 2, 9)


def confirm(make, **kwargs):
    return settlements.confirm(
        make.net.remote, 2026, 6, actor=make.net.admin, locale="en", now=NOW, **kwargs
    )


def test_confirming_freezes_the_lines_totals_and_pdf(make, db, display):
    supply(make, display, own=5)
    order, line = repaired_with(make, display, 1, service=100_000, now=JUNE)
    draft = queries.get_statement(make.net.remote, 2026, 6)
    settlement = confirm(make)
    db.session.commit()
    assert settlement.number == f"ST-{make.net.remote.id}-2026-06"
    assert (settlement.total_due, settlement.labour_due) == (draft.totals.total_due, 60_000)
    assert settlement.content.startswith(b"%PDF") and len(settlement.sha256) == 64
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SettlementLine)) == 1

    # The order changes afterwards (even moves out of the month): the settlement does not.
    db.session.execute(
        sa.update(OrderLine).where(OrderLine.order_id == order.id).values(unit_price=999_900)
    )
    order.ready_at = utc(2026, 5, 1, 9)
    db.session.commit()
    assert queries.draft_lines(make.net.remote.id, 2026, 6) == []
    frozen = queries.get_statement(make.net.remote, 2026, 6)
    assert frozen.confirmed and frozen.lines == draft.lines and frozen.totals == draft.totals


def test_a_month_is_confirmed_once(make, db):
    make.order(S.READY, now=JUNE)
    confirm(make)
    db.session.commit()
    with pytest.raises(SettlementError, match="confirmed already"):
        confirm(make)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Settlement)) == 1


def test_a_concurrent_confirmation_is_stopped_by_the_unique_constraint(make, db, monkeypatch):
    make.order(S.READY, now=JUNE)
    confirm(make)
    db.session.commit()
    # As if the other request had confirmed between our check and our insert.
    real = queries.get_statement

    def unconfirmed(workshop, year, month):
        statement = real(workshop, year, month)
        return queries.Statement(workshop, year, month, statement.lines, statement.totals)

    monkeypatch.setattr(queries, "get_statement", unconfirmed)
    with pytest.raises(SettlementError, match="confirmed already"):
        confirm(make)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Settlement)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SettlementLine)) == 1


def test_a_month_not_over_or_empty_is_not_confirmed(make, db):
    make.order(S.READY, now=JUNE)
    with pytest.raises(SettlementError, match="once it is over"):
        settlements.confirm(
            make.net.remote, 2026, 6, actor=make.net.admin, locale="en", now=utc(2026, 6, 30, 9)
        )
    with pytest.raises(SettlementError, match="no orders"):
        settlements.confirm(make.net.remote, 2026, 5, actor=make.net.admin, locale="en", now=NOW)
    with pytest.raises(NotPermitted):
        settlements.confirm(make.net.remote, 2026, 6, actor=make.net.manager, locale="en", now=NOW)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Settlement)) == 0


# --- review findings ------------------------------------------------------------------------


def test_a_device_returned_unrepaired_earns_only_the_diagnostic_fee(make, db):
    net = make.net
    order = make.order(S.DIAGNOSING, price=None, diagnostic_fee=50_000, approval_limit=0, now=JUNE)
    order_lines.add_service(order, "Replace the board", 1, 2_000_000, actor=net.tech)
    orders.change_status(order, S.AWAITING_APPROVAL, actor=net.tech, now=JUNE)
    orders.change_status(order, S.TO_OFFICE, actor=net.tech, note="Declined", now=JUNE)
    make.bring_back(order, now=JUNE)
    db.session.commit()
    (line,) = queries.get_statement(net.remote, 2026, 6).lines
    assert (line.labour, line.labour_due, line.reason) == (50_000, 30_000, Reason.NOT_REPAIRED)


def test_a_warranty_repair_without_priced_work_is_flagged(make, db):
    device = make.device(purchase_date=JUNE.date() - timedelta(days=30), warranty_months=12)
    order = make.order(S.READY, kind=OrderKind.WARRANTY, device=device, now=JUNE)
    (line,) = queries.get_statement(make.net.remote, 2026, 6).lines
    assert (line.number, line.labour, line.reason) == (order.number, 0, Reason.NO_LABOUR)


def test_parts_written_off_were_the_networks_first(make, display):
    net = make.net
    supply(make, display, network=2)
    here = stock.location_for(workshop=net.remote)
    stock.write_off(display, here, 2, actor=net.manager, reason="Broken in transit")
    supply(make, display, own=2)
    _order, line = repaired_with(make, display, 2)
    assert line.network_quantity == 0  # the two fitted are the two the workshop bought


def test_the_workshops_own_parts_sent_away_do_not_take_the_networks(make, display):
    net = make.net
    supply(make, display, own=5)
    here = stock.location_for(workshop=net.remote)
    stock.send(display, here, stock.location_for(office=net.office_b), 2, actor=net.manager)
    supply(make, display, network=2)
    _order, line = repaired_with(make, display, 2)
    assert line.network_quantity == 2


def test_parts_from_another_partner_are_not_the_networks(make, display):
    net = make.net
    supply(make, display, own=2, workshop=net.other)
    there = stock.location_for(workshop=net.other)
    here = stock.location_for(workshop=net.remote)
    transfer = stock.send(display, there, here, 2, actor=net.admin)
    stock.receive_transfer(transfer, actor=net.manager)
    db.session.commit()
    _order, line = repaired_with(make, display, 2)
    assert line.network_quantity == 0


def test_a_cancelled_repeat_is_no_repair_that_came_back(make, db):
    net = make.net
    original = make.order(S.COLLECTED, now=JUNE)
    repeat = make.order(
        S.RECEIVED,
        kind=OrderKind.REPEAT,
        device=original.device,
        original_order_id=original.id,
        price=None,
        estimate=None,
        now=JUNE + timedelta(days=3),
    )
    orders.change_status(repeat, S.CANCELLED, actor=net.reception_a, note="Opened by mistake")
    db.session.commit()
    june = figures_of(net.admin, net.remote, 2026).months[6]
    assert june.repeats == 0


def test_a_partner_inside_an_office_takes_an_order_on_by_starting_it(make, db):
    net = make.net
    net.other.in_office_id = net.office_a.id
    db.session.commit()
    order = make.order(S.DIAGNOSING, workshop=net.other, now=JUNE)
    assert order.accepted_at == JUNE
    assert figures_of(net.admin, net.other, 2026).months[6].received == 1


def test_a_month_with_orders_no_contract_covered_is_not_confirmed(make, db):
    net = make.net
    make.order(S.READY, price=10_000, now=JUNE)
    contract = db.session.scalars(
        sa.select(WorkshopContract).where(WorkshopContract.workshop_id == net.remote.id)
    ).one()
    contract.starts_on = date(2026, 6, 20)
    db.session.commit()
    with pytest.raises(SettlementError, match="1 orders were completed on days no contract"):
        confirm(make)
    assert db.session.scalars(sa.select(Settlement)).all() == []


def test_our_own_workshop_is_not_settled_with(make, db):
    net = make.net
    make.order(S.READY, workshop=net.in_office, now=JUNE)
    with pytest.raises(SettlementError, match="Only a partner workshop"):
        settlements.confirm(net.in_office, 2026, 6, actor=net.admin, locale="en", now=NOW)
