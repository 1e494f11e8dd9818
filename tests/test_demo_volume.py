"""`flask demo-data`: a generated network the app reads like one it built itself (the ledger agrees
with the levels, the rollup with the live figures, the counters continue the numbers, the pages
open), the same seed and moment give the same data, and it goes only into an empty database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from servicecenter import demo_volume
from servicecenter.domain.enums import OrderKind, OrderStatus
from servicecenter.models import (
    Feedback,
    Handover,
    OrderNumberCounter,
    OrderStatusChange,
    RepairOrder,
    User,
)
from servicecenter.queries import dashboard as q
from servicecenter.services import stock

from .conftest import _wipe

S = OrderStatus
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_demo_data_fills_an_empty_database_that_the_app_reads(app, db, client, login_as):
    result = app.test_cli_runner().invoke(args=["demo-data", "--orders", "600", "--days", "90"])
    assert result.exit_code == 0, result.output
    assert "600 orders" in result.output

    orders = db.session.scalar(sa.select(sa.func.count(RepairOrder.id)))
    statuses = set(db.session.scalars(sa.select(RepairOrder.status).distinct()))
    kinds = set(db.session.scalars(sa.select(RepairOrder.kind).distinct()))
    assert orders == 600
    assert {S.COLLECTED, S.CANCELLED, S.READY} <= statuses and len(statuses) >= 7, statuses
    assert {OrderKind.PAID, OrderKind.WARRANTY} <= kinds
    # every order's history starts at intake and ends in its status
    last = (
        sa.select(OrderStatusChange.order_id, sa.func.max(OrderStatusChange.id).label("id"))
        .group_by(OrderStatusChange.order_id)
        .subquery()
    )
    mismatched = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(last)
        .join(OrderStatusChange, OrderStatusChange.id == last.c.id)
        .join(RepairOrder, RepairOrder.id == last.c.order_id)
        .where(OrderStatusChange.to_status != RepairOrder.status)
    )
    assert mismatched == 0
    assert db.session.scalar(sa.select(sa.func.count(Handover.id))) > 0
    assert db.session.scalar(sa.select(sa.func.count(Feedback.id))) > 0
    # the stock ledger adds up to the cached levels, and no level is negative
    assert stock.reconcile() == []
    # the counters continue the numbers: the next intake gets the next one
    for office_id, year, last_value in db.session.execute(
        sa.select(
            OrderNumberCounter.office_id, OrderNumberCounter.year, OrderNumberCounter.last_value
        )
    ):
        highest = db.session.scalar(
            sa.select(sa.func.max(RepairOrder.sequence)).where(
                RepairOrder.office_id == office_id, RepairOrder.year == year
            )
        )
        assert highest == last_value
    # the dashboard's rollup was filled and says what the live queries say
    admin = db.session.scalars(sa.select(User).where(User.username == "admin")).one()
    today = q.local_date()
    filters = q.DashboardFilter(start=today - timedelta(days=60), end=today)
    split = q.split_days(filters)
    assert split.rolled and split.months
    live = q.split_days(filters, live=True)
    for panel in (q.daily_flow, q.turnaround, q.categories, q.satisfaction, q.revenue):
        assert panel(admin, filters, split=split) == panel(admin, filters, split=live), panel

    # the pages open on it, and the customer finds their order by number and phone
    desk = db.session.scalars(sa.select(User).where(User.username == "reception")).one()
    order = db.session.scalars(
        sa.select(RepairOrder)
        .where(RepairOrder.office_id == desk.office_id, RepairOrder.status == S.READY)
        .limit(1)
    ).one()
    login_as(desk)
    for url in ("/orders", f"/orders/{order.number}", "/dashboard", "/handovers"):
        assert client.get(url).status_code == 200, url
    phone = db.session.get(RepairOrder, order.id).customer.phone
    found = client.post("/status", data={"number": order.number, "phone_last4": phone[-4:]})
    assert found.status_code == 200 and "Ready for pickup" in found.get_data(as_text=True)

    refused = app.test_cli_runner().invoke(args=["demo-data", "--orders", "10"])
    assert refused.exit_code != 0 and "not empty" in refused.output


def _fingerprint(db) -> list[tuple]:
    return db.session.execute(
        sa.select(
            RepairOrder.number,
            RepairOrder.status,
            RepairOrder.price,
            RepairOrder.received_at,
            RepairOrder.tracking_token,
        ).order_by(RepairOrder.id)
    ).all()


def test_the_same_seed_and_moment_give_the_same_data(db):
    demo_volume.generate(120, now=NOW, days=30, seed=5, roll_up=False)
    first = _fingerprint(db)
    db.session.rollback()
    _wipe()
    demo_volume.generate(120, now=NOW, days=30, seed=5, roll_up=False)
    assert _fingerprint(db) == first and len(first) == 120
