"""Figures kept for everyone for a minute (queries.remembered): the dashboard and the workshops'
load at routing are computed once, then read from the cache; each scope keeps its own; a saved
workshop or contract is seen at once; a cache that fails is a miss, never an error."""

from __future__ import annotations

import re

import pytest

from servicecenter.domain.enums import OrderStatus
from servicecenter.extensions import cache
from servicecenter.services import network
from servicecenter.services.network import WorkshopData

from .test_dashboard import _table
from .test_health_and_lists import counting_queries

S = OrderStatus


@pytest.fixture
def kept(app, monkeypatch):
    """The cache turned on, as in production (the other tests compute every figure)."""
    monkeypatch.setitem(app.config, "FIGURES_CACHE_SECONDS", 60)
    with app.app_context():
        cache.clear()
    yield
    with app.app_context():
        cache.clear()


def _open_total(html: str) -> int:
    if 'id="table-open"' not in html:  # no open order: the panel says so, without a table
        return 0
    return sum(int(row[1]) for row in _table(html, "open")[1:])


def _computed_at(html: str) -> str:
    return re.search(r'id="computed-at">Figures as of ([^:]+:\d\d:\d\d[^:]*):', html).group(1)


def test_the_dashboard_is_computed_once_a_minute_for_everyone_of_a_scope(
    kept, make, client, login_as, db
):
    for status in (S.RECEIVED, S.IN_REPAIR, S.READY):
        make.order(status)
    login_as(make.net.admin)
    first = client.get("/dashboard").get_data(as_text=True)
    assert _open_total(first) == 3
    make.order(S.DIAGNOSING)  # after the figures were computed
    with counting_queries(db) as statements:
        again = client.get("/dashboard").get_data(as_text=True)
    # the user and the filter's choices: no figure is computed again
    assert len(statements) <= 5, statements
    assert _open_total(again) == 3 and _computed_at(again) == _computed_at(first)
    # the CSV file holds what the page shows
    csv_rows = client.get("/dashboard/open.csv").get_data(as_text=True).strip().splitlines()
    assert sum(int(row.split(",")[1]) for row in csv_rows[1:]) == 3
    # another scope computes its own figures: office B's desk sees none of office A's orders
    login_as(make.net.reception_b)
    assert _open_total(client.get("/dashboard").get_data(as_text=True)) == 0


def test_without_the_cache_every_view_computes(make, client, login_as, db):
    make.order(S.IN_REPAIR)
    login_as(make.net.admin)
    first = client.get("/dashboard").get_data(as_text=True)
    assert 'id="computed-at"' not in first  # nothing kept: no moment to tell
    make.order(S.IN_REPAIR)
    assert _open_total(client.get("/dashboard").get_data(as_text=True)) == 2


def test_a_cache_that_fails_is_a_miss(kept, make, client, login_as, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("the cache's server is down")

    monkeypatch.setattr(cache, "get", refuse)
    monkeypatch.setattr(cache, "set", refuse)
    make.order(S.IN_REPAIR)
    login_as(make.net.admin)
    page = client.get("/dashboard")
    assert page.status_code == 200 and _open_total(page.get_data(as_text=True)) == 1


def test_the_order_page_at_the_counter_reads_the_ranking_from_the_cache(
    kept, make, client, login_as, db
):
    order = make.order(S.RECEIVED)
    login_as(make.net.reception_a)
    client.get(f"/orders/{order.number}")  # computes the ranking
    with counting_queries(db) as statements:
        page = client.get(f"/orders/{order.number}")
    assert "open orders: 0" in page.text  # the ranking is on the page
    assert len(statements) <= 6, "\n".join(s[:300] for s in statements)


def _ranking(client, device) -> str:
    page = client.get(f"/intake?customer={device.customer_id}&device={device.id}").text
    return page[page.index('id="routing"') :]


def test_a_workshop_saved_is_seen_by_the_next_ranking_the_load_within_a_minute(
    kept, make, client, login_as, db
):
    net = make.net
    device = make.device()
    login_as(net.reception_b)  # office B: no workshop inside it, so the partners rank by load
    assert "Other Partner" in _ranking(client, device)
    other = net.other
    network.save_workshop(
        WorkshopData(name=other.name, kind=other.kind, turnaround_days=10, active=False),
        actor=net.admin,
        workshop=other,
        expected_version=other.version,
    )
    db.session.commit()
    assert "Other Partner" not in _ranking(client, device)  # forgotten on commit
    make.order(S.IN_REPAIR, workshop=net.remote)
    assert re.search(r"Remote Partner</strong>:.*?open orders: 0", _ranking(client, device), re.S)
    cache.clear()  # as a minute later
    assert re.search(r"Remote Partner</strong>:.*?open orders: 1", _ranking(client, device), re.S)


def test_a_saved_workshop_is_forgotten_when_committed_not_before(kept, make, db, monkeypatch):
    """The service runs in a savepoint: releasing it commits nothing yet, and a ranking read
    in between would keep the old network for another minute."""
    from servicecenter.queries import remembered

    forgotten: list[tuple] = []
    monkeypatch.setattr(remembered, "forget", lambda *keys: forgotten.append(keys))
    other = make.net.other
    network.save_workshop(
        WorkshopData(name=other.name, kind=other.kind, turnaround_days=10, active=False),
        actor=make.net.admin,
        workshop=other,
        expected_version=other.version,
    )
    assert forgotten == []
    db.session.commit()
    assert forgotten == [("routing:network",)]
