"""The manager dashboard: each figure against numbers worked out by hand, scope, CSV, bad input."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest

from servicecenter.domain.enums import OrderKind, OrderStatus, Outcome
from servicecenter.queries import dashboard as q

from .test_health_and_lists import counting_queries

S = OrderStatus
BASE = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)  # 12:00 at the network's offices (Moscow)
DAY = timedelta(days=1)
MARCH = q.DashboardFilter(start=date(2026, 3, 1), end=date(2026, 3, 31))
NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def story(make):
    """In the in-office workshop: A diagnosed the first day, repaired the next, ready on day 2
    (on time), collected and paid on day 3, back under our warranty on day 4 (D); B received the
    same moment and ready on day 5 (late). At the remote partner: C received at 01:30 local time
    on 11 March (22:30 UTC the day before) and still being diagnosed."""
    net = make.net
    a = make.order(S.DIAGNOSING, workshop=net.in_office, now=BASE)
    make.advance(a, S.IN_REPAIR, now=BASE + DAY)
    make.advance(a, S.READY, now=BASE + 2 * DAY)
    make.advance(a, S.COLLECTED, now=BASE + 3 * DAY)
    b = make.order(S.DIAGNOSING, workshop=net.in_office, now=BASE)
    make.advance(b, S.READY, now=BASE + 5 * DAY)
    c = make.order(S.DIAGNOSING, now=datetime(2026, 3, 10, 22, 30, tzinfo=UTC))
    d = make.order(
        S.RECEIVED,
        kind=OrderKind.REPEAT,
        workshop=net.in_office,
        device=a.device,
        original_order_id=a.id,
        now=BASE + 4 * DAY,
    )
    return {"a": a, "b": b, "c": c, "d": d}


def test_the_period_is_cut_into_local_days(app):
    with app.app_context():
        days = q.periods(date(2026, 3, 10), date(2026, 3, 11))
    assert [period.first for period in days] == [date(2026, 3, 10), date(2026, 3, 11)]
    assert days[0].lo == datetime(2026, 3, 9, 21, 0, tzinfo=UTC)  # midnight in Moscow
    assert days[1].hi == datetime(2026, 3, 11, 21, 0, tzinfo=UTC)
    with app.app_context():
        weeks = q.periods(date(2026, 3, 4), date(2026, 3, 20), q.Unit.WEEK)
        months = q.periods(date(2026, 1, 15), date(2026, 3, 2), q.Unit.MONTH)
    assert [w.first for w in weeks] == [date(2026, 3, 4), date(2026, 3, 9), date(2026, 3, 16)]
    assert [m.first for m in months] == [date(2026, 1, 15), date(2026, 2, 1), date(2026, 3, 1)]


def test_daily_flow_counts_each_local_day(story, make):
    rows = {row.day: row for row in q.daily_flow(make.net.admin, MARCH)}
    assert len(rows) == 31
    assert (rows[date(2026, 3, 10)].received, rows[date(2026, 3, 11)].received) == (2, 1)
    assert rows[date(2026, 3, 12)].completed == 1 and rows[date(2026, 3, 13)].collected == 1
    assert rows[date(2026, 3, 14)].received == 1 and rows[date(2026, 3, 15)].completed == 1
    assert sum(row.received for row in rows.values()) == 4


def test_turnaround_on_time_and_repeat_rate(story, make):
    admin = make.net.admin
    a, b = story["a"], story["b"]
    assert a.ready_on_time is True and b.ready_on_time is False  # the promise the figures read
    (row,) = q.turnaround(admin, MARCH)
    assert (row.workshop, row.completed, row.ready_days) == ("In-office Workshop", 2, 3.5)
    assert (row.collected, row.collected_days) == (1, 3.0)
    on_time = [row for row in q.on_time(admin, MARCH) if row.completed]
    assert [(row.first, row.on_time, row.rate) for row in on_time] == [
        (date(2026, 3, 12), 1, 1.0),
        (date(2026, 3, 15), 0, 0.0),
    ]
    assert a.outcome is Outcome.REPAIRED
    (repeats,) = q.repeat_rate(admin, MARCH)
    assert (repeats.repaired, repeats.came_back, repeats.rate) == (2, 1, 0.5)


def test_time_in_each_status(story, make):
    rows = {row.status: row for row in q.time_in_status(make.net.admin, MARCH)}
    # A: diagnosing 1 day, in repair 1 day, ready 1 day; B: diagnosing 5 days; the stays that
    # end the moment they start (received, repaired) last 0; C and D are still where they are.
    assert rows[S.DIAGNOSING].intervals == 2 and rows[S.DIAGNOSING].average_days == 3.0
    # A in repair a day, B passing through it at once on its way to ready
    assert rows[S.IN_REPAIR].intervals == 2 and rows[S.IN_REPAIR].average_days == 0.5
    assert rows[S.READY].intervals == 1 and rows[S.READY].average_days == 1.0
    assert rows[S.RECEIVED].average_days == 0.0
    assert S.COLLECTED not in rows  # a stay not over yet


def test_open_overdue_revenue_categories_repairs(story, make):
    admin, c = make.net.admin, story["c"]
    open_rows = {row.status: row for row in q.open_orders(admin, MARCH, NOW)}
    assert {status: row.total for status, row in open_rows.items()} == {
        S.RECEIVED: 1,
        S.DIAGNOSING: 1,
        S.READY: 1,
    }
    # C was received 9 local days before NOW, D 6, B (ready) 10
    assert open_rows[S.DIAGNOSING].ages == (0, 0, 1, 0, 0)
    assert open_rows[S.RECEIVED].ages == (0, 1, 0, 0, 0)
    late = q.list_overdue_orders(admin, MARCH, NOW)
    overdue = [order.number for order in late if order.days_late > 0]
    assert c.number in overdue and story["b"].number not in overdue  # B is ready
    (revenue,) = [row for row in q.revenue(admin, MARCH) if row.paid]
    assert (revenue.first, revenue.paid, revenue.net) == (date(2026, 3, 13), 500_000, 500_000)
    by_category, brands = q.categories(admin, MARCH)
    assert [(row.category.value, row.orders) for row in by_category] == [("phone", 4)]
    assert [(row.brand, row.orders) for row in brands] == [("Acme", 4)]
    assert q.frequent_repairs(admin, MARCH) == []  # the story fitted nothing from a price list


def test_a_workshop_manager_sees_only_their_workshop(story, make, client, login_as):
    net = make.net
    manager = net.manager  # of the remote partner, where only C is
    figures = q.scoped(manager, MARCH)
    assert figures.workshop_id == net.remote.id
    assert q.turnaround(manager, figures) == []
    assert sum(row.received for row in q.daily_flow(manager, figures)) == 1
    login_as(manager)
    # another workshop asked for by id: not theirs, so no filter of theirs
    response = client.get(
        f"/dashboard/flow.csv?start=2026-03-01&end=2026-03-31&workshop={net.in_office.id}"
    )
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert sum(int(row[1]) for row in rows[1:]) == 1
    page = client.get(f"/dashboard?start=2026-03-01&end=2026-03-31&workshop={net.in_office.id}")
    assert "In-office Workshop" not in page.get_data(as_text=True)


def test_a_receptionist_sees_their_office_and_a_technician_none(story, make, client, login_as):
    login_as(make.net.reception_b)  # office B received nothing
    response = client.get("/dashboard/flow.csv?start=2026-03-01&end=2026-03-31")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert sum(int(row[1]) for row in rows[1:]) == 0
    login_as(make.net.tech)
    assert client.get("/dashboard").status_code == 403
    assert client.get("/dashboard/flow.csv").status_code == 403


def test_anonymous_users_are_sent_to_log_in(client, db):
    assert client.get("/dashboard").status_code == 302
    assert client.get("/dashboard/open.csv").status_code == 302


def _table(html: str, name: str) -> list[list[str]]:
    table = re.search(rf'<table[^>]*id="table-{name}".*?</table>', html, re.S).group(0)
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    return [
        [
            re.sub(r"\s+", " ", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
        ]
        for row in rows
    ]


@pytest.mark.parametrize(
    "name", ["flow", "turnaround", "time-in-status", "revenue", "open", "satisfaction"]
)
def test_each_csv_equals_its_table(story, make, client, login_as, name):
    login_as(make.net.admin)
    args = "start=2026-03-01&end=2026-03-31"
    html = client.get(f"/dashboard?{args}").get_data(as_text=True)
    response = client.get(f"/dashboard/{name}.csv?{args}")
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True).lstrip("\ufeff")
    assert list(csv.reader(io.StringIO(text))) == _table(html, name)
    assert f'id="chart-{name}"' in html  # its chart's data beside it


def test_the_chart_data_comes_from_the_table(story, make, client, login_as):
    login_as(make.net.admin)
    html = client.get("/dashboard?start=2026-03-01&end=2026-03-31").get_data(as_text=True)
    block = re.search(r'<script type="application/json" id="chart-turnaround">(.*?)</script>', html)
    import json

    chart = json.loads(block.group(1))
    assert chart["labels"] == ["In-office Workshop"]
    assert chart["series"][0]["data"] == [3.5]


@pytest.mark.parametrize(
    "query",
    [
        "office=abc",
        "workshop=99999999999999999999999",
        "technician=-1",
        "category=toaster",
        "start=2026-13-45",
        "start=2026-03-31&end=2026-03-01",
        "start=2000-01-01&end=2026-03-01",
        "end=2026-02-30",
    ],
)
def test_bad_parameters_get_a_message_never_a_500(make, client, login_as, query):
    login_as(make.net.admin)
    response = client.get(f"/dashboard?{query}")
    assert response.status_code == 200
    assert 'class="alert alert-warning' in response.get_data(as_text=True)
    assert client.get(f"/dashboard/flow.csv?{query}").status_code == 200


def test_an_unknown_panel_is_not_found(make, client, login_as):
    login_as(make.net.admin)
    assert client.get("/dashboard/nothing.csv").status_code == 404


def test_the_page_query_count_does_not_grow_with_orders(make, client, login_as, db):
    login_as(make.net.admin)
    url = f"/dashboard?start={date.today() - timedelta(days=5)}&end={date.today()}"

    def queries_to_render() -> int:
        client.get(url)
        with counting_queries(db) as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    make.order(S.READY)
    few = queries_to_render()
    for status in (S.COLLECTED, S.DIAGNOSING, S.READY):
        make.order(status)
    assert queries_to_render() == few
    assert few <= 30  # the days the rollup holds, and the parts at their cost, asked apart


@pytest.fixture
def ratings(story, make, db):
    """A (collected on 13 March) rated 5/10/5 on the 13th; a second collected order rated 2/3/2
    on the 14th, which opens a follow-up that the desk closes on the 16th, two days on."""
    from servicecenter.domain.feedback import Scores
    from servicecenter.services import feedback

    a = story["a"]
    feedback.submit(
        a.tracking_token,
        Scores(5, 10, 5),
        ip="",
        user_agent="",
        now=BASE + 3 * DAY + timedelta(hours=2),
    )
    e = make.order(S.COLLECTED, workshop=make.net.in_office, now=BASE + 4 * DAY)
    feedback.submit(
        e.tracking_token,
        Scores(2, 3, 2),
        ip="",
        user_agent="",
        now=BASE + 4 * DAY + timedelta(hours=2),
    )
    db.session.commit()
    return a, e


def test_satisfaction_per_day_and_the_net_promoter_score(ratings, make):
    rows = {row.first: row for row in q.satisfaction(make.net.admin, MARCH)}
    assert len(rows) == 31
    day13, day14 = rows[date(2026, 3, 13)], rows[date(2026, 3, 14)]
    assert (day13.responses, day13.csat, day13.nps, day13.effort, day13.low) == (1, 5, 100, 5, 0)
    assert (day14.responses, day14.csat, day14.nps, day14.effort, day14.low) == (1, 2, -100, 2, 1)
    assert rows[date(2026, 3, 12)].csat is None  # no ratings: a gap, not a zero
    # over half a year the series is by month: both in March's bucket
    half_year = q.DashboardFilter(date(2026, 1, 1), date(2026, 7, 31))
    march = next(row for row in q.satisfaction(make.net.admin, half_year) if row.responses)
    assert (march.first, march.responses, march.csat, march.nps) == (date(2026, 3, 1), 2, 3.5, 0)


def test_follow_ups_open_and_closed_per_office(ratings, make, db):
    from servicecenter.models import FollowUp
    from servicecenter.services import feedback

    (row, total) = q.follow_ups(make.net.admin, MARCH)
    assert (row.office, row.open_now, row.opened, row.closed) == ("Office A", 1, 1, 0)
    follow_up = db.session.query(FollowUp).one()
    feedback.close_follow_up(
        follow_up,
        actor=make.net.reception_a,
        action="Called back, replaced the cable",
        expected_version=follow_up.version,
        now=BASE + 6 * DAY + timedelta(hours=2),
    )
    db.session.commit()
    (row, total) = q.follow_ups(make.net.admin, MARCH)
    assert (row.open_now, row.opened, row.closed, row.days_to_close) == (0, 1, 1, 2.0)
    assert total.office == "" and total.closed == 1
    # another office's desk sees none of them
    assert q.follow_ups(make.net.reception_b, q.scoped(make.net.reception_b, MARCH)) == []
