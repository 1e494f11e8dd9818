"""Stock never goes negative and two people never take the same last part: reservations, write-offs
and transfers race from several processes (SQLite file, or PostgreSQL with TEST_DATABASE_URL), and
afterwards the ledger, the cached levels and the orders' lines agree."""

from __future__ import annotations

import multiprocessing
from collections import Counter

import pytest
import sqlalchemy as sa

from servicecenter.domain.enums import OrderStatus
from servicecenter.domain.stock import LineState, MovementKind
from servicecenter.models import OrderLine, Part, RepairOrder, StockLevel, StockMovement
from servicecenter.services import stock

from .workers import stock_worker

S = OrderStatus
PROCESSES = 4


@pytest.fixture
def part(make, db):
    make.network()
    part = Part(sku="BAT-1", name="Battery", sale_price=100_000, unit_cost=40_000)
    db.session.add(part)
    db.session.commit()
    return part


def receive(make, db, part, quantity):
    stock.receive(
        part, stock.location_for(workshop=make.net.remote), quantity, actor=make.net.admin
    )
    db.session.commit()


def run(database_url, ids, jobs_per_process: list[list[tuple[str, int]]]) -> Counter:
    """Start every process, release them at once, and count the outcomes."""
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        start = manager.Event()
        with context.Pool(len(jobs_per_process)) as pool:
            results = [
                pool.apply_async(stock_worker, (database_url, ids, jobs, start))
                for jobs in jobs_per_process
            ]
            start.set()
            outcomes = [outcome for result in results for outcome in result.get(timeout=180)]
    return Counter(outcomes)


def ids_of(make, part) -> dict:
    net = make.net
    return dict(
        part=part.id,
        workshop=net.remote.id,
        office=net.office_a.id,
        tech=net.tech.id,
        manager=net.manager.id,
    )


def orders_in_repair(make, count: int) -> list[RepairOrder]:
    """Paid orders already approved and in repair: a part added to them is reserved at once."""
    return [make.order(S.IN_REPAIR, price=200_000, approval_limit=1_000_000) for _ in range(count)]


def figures(db, part, location) -> tuple[int, int, int]:
    """The cached level (zeros where no level row exists yet)."""
    level = stock.level_of(part.id, location.id)
    return (level.on_hand, level.reserved, level.in_transit)


def ledger_sums(db, part, location) -> tuple[int, int, int]:
    row = db.session.execute(
        sa.select(
            sa.func.sum(StockMovement.on_hand_change),
            sa.func.sum(StockMovement.reserved_change),
            sa.func.sum(StockMovement.in_transit_change),
        ).where(StockMovement.part_id == part.id, StockMovement.location_id == location.id)
    ).one()
    return tuple(int(value or 0) for value in row)


def line_states(db, part) -> Counter:
    return Counter(db.session.scalars(sa.select(OrderLine.state).filter_by(part_id=part.id)))


def movements(db, part, kind: MovementKind) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            StockMovement.part_id == part.id, StockMovement.kind == kind
        )
    )


def no_figure_below_zero(db) -> bool:
    negative = db.session.scalar(
        sa.select(sa.func.count()).where(
            (StockLevel.on_hand < 0)
            | (StockLevel.reserved < 0)
            | (StockLevel.in_transit < 0)
            | (StockLevel.reserved > StockLevel.on_hand)
        )
    )
    return negative == 0


def test_the_last_parts_are_reserved_once_however_many_ask_at_the_same_time(
    make, db, database_url, part
):
    """Five batteries, sixteen orders asking for one each from four processes at once."""
    receive(make, db, part, 5)
    orders = orders_in_repair(make, PROCESSES * 4)
    jobs = [[("reserve", order.id) for order in orders[index::PROCESSES]] for index in range(4)]

    outcomes = run(database_url, ids_of(make, part), jobs)

    assert outcomes == {"reserve:reserved": 5, "reserve:pending": 11}
    db.session.rollback()
    workshop = stock.location_for(workshop=make.net.remote)
    assert line_states(db, part) == {LineState.RESERVED: 5, LineState.PENDING: 11}
    assert figures(db, part, workshop) == (5, 5, 0)
    assert ledger_sums(db, part, workshop) == (5, 5, 0)
    assert movements(db, part, MovementKind.RESERVE) == 5
    assert stock.reconcile() == []
    assert no_figure_below_zero(db)
    # Every order has exactly one line for the part, and the reserved ones carry the ledger's
    # order: the movements name the orders whose lines say RESERVED.
    reserved_orders = set(
        db.session.scalars(
            sa.select(OrderLine.order_id).filter_by(part_id=part.id, state=LineState.RESERVED)
        )
    )
    assert reserved_orders == set(
        db.session.scalars(sa.select(StockMovement.order_id).filter_by(kind=MovementKind.RESERVE))
    )
    per_order = Counter(
        db.session.scalars(sa.select(OrderLine.order_id).filter_by(part_id=part.id))
    )
    assert set(per_order.values()) == {1} and len(per_order) == 16
    # The orders are priced by their lines, reserved or waiting alike.
    prices = db.session.scalars(
        sa.select(RepairOrder.price).where(RepairOrder.id.in_([o.id for o in orders]))
    ).all()
    assert set(prices) == {200_000 + 100_000}


def test_write_offs_and_transfers_race_reservations_for_the_last_units(
    make, db, database_url, part
):
    """Six batteries; two processes reserve for orders, one writes off, one sends to the office.
    Together they ask for far more than there is: exactly six requests succeed."""
    receive(make, db, part, 6)
    orders = orders_in_repair(make, 10)
    jobs = [
        [("reserve", order.id) for order in orders[:5]],
        [("reserve", order.id) for order in orders[5:]],
        [("write_off", 0)] * 5,
        [("send", 0)] * 5,
    ]

    outcomes = run(database_url, ids_of(make, part), jobs)
    print(outcomes)  # which side won varies from run to run; the sums never do

    db.session.rollback()
    reserved = outcomes["reserve:reserved"]
    written_off = outcomes["write_off:ok"]
    sent = outcomes["send:ok"]
    assert reserved + written_off + sent == 6, outcomes
    assert outcomes["reserve:pending"] == 10 - reserved
    assert outcomes["write_off:short"] == 5 - written_off
    assert outcomes["send:short"] == 5 - sent

    workshop = stock.location_for(workshop=make.net.remote)
    office = stock.location_for(office=make.net.office_a)
    assert figures(db, part, workshop) == (6 - written_off - sent, reserved, 0)
    assert figures(db, part, workshop)[0] == figures(db, part, workshop)[1]  # nothing left free
    assert figures(db, part, office) == (0, 0, sent)  # on its way to the office
    assert ledger_sums(db, part, workshop) == figures(db, part, workshop)
    assert ledger_sums(db, part, office) == figures(db, part, office)
    expected = {LineState.RESERVED: reserved, LineState.PENDING: 10 - reserved}
    assert line_states(db, part) == {state: n for state, n in expected.items() if n}  # no zeros
    assert movements(db, part, MovementKind.RESERVE) == reserved
    assert movements(db, part, MovementKind.WRITE_OFF) == written_off
    assert movements(db, part, MovementKind.TRANSFER_OUT) == sent
    assert stock.reconcile() == []
    assert no_figure_below_zero(db)
