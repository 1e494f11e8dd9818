"""Who may open what: login on every staff URL, roles, and order scope (404 outside it)."""

from __future__ import annotations

import pytest

from servicecenter.domain.enums import OrderStatus
from servicecenter.models import RepairOrder

PUBLIC_ENDPOINTS = {
    "static",
    "bootstrap.static",
    "status.lookup",
    "status.by_token",
    "api.status",
    "main.healthz",
    "auth.login",
    "main.set_language",
}


def staff_urls(app, order: RepairOrder) -> list[tuple[str, str]]:
    """Every staff URL of the app with real values filled in, from the URL map itself, so that a
    new page is covered without anyone remembering to add it here."""
    values = {
        "number": order.number,
        "kind": "contract",
        "version": 1,
        "office_id": order.office_id,
        "locale": "en",
        "customer_id": order.customer_id,
        "device_id": order.device_id,
    }
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<{name}>", str(values[name])).replace(
                f"<int:{name}>", str(values[name])
            )
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            urls.append((method, path))
    return urls


def test_every_staff_url_refuses_anonymous_visitors(app, client, make, fresh):
    order = make.order(OrderStatus.DIAGNOSING)
    urls = staff_urls(app, order)
    assert len(urls) >= 10
    for method, path in urls:
        response = client.open(path, method=method, data={"target": "in_repair", "note": "x"})
        assert response.status_code == 302, (method, path)
        assert "/login" in response.headers["Location"], (method, path)
    fresh()
    assert order.status is OrderStatus.DIAGNOSING


ORDER_URLS = [
    ("GET", "/orders/{number}", {}),
    ("POST", "/orders/{number}/status", {"target": "in_repair", "version": "1"}),
    ("POST", "/orders/{number}/work", {"diagnosis": "x", "version": "1"}),
    (
        "POST",
        "/orders/{number}/payments",
        {"kind": "final", "method": "cash", "amount": "1", "version": "1"},
    ),
]


@pytest.mark.parametrize(("method", "template", "data"), ORDER_URLS)
@pytest.mark.parametrize("outsider", ["reception_b", "tech_other", "tech_in_office"])
def test_an_order_outside_ones_scope_is_not_found(
    client, make, login_as, fresh, method, template, data, outsider
):
    order = make.order(OrderStatus.DIAGNOSING)  # office A, remote workshop
    version = order.version
    login_as(getattr(make.net, outsider))
    response = client.open(template.format(number=order.number), method=method, data=data)
    assert response.status_code == 404
    fresh()
    assert order.version == version


@pytest.mark.parametrize("insider", ["reception_a", "tech", "manager", "admin"])
def test_an_order_within_scope_opens(client, make, login_as, insider):
    order = make.order(OrderStatus.DIAGNOSING)
    login_as(getattr(make.net, insider))
    response = client.get(f"/orders/{order.number}")
    assert response.status_code == 200
    assert order.number in response.get_data(as_text=True)


def test_an_unknown_or_malformed_number_is_not_found(client, make, login_as):
    login_as(make.net.admin)
    assert client.get("/orders/AAA-2026-999999").status_code == 404
    assert client.get("/orders/not-a-number").status_code == 404


def test_lists_and_search_show_only_ones_own_orders(client, make, login_as):
    mine = make.order(OrderStatus.DIAGNOSING)
    theirs = make.order(OrderStatus.DIAGNOSING, office=make.net.office_b, workshop=make.net.other)
    login_as(make.net.reception_a)
    page = client.get("/orders").get_data(as_text=True)
    assert mine.number in page and theirs.number not in page
    found = client.get(f"/orders?q={theirs.number}").get_data(as_text=True)
    assert f">{theirs.number}</a>" not in found
    login_as(make.net.tech_other)
    queue = client.get("/workshop/queue").get_data(as_text=True)
    assert theirs.number in queue and mine.number not in queue
    login_as(make.net.admin)
    everything = client.get("/orders").get_data(as_text=True)
    assert mine.number in everything and theirs.number in everything


@pytest.mark.parametrize(
    ("user", "path", "code"),
    [
        ("tech", "/intake", 403),
        ("admin", "/intake", 403),  # intake belongs to an office's counter
        ("reception_a", "/workshop/queue", 403),
        ("reception_a", "/intake", 200),
        ("tech", "/workshop/queue", 200),
    ],
)
def test_pages_are_for_their_roles(client, make, login_as, user, path, code):
    login_as(getattr(make.net, user))
    assert client.get(path).status_code == code


def test_the_workflow_buttons_are_those_of_the_role(client, make, login_as):
    order = make.order(OrderStatus.READY, price=100_000)
    login_as(make.net.tech)
    assert 'value="collected"' not in client.get(f"/orders/{order.number}").get_data(as_text=True)
    login_as(make.net.reception_a)
    page = client.get(f"/orders/{order.number}").get_data(as_text=True)
    assert 'value="collected"' in page
