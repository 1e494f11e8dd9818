"""The dashboard's daily rollup and its month rows: every panel it feeds gives the live query's
figures, for orders spread over several days (a local midnight in UTC's evening included) or
months, after an order is filed elsewhere, and through the nightly job run twice."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from servicecenter import jobs
from servicecenter.domain.enums import DeviceCategory, OrderKind, OrderStatus
from servicecenter.domain.feedback import Scores
from servicecenter.models import (
    DashboardDaily,
    DashboardDailyBrand,
    DashboardDay,
    DashboardMonth,
    DashboardStaleDay,
    Feedback,
    Payment,
    RepairOrder,
)
from servicecenter.queries import dashboard as q
from servicecenter.services import dashboard_rollup, feedback, orders

S = OrderStatus
START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)  # 12:00 in Moscow
MARCH = q.DashboardFilter(start=date(2026, 3, 1), end=date(2026, 3, 20))
PANELS = (
    q.daily_flow,
    q.turnaround,
    q.on_time,
    q.time_in_status,
    q.repeat_rate,
    q.revenue,
    q.categories,
    q.frequent_repairs,
    q.satisfaction,
)


@pytest.fixture
def spread(make, db):
    """Orders received over two weeks at random hours (22:00-23:59 UTC is the next local day),
    walked on over the following days to random statuses, in both offices and workshops; a
    collected one rated now and then."""
    return spread_orders(make, db, start=START, days=12, count=24)


def spread_orders(make, db, *, start: datetime, days: int, count: int):
    rng = random.Random(7)
    net = make.net
    made = []
    for n in range(count):
        hour = rng.choice((0, 5, 9, 14, 21, 22, 23))
        received = start + timedelta(days=rng.randrange(days), hours=hour - 6, minutes=n)
        workshop = rng.choice((net.in_office, net.remote))
        office = (
            net.office_a if workshop is net.in_office else rng.choice((net.office_a, net.office_b))
        )
        device = make.device(
            brand=rng.choice(("Acme", "Bolt")),
            purchase_date=date(2026, 1, 10),
            warranty_months=12,
        )
        device.category = rng.choice((DeviceCategory.PHONE, DeviceCategory.LAPTOP))
        order = make.order(
            S.RECEIVED,
            workshop=workshop,
            office=office,
            device=device,
            kind=OrderKind.WARRANTY if n % 5 == 0 else OrderKind.PAID,
            prepayment=100_000 if n % 4 == 1 and n % 5 else None,
            now=received,
        )
        at = received
        for target in rng.choice(
            ([S.DIAGNOSING], [S.DIAGNOSING, S.READY], [S.DIAGNOSING, S.READY, S.COLLECTED], [])
        ):
            at += timedelta(hours=rng.randrange(5, 40))
            make.advance(order, target, now=min(at, NOW - timedelta(hours=1)))
        if order.status is S.COLLECTED and n % 3:  # (no draw from rng: the orders stay)
            scores = Scores(csat=2 if n % 2 else 5, nps=n % 11, effort=1 + n % 5)
            rated = min(at + timedelta(hours=1 + n % 29), NOW - timedelta(minutes=30))
            feedback.submit(order.tracking_token, scores, ip="", user_agent="", now=rated)
        made.append(order)
    original = next(o for o in made if o.status is S.COLLECTED)
    make.order(
        S.RECEIVED,
        kind=OrderKind.REPEAT,
        workshop=original.workshop,
        office=original.office,
        device=original.device,
        original_order_id=original.id,
        now=NOW - timedelta(days=2),
    )
    db.session.commit()
    return made


def figures(user, filters, *, live: bool):
    split = q.split_days(filters, live=live)
    return [panel(user, filters, split=split) for panel in PANELS]


def viewers(net):
    return [net.admin, net.manager, net.reception_a]


def filters_to_try(net):
    return [
        MARCH,
        q.DashboardFilter(start=date(2026, 3, 5), end=date(2026, 3, 11)),
        q.DashboardFilter(start=MARCH.start, end=MARCH.end, workshop_id=net.remote.id),
        q.DashboardFilter(start=MARCH.start, end=MARCH.end, office_id=net.office_b.id),
        q.DashboardFilter(start=MARCH.start, end=MARCH.end, technician_id=net.tech.id),
        q.DashboardFilter(start=MARCH.start, end=MARCH.end, category=DeviceCategory.LAPTOP),
    ]


def assert_rollup_equals_live(net, filters_list=None, users=None):
    for user in users or viewers(net):
        for filters in filters_list or filters_to_try(net):
            assert figures(user, q.scoped(user, filters), live=False) == figures(
                user, q.scoped(user, filters), live=True
            ), (user.username, filters)


def test_each_rolled_up_panel_equals_the_live_query(spread, make, db):
    rolled = dashboard_rollup.roll_up_missing(NOW)
    db.session.commit()
    assert rolled[0] <= date(2026, 3, 2) and rolled[-1] == date(2026, 3, 19)  # not today
    split = q.split_days(MARCH)
    # live: today, and 1 March, before the first order (there was nothing to roll up)
    assert [p.first for p in split.live] == [date(2026, 3, 1), date(2026, 3, 20)]
    # every order but those received today (local), the repeat included
    before_today = sum(1 for o in spread if o.received_at < q.day_start(date(2026, 3, 20))) + 1
    assert db.session.scalar(sa.select(sa.func.sum(DashboardDaily.received))) == before_today
    flow = q.daily_flow(make.net.admin, MARCH, split=split)
    assert sum(row.received for row in flow) == 25  # the figures are about something
    assert any(row.collected for row in flow) and any(row.completed for row in flow)
    assert any(row.paid for row in q.revenue(make.net.admin, MARCH, split=split))
    rated = sum(row.responses for row in q.satisfaction(make.net.admin, MARCH, split=split))
    assert rated == db.session.scalar(sa.select(sa.func.count(Feedback.id))) > 0
    assert_rollup_equals_live(make.net)


def test_the_routings_on_time_record_reads_the_rollup_and_counts_as_the_orders_do(spread, make, db):
    lo, hi = q.day_start(MARCH.start), q.day_start(MARCH.end + timedelta(days=1))
    counted = {
        workshop_id: (ready, kept)
        for workshop_id, ready, kept in db.session.execute(
            sa.select(
                RepairOrder.workshop_id,
                sa.func.count(),
                sa.func.sum(sa.case((RepairOrder.ready_on_time.is_(True), 1), else_=0)),
            )
            .where(RepairOrder.ready_at >= lo, RepairOrder.ready_at < hi)
            .group_by(RepairOrder.workshop_id)
        )
    }
    assert counted and q.ready_record(MARCH.start, MARCH.end) == counted  # all live
    dashboard_rollup.roll_up_missing(NOW)
    assert q.split_days(MARCH).rolled
    assert q.ready_record(MARCH.start, MARCH.end) == counted  # mostly rolled


def test_a_local_day_ends_at_21_utc_in_the_rollup_too(make, db):
    late = make.order(S.RECEIVED, now=datetime(2026, 3, 10, 22, 30, tzinfo=UTC))  # 11 March
    early = make.order(S.RECEIVED, now=datetime(2026, 3, 10, 20, 30, tzinfo=UTC))  # 10 March
    dashboard_rollup.roll_up_missing(NOW)
    db.session.commit()
    rows = {row.day: row.received for row in q.daily_flow(make.net.admin, MARCH)}
    assert rows[date(2026, 3, 10)] == 1 and rows[date(2026, 3, 11)] == 1
    assert late.id != early.id
    assert_rollup_equals_live(make.net)


def test_an_order_filed_elsewhere_makes_its_days_live_until_rolled_again(spread, make, db):
    dashboard_rollup.roll_up_missing(NOW)
    db.session.commit()
    waiting = next(
        o for o in spread if o.status is S.RECEIVED and not o.workshop.is_inside(o.office_id)
    )
    # received on a rolled day and now taken on by the in-office workshop instead
    orders.reroute(waiting, make.net.other, actor=make.desk_of(waiting))
    db.session.commit()
    stale = set(db.session.scalars(sa.select(DashboardStaleDay.day)))
    assert q.day_start(min(stale)) <= waiting.received_at
    assert stale <= {p.first for p in q.split_days(MARCH).live}
    assert_rollup_equals_live(make.net)
    # the next night rolls the stale days again, with the order where it is now
    run = jobs.run(jobs.get("dashboard-rollup"), now=NOW)
    assert f"Rolled up {len(stale)} day(s)" in run.summary
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DashboardStaleDay)) == 0
    assert [p.first for p in q.split_days(MARCH).live] == [date(2026, 3, 1), date(2026, 3, 20)]
    assert_rollup_equals_live(make.net)


def test_the_job_run_twice_rolls_each_day_once(spread, make, db):
    job = jobs.get("dashboard-rollup")
    assert (job.trigger, job.schedule) == ("cron", {"hour": 1, "minute": 15})
    first = jobs.run(job, now=NOW)
    rows = db.session.execute(sa.select(DashboardDaily).order_by(DashboardDaily.id)).all()
    days = db.session.scalars(sa.select(DashboardDay.day).order_by(DashboardDay.day)).all()
    assert "Rolled up" in first.summary and days[-1] == date(2026, 3, 19)
    second = jobs.run(job, now=NOW)
    assert second.summary == "The dashboard's rollup is up to date."
    assert db.session.scalars(sa.select(DashboardDay.day).order_by(DashboardDay.day)).all() == days
    assert len(db.session.execute(sa.select(DashboardDaily)).all()) == len(rows)
    assert_rollup_equals_live(make.net)


def test_rolling_a_day_again_gives_the_same_rows(spread, make, db):
    dashboard_rollup.roll_up_missing(NOW)

    def dump():
        return sorted(
            tuple(row)
            for row in db.session.execute(
                sa.select(
                    DashboardDaily.day,
                    DashboardDaily.workshop_id,
                    DashboardDaily.received,
                    DashboardDaily.paid,
                )
            )
        )

    before = dump()
    for day in db.session.scalars(sa.select(DashboardDay.day)).all():
        dashboard_rollup.roll_up(day, now=NOW)
    assert dump() == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Payment)) > 0


def test_the_cli_fills_the_missing_days_then_again_from_a_date(spread, app, make, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["dashboard", "rollup"])
    assert result.exit_code == 0 and "Rolled up" in result.output, result.output
    again = runner.invoke(args=["dashboard", "rollup"])
    assert again.output.strip() == "The dashboard's rollup is up to date."
    yesterday = q.local_date() - timedelta(days=1)
    result = runner.invoke(args=["dashboard", "rollup", "--from", str(yesterday)])
    assert result.output.strip() == f"Rolled up 1 day(s), {yesterday} to {yesterday}."


def test_snapshot_panels_read_only_open_orders_by_index(make, db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the plan is SQLite's")
    user = make.net.admin
    statements = []

    @sa.event.listens_for(db.engine, "before_cursor_execute")
    def keep(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    try:
        q.open_orders(user, MARCH, NOW)
        q.overdue_by_workshop(user, MARCH, NOW)
        q.list_overdue_orders(user, MARCH, NOW)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", keep)
    plans = []
    for statement, parameters in statements:
        if "repair_orders" not in statement:
            continue
        plan = (
            db.session.connection()
            .exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            .all()
        )
        plans.append(" ".join(row[-1] for row in plan))
    assert len(plans) == 3
    for plan in plans:
        assert "USING INDEX ix_repair_orders_status" in plan or (
            "USING COVERING INDEX ix_repair_orders_status" in plan
        ), plan
        assert "SCAN repair_orders" not in plan.replace("USING", "|"), plan


# --- month rows --------------------------------------------------------------------------------

WINTER = datetime(2026, 1, 20, 6, 0, tzinfo=UTC)
YEAR = q.DashboardFilter(start=date(2025, 3, 21), end=date(2026, 3, 20))  # by month


def months_to_try(net):
    return [
        YEAR,
        q.DashboardFilter(start=YEAR.start, end=YEAR.end, category=DeviceCategory.PHONE),
        q.DashboardFilter(start=date(2026, 1, 1), end=date(2026, 3, 20)),  # by week
        q.DashboardFilter(start=date(2026, 2, 2), end=date(2026, 3, 20)),  # February cut
    ]


def assert_months_equal_live(net):
    """A year read by months equals it read live (the admin, and a workshop's scope)."""
    assert_rollup_equals_live(net, months_to_try(net), users=[net.admin, net.manager])


def month_rows(db):
    columns = ("day", "office_id", "workshop_id", "technician_id", "category", "held")
    statement = sa.select(
        *(getattr(DashboardDaily, name) for name in (*columns, *DashboardDaily.MEASURES))
    ).where(DashboardDaily.monthly.is_(True))
    return sorted((tuple(row) for row in db.session.execute(statement)), key=repr)


@pytest.fixture
def winter(make, db):
    """Orders from 20 January to mid-March: February is a whole month of rolled days."""
    return spread_orders(make, db, start=WINTER, days=50, count=40)


def test_a_whole_month_is_read_from_its_month_rows_with_the_same_figures(winter, make, db):
    dashboard_rollup.roll_up_missing(NOW)
    db.session.commit()
    # January began before the first order (its first days have nothing to roll), March is
    # not over: February alone is summed
    assert db.session.scalars(sa.select(DashboardMonth.month)).all() == [date(2026, 2, 1)]
    month_rows = sa.select(sa.func.count()).where(DashboardDaily.monthly.is_(True))
    assert db.session.scalar(month_rows) > 0
    assert q.split_days(YEAR).months == (date(2026, 2, 1),)
    assert q.split_days(months_to_try(make.net)[-1]).months == ()  # the filter cuts it
    assert sum(r.orders for r in q.categories(make.net.admin, YEAR)[0]) == 41
    assert_months_equal_live(make.net)
    # and the month rows are what a year reads: doubled, they double February
    february = q.DashboardFilter(start=date(2026, 2, 1), end=date(2026, 2, 28))
    in_february = sum(r.orders for r in q.categories(make.net.admin, february)[0])
    db.session.execute(
        sa.update(DashboardDailyBrand)
        .where(DashboardDailyBrand.monthly.is_(True))
        .values(received=DashboardDailyBrand.received * 2)
    )
    assert sum(r.orders for r in q.categories(make.net.admin, YEAR)[0]) == 41 + in_february > 41


def test_a_stale_day_keeps_its_month_on_day_rows_until_both_are_rolled_again(winter, make, db):
    dashboard_rollup.roll_up_missing(NOW)
    db.session.commit()
    waiting = next(
        o
        for o in winter
        if o.status is S.RECEIVED
        and not o.workshop.is_inside(o.office_id)
        and date(2026, 2, 1) <= q.local_date(o.received_at) <= date(2026, 2, 28)
    )
    orders.reroute(waiting, make.net.other, actor=make.desk_of(waiting))
    db.session.commit()
    assert q.split_days(YEAR).months == ()
    assert_months_equal_live(make.net)
    jobs.run(jobs.get("dashboard-rollup"), now=NOW)
    assert q.split_days(YEAR).months == (date(2026, 2, 1),)
    assert_months_equal_live(make.net)
    # rolling a day of it again forgets the month; summing it again gives the same rows
    before = month_rows(db)
    dashboard_rollup.roll_up(date(2026, 2, 10), now=NOW)
    assert q.split_days(YEAR).months == () and month_rows(db) == []
    assert dashboard_rollup.roll_up_months(NOW) == [date(2026, 2, 1)]
    assert month_rows(db) == before
