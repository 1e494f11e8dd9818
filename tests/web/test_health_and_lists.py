"""The health check; order lists: filters, search, keyset pagination, and a number of SQL queries
that does not grow with the number of rows."""

from __future__ import annotations

import base64
import contextlib
import json
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from servicecenter import sql_count
from servicecenter.domain.documents import DocumentKind
from servicecenter.domain.enums import OrderKind, OrderStatus
from servicecenter.queries import orders as order_queries
from servicecenter.queries.orders import get_order_for
from servicecenter.services import documents
from servicecenter.services.clock import local_date, local_zone

from .helpers import order_numbers

S = OrderStatus
NEXT_PAGE = re.compile(r'href="([^"]*)">Next page')


def test_healthz(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_livez_answers_without_the_database(client, db, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the liveness check must not touch the database")

    monkeypatch.setattr(db.session, "execute", refuse)
    response = client.get("/livez")
    assert response.status_code == 200 and response.get_data(as_text=True) == "ok\n"


def test_the_sql_count_header_is_for_benchmarks_only(make_app, client, make, login_as):
    login_as(make.net.admin)
    assert "X-SQL-Queries" not in client.get("/orders").headers
    counted = make_app(SQL_COUNT_HEADER=True).test_client()
    assert counted.get("/livez").headers["X-SQL-Queries"] == "0"
    assert int(counted.get("/healthz").headers["X-SQL-Queries"]) == 1


def test_healthz_says_when_the_database_is_down(client, db, monkeypatch):
    def refuse(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unreachable"}


# --- filters ---------------------------------------------------------------------------------


def local_moment(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment on the offices' clock, as the UTC time the app stores."""
    return datetime.combine(day, time(hour, minute), tzinfo=local_zone()).astimezone(UTC)


def listed(client, **query) -> set[str]:
    return set(order_numbers(client.get("/orders", query_string=query)))


def test_filters(client, make, login_as):
    net = make.net
    diagnosing = make.order(S.DIAGNOSING)
    ready = make.order(S.READY)
    at_b = make.order(S.RECEIVED, office=net.office_b, workshop=net.other)
    covered = make.device(purchase_date=local_date() - timedelta(days=30), warranty_months=12)
    warranty = make.order(S.RECEIVED, kind=OrderKind.WARRANTY, device=covered)
    old = make.order(S.COLLECTED, now=datetime.now(UTC) - timedelta(days=40))
    everything = {o.number for o in (diagnosing, ready, at_b, warranty, old)}
    login_as(net.admin)

    assert listed(client) == everything
    assert listed(client, status="ready") == {ready.number}
    assert listed(client, status="diagnosing") == {diagnosing.number}
    assert listed(client, kind="warranty") == {warranty.number}
    assert listed(client, kind="paid") == everything - {warranty.number}
    assert listed(client, office_id=net.office_b.id) == {at_b.number}
    assert listed(client, office_id=net.office_a.id) == everything - {at_b.number}
    assert listed(client, workshop_id=net.other.id) == {at_b.number}
    assert listed(client, open="y") == everything - {old.number}
    since = (local_date() - timedelta(days=10)).isoformat()
    assert listed(client, date_from=since) == everything - {old.number}
    until = (local_date() - timedelta(days=30)).isoformat()
    assert listed(client, date_to=until) == {old.number}
    assert listed(client, status="received", office_id=net.office_a.id) == {warranty.number}
    # The form shows what is filtered.
    page = client.get("/orders", query_string={"status": "ready"}).get_data(as_text=True)
    assert '<option selected value="ready">' in page


def test_a_bad_filter_value_is_ignored(client, make, login_as):
    order = make.order(S.RECEIVED)
    login_as(make.net.admin)
    for query in (
        {"status": "nope"},
        {"kind": "free"},
        {"office_id": "x"},
        {"office_id": "999999"},
        {"date_from": "yesterday"},
        {"date_to": "9999-12-31"},
        {"date_from": "0001-01-01"},
        {"q": "x" * 101},
        {"after": "not-a-cursor"},
    ):
        assert listed(client, **query) == {order.number}, query


def cursor(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "values",
    [
        ["x", "y"],
        [{"dt": "2026-01-01T00:00:00"}, 1],  # no time zone
        [{"d": "2026-01-01"}, 1],  # a date where a time is expected
        [[1], {"a": 1}],
        [1],
    ],
)
def test_a_tampered_next_page_link_starts_over(client, make, login_as, values):
    order = make.order(S.DIAGNOSING)
    login_as(make.net.admin)
    assert order_numbers(client.get("/orders", query_string={"after": cursor(values)})) == [
        order.number
    ]
    queue = client.get("/workshop/queue", query_string={"after": cursor(values)})
    assert order_numbers(queue) == [order.number]


def test_dates_are_the_offices_calendar_days(client, make, login_as):
    """An order taken at 00:30 on the offices' clock belongs to that day, as the list shows it,
    even though the UTC date is the day before."""
    day = local_date() - timedelta(days=2)
    early = make.order(S.RECEIVED, now=local_moment(day, 0, 30))
    late = make.order(S.RECEIVED, now=local_moment(day, 23, 30))
    login_as(make.net.admin)
    both = {early.number, late.number}
    assert listed(client, date_from=day.isoformat(), date_to=day.isoformat()) == both
    assert listed(client, date_to=(day - timedelta(days=1)).isoformat()) == set()
    assert listed(client, date_from=(day + timedelta(days=1)).isoformat()) == set()


# --- search ----------------------------------------------------------------------------------


@pytest.mark.parametrize("dense", [False, True], ids=["few-named", "many-walked"])
def test_search_by_number_name_phone_and_serial(client, make, login_as, monkeypatch, dense):
    """Both ways a search runs find the same orders: naming the few that match, or (when many
    customers or devices match) checking each order the list walks."""
    if dense:
        monkeypatch.setattr(order_queries, "DENSE", 0)
    anna = make.customer(name="Анна Иванова", phone="+7 903 111-22-33")
    order = make.order(S.RECEIVED, device=make.device(anna, serial="ZX81-SPECTRUM"))
    other = make.order(S.RECEIVED)  # Ivan Petrov, must not match
    login_as(make.net.reception_a)
    for query in (
        order.number,
        order.number.lower(),
        f"  {order.number}  ",
        "иван",
        "Иванова",
        "ИВАНОВА",
        "анна",
        "1112233",
        "22-33",
        "+7 903 111",
        "+7 903 111-22-33",
        "+7 (903) 111-22-33",
        "8 903 111-22-33",
        "8 (903) 111 22 33",
        "9031112233",
        "zx81-spec",
        "ZX81-SPECTRUM",
    ):
        assert listed(client, q=query) == {order.number}, query
    assert listed(client, q=order.number[:8]) == {order.number, other.number}  # a number's start
    assert listed(client, q="no such thing") == set()
    assert listed(client, q="%") == set()
    assert listed(client, q="_") == set()


def test_the_search_box_keeps_the_query(client, make, login_as):
    make.order(S.RECEIVED)
    login_as(make.net.reception_a)
    page = client.get("/orders", query_string={"q": "иван"}).get_data(as_text=True)
    assert 'value="иван"' in page


# --- pagination ------------------------------------------------------------------------------


def walk(client, url: str) -> tuple[list[str], int]:
    """Follow "Next page" from `url` to the end; every number seen, and how many pages."""
    seen, pages = [], 0
    while url:
        assert pages < 20, "the Next page links go round in circles"
        response = client.get(url)
        seen += order_numbers(response)
        pages += 1
        match = NEXT_PAGE.search(response.get_data(as_text=True))
        url = match.group(1).replace("&amp;", "&") if match else None
    return seen, pages


def test_next_page_visits_every_order_once(app, client, make, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 3)
    start = datetime.now(UTC) - timedelta(hours=5)
    device = make.device()
    # Pairs taken in the same second: the page boundary falls between equal times.
    made = [make.order(device=device, now=start + timedelta(minutes=i // 2)) for i in range(8)]
    login_as(make.net.reception_a)
    seen, pages = walk(client, "/orders")
    assert seen == [order.number for order in reversed(made)]  # newest first, each once
    assert pages == 3


def test_next_page_keeps_the_filter(app, client, make, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    wanted = {make.order(S.DIAGNOSING).number for _ in range(5)}
    for _ in range(3):
        make.order(S.RECEIVED)
    login_as(make.net.admin)
    seen, pages = walk(client, "/orders?status=diagnosing")
    assert sorted(seen) == sorted(wanted) and len(seen) == len(set(seen))
    assert pages == 3


def test_the_queue_pages_through_every_job_once_soonest_first(
    app, client, make, login_as, monkeypatch
):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    made = [make.order(S.DIAGNOSING) for _ in range(5)]  # all promised the same day
    made.append(make.order(S.IN_REPAIR, now=datetime.now(UTC) - timedelta(days=3)))
    make.order(S.READY)  # back at the office: not in the queue
    login_as(make.net.tech)
    seen, pages = walk(client, "/workshop/queue")
    assert seen == [made[-1].number] + [order.number for order in made[:-1]]
    assert pages == 3


# --- queries per page ------------------------------------------------------------------------


@contextlib.contextmanager
def counting_queries(db):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        if sql_count.is_query(statement):
            statements.append(statement)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


N = 3


@pytest.mark.parametrize(
    ("path", "user"),
    [
        ("/orders", "admin"),
        ("/orders", "reception_a"),
        ("/orders?q=Petrov", "reception_a"),
        ("/orders?status=in_repair&open=y", "manager"),
        ("/workshop/queue", "tech"),
        ("/workshop/queue", "admin"),
    ],
)
def test_the_number_of_queries_does_not_grow_with_rows(client, make, login_as, db, path, user):
    made: list = []

    def queries_to_render(count: int) -> int:
        while len(made) < count:
            made.append(make.order(S.IN_REPAIR))
        login_as(getattr(make.net, user))
        client.get(path)  # warm-up: caches that fill once
        with counting_queries(db) as statements:
            assert len(order_numbers(client.get(path))) == count
        return len(statements)

    few, many = queries_to_render(N), queries_to_render(3 * N)
    assert few == many
    assert many <= 6


@pytest.mark.parametrize("status", [S.COLLECTED, S.READY, S.IN_REPAIR])
def test_the_order_page_reads_six_times_at_most(client, make, login_as, db, status):
    order = make.order(status)
    for kind in (DocumentKind.CONTRACT, DocumentKind.QUOTE):  # each shows who printed it
        documents.issue(get_order_for(make.net.admin, order.number), kind, actor=make.net.admin)
    db.session.commit()
    login_as(make.net.reception_a)
    client.get(f"/orders/{order.number}")
    with counting_queries(db) as statements:
        page = client.get(f"/orders/{order.number}")
    assert page.status_code == 200 and f"{order.number}-Q1" in page.text
    # The user; the order with its payments, documents and reminders; its history, lines,
    # handovers (read once for the guards and the custody trail) and messages.
    assert len(statements) <= 6, statements
