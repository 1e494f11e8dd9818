"""The customer's status page and JSON: the facts, no personal data, one answer for misses."""

from __future__ import annotations

import re

import pytest

from servicecenter import create_app
from servicecenter.domain.enums import OrderStatus

CSRF = re.compile(r'name="csrf_token" type="hidden" value="[^"]*"')


@pytest.fixture
def order(make):
    order = make.order(OrderStatus.READY, price=250_000, prepayment=50_000)
    order.customer.email = "ivan@example.com"
    from servicecenter.extensions import db

    db.session.commit()
    return order


def personal_data(order) -> list[str]:
    phone = order.customer.phone
    return [
        order.customer.name,
        phone,
        phone[2:],
        order.customer.email,
        order.passcode,
        order.device.serial,
    ]


def assert_private(html: str, order) -> None:
    for secret in personal_data(order):
        assert secret not in html, secret


def test_lookup_by_number_and_phone(client, order):
    response = client.post(
        "/status", data={"number": order.number.lower(), "phone_last4": order.customer.phone[-4:]}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Ready for pickup" in html
    assert "2,000.00" in html  # 2500 charged, 500 prepaid
    assert order.office.address in html and order.office.hours in html
    assert_private(html, order)


def test_a_wrong_number_and_a_wrong_phone_look_the_same(client, order):
    wrong_phone = client.post("/status", data={"number": order.number, "phone_last4": "0000"})
    # The typed values are echoed back, so both misses type the same phone digits.
    wrong_number = client.post("/status", data={"number": "AAA-2026-999999", "phone_last4": "0000"})
    assert wrong_phone.status_code == wrong_number.status_code == 404
    same = [
        CSRF.sub("", r.get_data(as_text=True))
        .replace(order.number, "")
        .replace("AAA-2026-999999", "")
        for r in (wrong_phone, wrong_number)
    ]
    assert same[0] == same[1]
    assert "could not find an order" in same[0]


def test_the_signed_link_shows_the_same_page(client, order):
    response = client.get(f"/s/{order.tracking_token}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Ready for pickup" in html and order.number in html
    assert_private(html, order)
    assert client.get(f"/s/{order.tracking_token[:-1]}x").status_code == 404
    assert client.get("/s/" + "a" * 100).status_code == 404


def test_public_notes_show_and_staff_notes_do_not(client, make, db):
    from servicecenter.services import orders

    order = make.order(OrderStatus.DIAGNOSING)
    orders.change_status(
        order,
        OrderStatus.TO_OFFICE,
        actor=make.net.tech,
        note="Board is beyond repair",
        note_public=True,
    )
    db.session.commit()
    order2 = make.order(OrderStatus.RECEIVED)
    orders.change_status(
        order2,
        OrderStatus.CANCELLED,
        actor=make.net.reception_a,
        note="Rude customer",
        note_public=False,
    )
    db.session.commit()
    assert "Board is beyond repair" in client.get(f"/s/{order.tracking_token}").get_data(
        as_text=True
    )
    assert "Rude customer" not in client.get(f"/s/{order2.tracking_token}").get_data(as_text=True)


def test_json_status(client, order):
    response = client.get(f"/api/v1/status?number={order.number}&phone={order.customer.phone[-4:]}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["number"] == order.number
    assert body["status"] == "ready"
    assert body["amount_due"] == "2000.00"
    assert [entry["status"] for entry in body["timeline"]][0] == "accepted"
    assert body["office"]["address"] == order.office.address
    assert_private(response.get_data(as_text=True), order)
    assert "token" not in response.get_data(as_text=True)


def test_json_status_in_russian(client, order):
    body = client.get(
        f"/api/v1/status?number={order.number}&phone={order.customer.phone[-4:]}&lang=ru"
    ).get_json()
    assert body["status_label"] == "Готов к выдаче"


@pytest.mark.parametrize(
    "query",
    ["", "?number=AAA-2026-000001", "?number=x&phone=1234", "?number=AAA-2026-000001&phone=0000"],
)
def test_json_misses_are_404(client, order, query):
    response = client.get(f"/api/v1/status{query}")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


def test_the_status_page_and_api_are_rate_limited(database_url, db):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        RATELIMIT_ENABLED=True,
        STATUS_RATE_LIMIT="3 per minute",
    )
    client = app.test_client()
    codes = [
        client.post(
            "/status", data={"number": "AAA-2026-000001", "phone_last4": "1111"}
        ).status_code
        for _ in range(4)
    ]
    assert codes == [404, 404, 404, 429]
    api = [client.get("/api/v1/status?number=a&phone=1").status_code for _ in range(4)]
    assert api == [404, 404, 404, 429]


def test_login_is_rate_limited(database_url, db):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        RATELIMIT_ENABLED=True,
        LOGIN_RATE_LIMIT="2 per minute",
    )
    client = app.test_client()
    codes = [
        client.post("/login", data={"username": "x", "password": "y"}).status_code for _ in range(3)
    ]
    assert codes == [200, 200, 429]
    assert "Too many attempts" in client.post("/login", data={}).get_data(as_text=True)
