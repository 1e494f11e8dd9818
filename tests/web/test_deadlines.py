"""The SLA watch for a user's scope and the Deadlines page: each role sees its own orders, most
urgent first, with the days late and the penalty exposure; bounded lists in a fixed number of
queries; bad filters are ignored, never a 500."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from servicecenter.domain.enums import OrderKind, OrderStatus
from servicecenter.domain.sla import Watch
from servicecenter.queries import sla as sla_queries
from servicecenter.services.clock import local_date

from ..sla_helpers import dated, watched_orders
from .test_health_and_lists import counting_queries

S = OrderStatus

SECTION = re.compile(r'<section class="[^"]*" id="([a-z-]+)">(.*?)</section>', re.S)
NUMBER = re.compile(r'class="order-number" href="/orders/([A-Z]{2,6}-\d{4}-\d{6})"')


def sections(response) -> dict[str, list[str]]:
    """The order numbers linked from each section of the page, in page order."""
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    return {name: NUMBER.findall(body) for name, body in SECTION.findall(html)}


def numbers(orders) -> list[str]:
    return [order.number for order in orders]


@pytest.fixture
def today():
    return local_date()


@pytest.fixture
def watched(make, today):
    return watched_orders(make, today)


# --- the queries ----------------------------------------------------------------------------


def test_each_watch_lists_its_orders_most_urgent_first(make, today):
    w = watched_orders(make, today)
    older = dated(
        make.order(S.DIAGNOSING),
        received=today - timedelta(days=20),
        promised=today - timedelta(days=9),
    )
    watch = sla_queries.get_watchlist(sla_queries.user_condition(make.net.admin), today=today)

    assert numbers(r.order for r in watch.overdue.rows) == numbers(
        [older, w.overdue, w.legal_passed]
    )
    assert numbers(r.order for r in watch.due_soon.rows) == [w.due_tomorrow.number]
    assert numbers(r.order for r in watch.legal.rows) == numbers([w.legal_passed, w.legal_near])
    passed, near = watch.legal.rows
    assert passed.sla.watches >= {Watch.LEGAL_PASSED} and passed.sla.legal_days_late == 3
    assert passed.sla.exposure.amount == 90_000  # 1% × 3 days of the declared 30 000.00
    assert near.sla.legal_days_left == 5 and near.sla.exposure is None
    overdue = watch.overdue.rows[1]
    assert overdue.sla.days_overdue == 3 and overdue.sla.exposure.amount == 45_000
    assert not any(section.more for section in watch.sections)


def test_ready_collected_and_cancelled_orders_are_never_watched(make, today):
    w = watched_orders(make, today)
    late = today - timedelta(days=60)
    cancelled = dated(make.order(S.CANCELLED), received=late, promised=late)
    watch = sla_queries.get_watchlist(sla_queries.user_condition(make.net.admin), today=today)
    shown = {row.order.number for section in watch.sections for row in section.rows}
    assert shown == set(numbers(w.on_watch))
    assert w.ready_late.number not in shown and cancelled.number not in shown


def test_a_section_shows_at_most_its_limit_and_says_there_are_more(make, today):
    late = [
        dated(make.order(), received=today - timedelta(days=9), promised=today - timedelta(days=n))
        for n in (1, 2, 3)
    ]
    watch = sla_queries.get_watchlist(
        sla_queries.user_condition(make.net.admin), today=today, limit=2
    )
    assert numbers(r.order for r in watch.overdue.rows) == numbers([late[2], late[1]])
    assert watch.overdue.more and not watch.due_soon.more


def test_another_workshops_orders_never_appear(make, today):
    net = make.net
    mine = watched_orders(make, today, workshop=net.remote)
    theirs = watched_orders(make, today, workshop=net.other)
    # still at the office: not the workshop's yet
    waiting = dated(
        make.order(S.RECEIVED),
        received=today - 10 * timedelta(1),
        promised=today - timedelta(days=1),
    )
    for user in (net.tech, net.manager):
        watch = sla_queries.get_watchlist(sla_queries.user_condition(user), today=today)
        shown = {row.order.number for section in watch.sections for row in section.rows}
        assert shown == set(numbers(mine.on_watch))
        assert not shown & set(numbers(theirs.on_watch)) and waiting.number not in shown


def test_a_receptionist_sees_only_their_office(make, today):
    net = make.net
    a = watched_orders(make, today, office=net.office_a)
    b = watched_orders(make, today, office=net.office_b)
    for user, mine in ((net.reception_a, a), (net.reception_b, b)):
        # a receptionist cannot widen their scope with an admin's filter
        condition = sla_queries.user_condition(user, office_id=None, workshop_id=None)
        watch = sla_queries.get_watchlist(condition, today=today)
        shown = {row.order.number for section in watch.sections for row in section.rows}
        assert shown == set(numbers(mine.on_watch))


def test_the_admin_narrows_to_an_office_or_a_workshop(make, today):
    net = make.net
    a = watched_orders(make, today, office=net.office_a, workshop=net.remote)
    b = watched_orders(make, today, office=net.office_b, workshop=net.other)

    def shown(**filters):
        condition = sla_queries.user_condition(net.admin, **filters)
        watch = sla_queries.get_watchlist(condition, today=today)
        return {row.order.number for section in watch.sections for row in section.rows}

    assert shown() == set(numbers(a.on_watch + b.on_watch))
    assert shown(office_id=net.office_b.id) == set(numbers(b.on_watch))
    assert shown(workshop_id=net.remote.id) == set(numbers(a.on_watch))
    assert shown(office_id=net.office_a.id, workshop_id=net.other.id) == set()


# --- the page -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "reception_a", "tech", "manager"])
def test_the_page_shows_each_role_its_orders_in_their_sections(client, login_as, make, today, role):
    net = make.net
    w = watched_orders(make, today, office=net.office_a, workshop=net.remote)
    elsewhere = watched_orders(make, today, office=net.office_b, workshop=net.other)
    login_as(getattr(net, role))

    response = client.get("/deadlines")
    found = sections(response)

    if role != "admin":
        assert found["overdue"] == numbers([w.overdue, w.legal_passed])
        assert found["due-soon"] == [w.due_tomorrow.number]
        assert found["legal-limit"] == numbers([w.legal_passed, w.legal_near])
    mine = set(numbers(w.on_watch))
    theirs = set(numbers(elsewhere.on_watch))
    everything = {number for listed in found.values() for number in listed}
    assert everything == (mine | theirs if role == "admin" else mine)
    html = response.get_data(as_text=True)
    assert 'id="nav-deadlines"' in html and 'href="/deadlines"' in html
    assert ("deadlines-filter" in html) is (role == "admin")


def test_the_page_shows_days_late_and_the_penalty_exposure(client, login_as, make, watched):
    login_as(make.net.reception_a)
    html = client.get("/deadlines").get_data(as_text=True)
    legal = dict(SECTION.findall(html))["legal-limit"]
    assert "days late: 3" in legal and "days left: 5" in legal
    assert "900.00" in legal and "1%/day × 3" in legal  # 1% × 3 days of 30 000.00
    overdue = dict(SECTION.findall(html))["overdue"]
    assert "450.00" in overdue and "3%/day × 3" in overdue  # 3% × 3 days of 5 000.00
    assert f'href="/orders/{watched.legal_near.number}"' in legal


def test_an_unknown_value_says_so_instead_of_an_amount(client, login_as, make, watched, db):
    watched.legal_passed.declared_value = None
    db.session.commit()
    login_as(make.net.reception_a)
    legal = dict(SECTION.findall(client.get("/deadlines").get_data(as_text=True)))["legal-limit"]
    assert "value unknown" in legal


def test_empty_sections_say_so(client, login_as, make):
    login_as(make.net.tech)
    html = client.get("/deadlines").get_data(as_text=True)
    assert "No overdue orders." in html
    assert "Nothing is due today or tomorrow." in html
    assert "No free repair is near its legal limit." in html


def test_the_page_in_russian(client, login_as, make, watched):
    login_as(make.net.reception_a)
    response = client.get("/deadlines", headers={"Accept-Language": "ru"})
    assert response.status_code == 200
    assert sections(response)["legal-limit"] == numbers([watched.legal_passed, watched.legal_near])


@pytest.mark.parametrize(
    "query",
    [
        "?office=abc",
        "?workshop=-1",
        "?office=99999999999999999999999",
        "?office=&workshop=",
        "?office=1&office=x",
    ],
)
def test_bad_filters_are_ignored_not_a_500(client, login_as, make, watched, query):
    login_as(make.net.admin)
    found = sections(client.get(f"/deadlines{query}"))
    everything = {number for listed in found.values() for number in listed}
    assert everything == set(numbers(watched.on_watch))


def test_a_nul_in_a_filter_is_refused_like_everywhere_else(client, login_as, make):
    login_as(make.net.admin)
    assert client.get("/deadlines?workshop=%00").status_code == 400


def test_the_admin_filter_narrows_the_page(client, login_as, make, today):
    net = make.net
    a = watched_orders(make, today, office=net.office_a, workshop=net.remote)
    b = watched_orders(make, today, office=net.office_b, workshop=net.other)
    login_as(net.admin)
    found = sections(client.get(f"/deadlines?office={net.office_b.id}"))
    assert {n for listed in found.values() for n in listed} == set(numbers(b.on_watch))
    found = sections(client.get(f"/deadlines?workshop={net.remote.id}"))
    assert {n for listed in found.values() for n in listed} == set(numbers(a.on_watch))


def test_a_receptionist_cannot_filter_into_another_office(client, login_as, make, today):
    net = make.net
    b = watched_orders(make, today, office=net.office_b)
    login_as(net.reception_a)
    found = sections(client.get(f"/deadlines?office={net.office_b.id}"))
    assert not {n for listed in found.values() for n in listed} & set(numbers(b.on_watch))


def test_the_page_needs_a_login(client, db):
    response = client.get("/deadlines")
    assert response.status_code in (302, 401)
    assert "/login" in response.headers.get("Location", "/login")


def test_the_page_reads_a_constant_number_of_queries(client, login_as, make, today, db):
    net = make.net
    login_as(net.admin)

    def count() -> int:
        client.get("/deadlines")
        with counting_queries(db) as statements:
            assert client.get("/deadlines").status_code == 200
        return len(statements)

    watched_orders(make, today, office=net.office_a)
    few = count()
    for office in (net.office_a, net.office_b, net.office_b):
        watched_orders(make, today, office=office)
    dated(
        make.order(S.IN_REPAIR, kind=OrderKind.PAID),
        received=today - timedelta(days=3),
        promised=today,
    )
    assert count() == few
