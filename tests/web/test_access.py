"""Who may open what: login on every staff URL, roles, and order scope (404 outside it)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from servicecenter.domain.enums import OrderStatus
from servicecenter.extensions import db as _db
from servicecenter.models import Payment, RepairOrder
from servicecenter.services import orders as order_service

from .helpers import database_snapshot, order_numbers

S = OrderStatus

# Pages anyone may open: the customer's status page, its JSON, the health checks, the login page
# and the language switch (also used by customers); from the signed link, the customer's answer
# to a quote and their ratings.
PUBLIC_ENDPOINTS = {
    "status.lookup",
    "status.by_token",
    "status.answer_quote",
    "status.feedback",
    "api.status",
    "main.healthz",
    "main.livez",
    "auth.login",
    "main.set_language",
}
PUBLIC_PATHS = {
    "/status",
    "/s/<token>",
    "/s/<token>/quote",
    "/s/<token>/feedback",
    "/api/v1/status",
    "/healthz",
    "/livez",
    "/login",
    "/language",
}

# Where one argument name means different things on different pages.
ENDPOINT_VALUES = {
    "admin.edit_text": {"kind": "contract_terms"},
    "dashboard.panel_csv": {"name": "flow"},
}


def is_static(rule) -> bool:
    return rule.endpoint == "static" or rule.endpoint.endswith(".static")


def staff_urls(app, order: RepairOrder) -> list[tuple[str, str]]:
    """Every staff URL of the app with real values filled in, read from the URL map itself, so
    that a new page is covered without anyone remembering to add it here."""
    values = {
        "number": order.number,
        "kind": "contract",
        "version": 1,
        "office_id": order.office_id,
        "locale": "en",
        "customer_id": order.customer_id,
        "device_id": order.device_id,
        # Stock pages: the login check comes before any lookup; scope is tested in their files.
        "location_id": 1,
        "part_id": 1,
        "line_id": 1,
        "transfer_id": 1,
        "movement_id": 1,
        # Network pages: admin only, the role check comes before any lookup.
        "workshop_id": 1,
        "contract_id": 1,
        # Handover pages: scope is tested in tests/web/test_handovers.py.
        "handover_id": 1,
        "item_id": 1,
        # Partner settlements: a workshop and a month.
        "year": 2026,
        "month": 11,
        # Notifications: admin only, the role check comes before any lookup.
        "notification_id": 1,
        "event": "ready",
        "channel": "sms",
        # Follow-ups of low ratings: scope is tested in tests/web/test_quote_and_feedback.py.
        "follow_up_id": 1,
        # Merging customers: scope and roles are tested in tests/web/test_customers.py.
        "duplicate_id": order.customer_id,
    }
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS or is_static(rule):
            continue
        known = {**values, **ENDPOINT_VALUES.get(rule.endpoint, {})}
        missing = rule.arguments - known.keys()
        assert not missing, f"give {rule.rule} a real value for {sorted(missing)} in this test"
        built = rule.build({name: known[name] for name in rule.arguments}, append_unknown=False)
        assert built is not None, rule.rule
        path = built[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            urls.append((method, path))
    return urls


def test_the_public_pages_are_exactly_the_listed_ones(app):
    public = {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint in PUBLIC_ENDPOINTS}
    assert public == PUBLIC_PATHS


def test_every_staff_url_refuses_anonymous_visitors(app, client, make, login_as):
    order = make.order(S.DIAGNOSING)
    # A first print, so that the stored-version URL names a document that exists.
    login_as(make.net.reception_a)
    assert client.get(f"/orders/{order.number}/documents/contract.pdf").status_code == 200
    client.post("/logout")

    urls = staff_urls(app, order)
    assert {"/orders", "/intake", "/workshop/queue", f"/orders/{order.number}"} <= {
        path for _method, path in urls
    }
    # What a logged-in user would send: enough to change something if the door were open.
    form = {
        "target": "in_repair",
        "note": "anonymous",
        "version": str(order.version),
        "diagnosis": "anonymous",
        "work_done": "anonymous",
        "price": "1",
        "kind": "final",
        "method": "cash",
        "amount": "1",
        "name": "Anonymous",
        "phone": "+79160000000",
        "category": "phone",
        "brand": "Anon",
        "model": "Anon",
        "serial": "ANON123",
        "complaint": "anonymous",
        "condition": "anonymous",
        "workshop_id": str(make.net.remote.id),
        "body": "anonymous terms",
    }
    before = database_snapshot()
    for method, path in urls:
        response = client.open(path, method=method, data=form if method == "POST" else None)
        assert response.status_code == 302, (method, path, response.status_code)
        location = urlsplit(response.headers["Location"])
        assert location.path == "/login", (method, path)
        if method == "GET":  # after logging in, the visitor lands where they were going
            assert parse_qs(location.query)["next"] == [path], path
    assert database_snapshot() == before


CSRF_VALUE = re.compile(r'(name="csrf_token" (?:type="hidden" )?value=)"[^"]*"')


def without_tokens(response) -> str:
    return CSRF_VALUE.sub(r'\1""', response.get_data(as_text=True))


# Every page about one order, found in the URL map (any URL with an order number in it).
def order_urls(app, order: RepairOrder) -> list[tuple[str, str]]:
    return [
        (method, path)
        for method, path in staff_urls(app, order)
        if order.number in path and method in ("GET", "POST")
    ]


OUTSIDERS = ["reception_b", "tech_other", "manager_other", "tech_in_office"]


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_an_order_outside_ones_scope_is_not_found(
    app, client, make, login_as, manager_other, outsider
):
    """Office A's order at the remote workshop: another office and other workshops get 404 on
    every URL of the order (found in the URL map), with the page of a number that does not exist,
    and nothing changes."""
    order = make.order(S.READY, price=100_000)  # the payment form and print would work
    login_as(make.net.reception_a)
    assert client.get(f"/orders/{order.number}/documents/contract.pdf").status_code == 200
    urls = order_urls(app, order)
    assert {("GET", f"/orders/{order.number}")} | {
        ("POST", f"/orders/{order.number}/{action}") for action in ("status", "work", "payments")
    } <= set(urls)
    data = {
        "target": "collected",
        "version": str(order.version),
        "diagnosis": "Not mine",
        "work_done": "",
        "price": "1",
        "kind": "final",
        "method": "cash",
        "amount": "1000",
    }

    user = manager_other if outsider == "manager_other" else getattr(make.net, outsider)
    login_as(user)
    ghost = "AAA-2026-999999"
    before = database_snapshot()
    for method, path in urls:
        response = client.open(path, method=method, data=data if method == "POST" else None)
        assert response.status_code == 404, (method, path, response.status_code)
        if method == "GET":  # the page of a number that does not exist: nothing is confirmed
            missing = client.get(path.replace(order.number, ghost))
            # CSRF tokens carry a timestamp: two pages a second apart differ only there.
            assert without_tokens(response).replace(order.number, ghost) == (
                without_tokens(missing)
            )
    assert database_snapshot() == before


def test_an_in_office_workshops_orders_are_its_own(client, make, login_as):
    order = make.order(S.DIAGNOSING, workshop=make.net.in_office)
    login_as(make.net.tech)  # the remote workshop's technician
    assert client.get(f"/orders/{order.number}").status_code == 404
    login_as(make.net.tech_in_office)
    assert client.get(f"/orders/{order.number}").status_code == 200


@pytest.mark.parametrize("insider", ["reception_a", "tech", "manager", "admin"])
def test_an_order_within_scope_opens(client, make, login_as, insider):
    order = make.order(S.DIAGNOSING)
    login_as(getattr(make.net, insider))
    response = client.get(f"/orders/{order.number}")
    assert response.status_code == 200
    assert order.number in response.get_data(as_text=True)
    assert order.customer.name in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("insider", "start", "target"),
    [
        ("reception_a", S.RECEIVED, S.CANCELLED),
        ("admin", S.RECEIVED, S.CANCELLED),
        ("tech", S.TO_WORKSHOP, S.DIAGNOSING),
        ("manager", S.TO_WORKSHOP, S.DIAGNOSING),
    ],
)
def test_insiders_change_the_status(client, make, login_as, fresh, insider, start, target):
    order = make.order(start)
    if start is S.TO_WORKSHOP:  # the partner's manager has taken it on, and it has arrived
        order_service.accept(order, actor=make.net.manager)
        make.sign_for(order)
        _db.session.commit()
    login_as(getattr(make.net, insider))
    response = client.post(
        f"/orders/{order.number}/status",
        data={"target": target.value, "note": "Customer left", "version": order.version},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/orders/{order.number}")
    fresh()
    assert order.status is target


@pytest.mark.parametrize("insider", ["tech", "manager", "admin"])
def test_insiders_record_the_workshops_findings(client, make, login_as, fresh, insider):
    order = make.order(S.DIAGNOSING)
    login_as(getattr(make.net, insider))
    response = client.post(
        f"/orders/{order.number}/work",
        data={
            "diagnosis": f"Seen by {insider}",
            "work_done": "",
            "price": "1200",
            "version": order.version,
        },
    )
    assert response.status_code == 302
    fresh()
    assert (order.diagnosis, order.price) == (f"Seen by {insider}", 120_000)


@pytest.mark.parametrize("insider", ["reception_a", "admin"])
def test_insiders_take_payments(client, make, login_as, fresh, db, insider):
    order = make.order(S.READY, price=100_000)
    login_as(getattr(make.net, insider))
    response = client.post(
        f"/orders/{order.number}/payments",
        data={"kind": "final", "method": "cash", "amount": "400", "version": order.version},
    )
    assert response.status_code == 302
    fresh()
    amounts = db.session.scalars(db.select(Payment.amount).filter_by(order_id=order.id)).all()
    assert amounts == [40_000]


@pytest.mark.parametrize(
    ("user", "action", "data", "message"),
    [
        (
            "reception_a",
            "work",
            {"diagnosis": "Front desk guess", "work_done": "", "price": "1"},
            "Only the workshop records diagnosis and work.",
        ),
        (
            "tech",
            "payments",
            {"kind": "final", "method": "cash", "amount": "1"},
            "Payments are taken at the office.",
        ),
    ],
)
def test_the_other_side_of_the_counter_is_told_no(
    client, make, login_as, user, action, data, message
):
    """Within scope but not one's job: the order is found, the action refused with a reason."""
    order = make.order(S.DIAGNOSING)
    login_as(getattr(make.net, user))
    before = database_snapshot()
    response = client.post(
        f"/orders/{order.number}/{action}", data={**data, "version": order.version}
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert database_snapshot() == before


def test_an_unknown_or_malformed_number_is_not_found(client, make, login_as):
    login_as(make.net.admin)
    assert client.get("/orders/AAA-2026-999999").status_code == 404
    assert client.get("/orders/not-a-number").status_code == 404
    assert client.post("/orders/not-a-number/status", data={"target": "x"}).status_code == 404


def test_lists_and_search_show_only_ones_own_orders(client, make, login_as, manager_other):
    net = make.net
    zoya = make.customer(name="Зоя Космодемьянская", phone="+7 925 700-11-22")
    mine = make.order(S.DIAGNOSING, device=make.device(serial="MINE-0001"))  # office A, remote
    theirs = make.order(
        S.DIAGNOSING,
        office=net.office_b,
        workshop=net.other,
        device=make.device(zoya, serial="THEIRS-0002"),
    )
    visible = {
        net.reception_a: {mine},
        net.reception_b: {theirs},
        net.tech: {mine},
        net.manager: {mine},
        net.tech_other: {theirs},
        manager_other: {theirs},
        net.tech_in_office: set(),
        net.admin: {mine, theirs},
    }
    for user, orders in visible.items():
        login_as(user)
        expected = {order.number for order in orders}
        assert set(order_numbers(client.get("/orders"))) == expected, user.username
        if user.role.is_workshop_staff or user is net.admin:
            assert set(order_numbers(client.get("/workshop/queue"))) == expected, user.username
        for order in {mine, theirs} - orders:
            customer, serial = order.customer, order.device.serial
            for query in (order.number, customer.name.split()[0], customer.phone[-7:], serial):
                response = client.get("/orders", query_string={"q": query})
                assert order_numbers(response) == [], (user.username, query)
                html = response.get_data(as_text=True)
                for secret in {order.number, customer.name, customer.phone, serial} - {query}:
                    assert secret not in html, (user.username, query, secret)
        for order in orders:  # the same searches do find one's own orders
            customer = order.customer
            queries = (
                order.number,
                customer.name.split()[0],
                customer.phone[-7:],
                order.device.serial,
            )
            for query in queries:
                found = order_numbers(client.get("/orders", query_string={"q": query}))
                assert order.number in found, (user.username, query)


@pytest.mark.parametrize(
    ("user", "method", "path", "code"),
    [
        ("tech", "GET", "/intake", 403),
        ("manager", "GET", "/intake", 403),
        ("tech", "POST", "/intake/customers", 403),
        ("admin", "GET", "/intake", 403),  # intake belongs to an office's counter
        ("reception_a", "GET", "/workshop/queue", 403),
        ("reception_a", "GET", "/admin/texts", 403),
        ("reception_a", "GET", "/intake", 200),
        ("tech", "GET", "/workshop/queue", 200),
        ("manager", "GET", "/workshop/queue", 200),
        ("admin", "GET", "/workshop/queue", 200),
        ("admin", "GET", "/admin/texts", 200),
    ],
)
def test_pages_are_for_their_roles(client, make, login_as, user, method, path, code):
    login_as(getattr(make.net, user))
    before = database_snapshot()
    data = {"name": "Walk-in", "phone": "+79160000001", "kind": "individual"}
    response = client.open(path, method=method, data=data if method == "POST" else None)
    assert response.status_code == code
    if code == 403:
        assert "Not for your role" in response.get_data(as_text=True)
        assert database_snapshot() == before


def test_the_workflow_buttons_are_those_of_the_role(client, make, login_as):
    order = make.order(S.READY, price=100_000)
    login_as(make.net.tech)
    assert 'value="collected"' not in client.get(f"/orders/{order.number}").get_data(as_text=True)
    login_as(make.net.reception_a)
    page = client.get(f"/orders/{order.number}").get_data(as_text=True)
    assert 'value="collected"' in page
