"""Order lists: filters, search, keyset pagination, and a constant number of SQL queries."""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from servicecenter.domain.enums import OrderStatus
from servicecenter.extensions import db as _db

NUMBER = re.compile(r">([A-Z]{3}-\d{4}-\d{6})</a>")


def numbers(response) -> list[str]:
    assert response.status_code == 200
    return NUMBER.findall(response.get_data(as_text=True))


@contextlib.contextmanager
def counting_queries(app):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = _db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def test_healthz(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_filters(client, make, login_as):
    paid = make.order(OrderStatus.DIAGNOSING)
    ready = make.order(OrderStatus.READY)
    other_office = make.order(
        OrderStatus.RECEIVED, office=make.net.office_b, workshop=make.net.other
    )
    old = make.order(OrderStatus.RECEIVED, now=datetime.now(UTC) - timedelta(days=40))
    login_as(make.net.admin)
    assert numbers(client.get("/orders?status=ready")) == [ready.number]
    assert set(numbers(client.get(f"/orders?office_id={make.net.office_b.id}"))) == {
        other_office.number
    }
    assert set(numbers(client.get(f"/orders?workshop_id={make.net.other.id}"))) == {
        other_office.number
    }
    assert numbers(client.get("/orders?kind=warranty")) == []
    assert paid.number in numbers(client.get("/orders?kind=paid"))
    recent_from = (datetime.now(UTC) - timedelta(days=10)).date().isoformat()
    recent = numbers(client.get(f"/orders?date_from={recent_from}"))
    assert old.number not in recent and paid.number in recent
    until = (datetime.now(UTC) - timedelta(days=30)).date().isoformat()
    assert numbers(client.get(f"/orders?date_to={until}")) == [old.number]
    # A bad filter value is ignored, never a 500.
    assert client.get("/orders?status=nope&office_id=x&date_from=yesterday").status_code == 200


def test_open_only_leaves_out_collected_and_cancelled(client, make, login_as):
    done = make.order(OrderStatus.COLLECTED)
    gone = make.order(OrderStatus.CANCELLED)
    working = make.order(OrderStatus.IN_REPAIR)
    login_as(make.net.admin)
    assert numbers(client.get("/orders?open=y")) == [working.number]
    assert {done.number, gone.number} <= set(numbers(client.get("/orders")))


def test_search_by_number_name_phone_and_serial(client, make, login_as):
    anna = make.customer(name="Анна Иванова", phone="+7 903 111-22-33")
    device = make.device(anna, serial="ZX81-SPECTRUM")
    order = make.order(OrderStatus.RECEIVED, device=device)
    make.order(OrderStatus.RECEIVED)  # someone else, must not match
    login_as(make.net.reception_a)
    for query in (
        order.number,
        order.number.lower(),
        "иван",
        "ИВАНОВА",
        "1112233",
        "+7 903 111",
        "zx81-spec",
        order.number[:8],
    ):
        found = numbers(client.get("/orders", query_string={"q": query}))
        assert order.number in found, query
    assert numbers(client.get("/orders", query_string={"q": "иван"})) == [order.number]
    assert numbers(client.get("/orders", query_string={"q": "no such thing"})) == []
    assert numbers(client.get("/orders", query_string={"q": "%"})) == []


def test_next_page_visits_every_order_once(app, client, make, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 3)
    start = datetime.now(UTC) - timedelta(hours=5)
    device = make.device()
    made = [
        make.order(device=device, now=start + timedelta(minutes=i // 2)).number for i in range(8)
    ]
    login_as(make.net.reception_a)
    seen, url = [], "/orders"
    while url:
        response = client.get(url)
        seen += numbers(response)
        match = re.search(r'href="([^"]*after=[^"]*)">Next page', response.get_data(as_text=True))
        url = match.group(1).replace("&amp;", "&") if match else None
    assert sorted(seen) == sorted(made)
    assert len(seen) == len(set(seen))


@pytest.mark.parametrize(
    ("path", "user", "status"),
    [
        ("/orders", "admin", OrderStatus.IN_REPAIR),
        ("/orders?q=Petrov", "reception_a", OrderStatus.IN_REPAIR),
        ("/workshop/queue", "tech", OrderStatus.IN_REPAIR),
    ],
)
def test_query_count_does_not_grow_with_rows(app, client, make, login_as, path, user, status):
    def render_with(count: int) -> int:
        while len(made) < count:
            made.append(make.order(status))
        login_as(getattr(make.net, user))
        client.get(path)  # warm-up: login and caches
        with counting_queries(app) as statements:
            assert len(numbers(client.get(path))) == count
        return len(statements)

    made: list = []
    few, many = render_with(2), render_with(8)
    assert few == many
    assert many <= 6


def test_the_order_page_query_count_is_bounded(app, client, make, login_as, db):
    order = make.order(OrderStatus.COLLECTED)
    login_as(make.net.reception_a)
    client.get(f"/orders/{order.number}")
    with counting_queries(app) as statements:
        assert client.get(f"/orders/{order.number}").status_code == 200
    assert len(statements) <= 8, statements
