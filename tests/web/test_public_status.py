"""The customer's status page and JSON: the stage and the amount due, no personal data, one answer
for every miss, rate limits."""

from __future__ import annotations

import re

import pytest
from limits import parse_many

from servicecenter.domain.enums import OrderStatus, PaymentKind, PaymentMethod
from servicecenter.services import orders

from .helpers import csrf_token
from .test_health_and_lists import counting_queries

# Every CSRF token on the page: the form's and the language switch's. A token carries a timestamp,
# so two pages a second apart differ there (a flaky comparison if one were left in).
CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
ALERT = re.compile(r'<div class="alert alert-danger" role="alert">([^<]*)</div>')
GHOST = "AAA-2026-999999"
NOT_FOUND = "We could not find an order with this number and phone. Check both and try again."


@pytest.fixture
def order(make, db):
    """Ready for pickup: 2,500.00 charged, 500.00 prepaid, so 2,000.00 due."""
    order = make.order(OrderStatus.READY, price=250_000, prepayment=50_000)
    order.customer.email = "ivan.petrov@example.com"
    db.session.commit()
    return order


def personal_data(order) -> list[str]:
    customer = order.customer
    name_parts = customer.name.split()
    return [
        customer.name,
        *name_parts,
        customer.phone,
        customer.phone[1:],  # without the +
        customer.phone[-10:],  # as typed without the country code
        customer.email,
        customer.email.split("@")[0],
        "2580",  # the device passcode the factory gives
        order.device.serial,
        order.tracking_token,
    ]


def assert_private(text: str, order, *, token_allowed=False) -> None:
    for secret in personal_data(order):
        if token_allowed and secret == order.tracking_token:
            continue
        assert secret not in text, secret


def look_up(client, number, last4, **extra):
    return client.post("/status", data={"number": number, "phone_last4": last4, **extra})


def test_lookup_by_number_and_phone_shows_stage_and_amount_due(client, order):
    response = look_up(client, order.number.lower(), order.customer.phone[-4:])
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<div class="stage-now fw-semibold my-1" id="stage">Ready for pickup</div>' in html
    assert '<strong id="amount-due">2,000.00\xa0RUB</strong>' in html
    assert order.office.address in html and order.office.hours in html
    assert_private(html, order, token_allowed=True)  # the page links to its own signed URL


def test_the_amount_due_follows_payments(client, order, make, db):
    orders.record_payment(
        order,
        kind=PaymentKind.FINAL,
        method=PaymentMethod.CASH,
        amount=200_000,
        actor=make.net.reception_a,
    )
    db.session.commit()
    html = look_up(client, order.number, order.customer.phone[-4:]).get_data(as_text=True)
    assert "Amount due" not in html


def test_every_miss_gets_the_same_answer(client, order, make):
    """A wrong phone and a wrong number cannot be told apart: same code, same alert, same page
    once the typed number is taken out."""
    other = make.order(OrderStatus.DIAGNOSING)  # exists, but the phone is someone else's
    misses = [
        (order.number, "0000"),  # right number, wrong phone
        (GHOST, "0000"),  # no such number
        (other.number, order.customer.phone[-4:]),  # another customer's phone
        ("not a number", "0000"),
    ]
    pages = []
    for number, last4 in misses:
        response = look_up(client, number, last4)
        assert response.status_code == 404
        html = response.get_data(as_text=True)
        assert ALERT.findall(html) == [NOT_FOUND]
        typed = CSRF_INPUT.sub("", html).replace(f'value="{number}"', 'value="N"')
        pages.append(typed.replace(f'value="{last4}"', 'value="L"'))
        assert_private(html, order)
    assert all(page == pages[0] for page in pages)


def test_misses_are_identical_with_csrf_on(make_app, order):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    pages = []
    for number in (order.number, GHOST):
        token = csrf_token(client, "/status")
        response = look_up(client, number, "0000", csrf_token=token)
        assert response.status_code == 404
        html = CSRF_INPUT.sub("", response.get_data(as_text=True))
        pages.append(html.replace(f'value="{number}"', 'value=""'))
    assert pages[0] == pages[1]


def test_the_signed_link_shows_the_same_page(client, order):
    response = client.get(f"/s/{order.tracking_token}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="stage">Ready for pickup</div>' in html and order.number in html
    assert "2,000.00" in html
    assert_private(html, order, token_allowed=True)


@pytest.mark.parametrize("status", [OrderStatus.IN_REPAIR, OrderStatus.COLLECTED])
def test_the_status_page_reads_twice(client, make, db, status):
    """The order with its office, device, rating and payments in one query, its history in
    the other: the page every customer opens."""
    order = make.order(status)
    db.session.commit()
    path = f"/s/{order.tracking_token}"
    lookup = {"number": order.number, "phone_last4": order.customer.phone[-4:]}
    client.get(path)
    with counting_queries(db) as statements:
        assert client.get(path).status_code == 200
    assert len(statements) <= 2, statements
    with counting_queries(db) as statements:
        page = client.post("/status", data=lookup)
    assert page.status_code == 200 and order.number in page.text
    assert len(statements) <= 2, statements


@pytest.mark.parametrize("mangle", ["last", "short", "long", "case"])
def test_a_bad_link_is_not_found(client, order, mangle):
    token = order.tracking_token
    bad = {
        "last": token[:-1] + ("x" if token[-1] != "x" else "y"),
        "short": token[:-2],
        "long": "a" * 100,
        "case": token.swapcase() if token.swapcase() != token else token + "A",
    }[mangle]
    response = client.get(f"/s/{bad}")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "This link is not valid." in html
    assert_private(html, order)
    assert order.number not in html


def test_public_notes_show_and_staff_notes_do_not(client, make, db):
    shown = make.order(OrderStatus.DIAGNOSING)
    orders.change_status(
        shown,
        OrderStatus.TO_OFFICE,
        actor=make.net.tech,
        note="Board is beyond repair",
        note_public=True,
    )
    hidden = make.order(OrderStatus.RECEIVED)
    orders.change_status(
        hidden,
        OrderStatus.CANCELLED,
        actor=make.net.reception_a,
        note="Rude customer",
        note_public=False,
    )
    db.session.commit()
    assert "Board is beyond repair" in client.get(f"/s/{shown.tracking_token}").get_data(
        as_text=True
    )
    assert "Rude customer" not in client.get(f"/s/{hidden.tracking_token}").get_data(as_text=True)


def api(client, order, **params):
    query = {"number": order.number, "phone": order.customer.phone[-4:], **params}
    return client.get("/api/v1/status", query_string=query)


def test_json_status(client, order):
    response = api(client, order)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["number"] == order.number
    assert body["status"] == "ready"
    assert body["status_label"] == "Ready for pickup"
    assert body["amount_due"] == "2000.00"
    assert [entry["status"] for entry in body["timeline"]][0] == "accepted"
    assert body["timeline"][-1]["status"] == "ready"
    assert body["office"]["address"] == order.office.address
    assert set(body) == {
        "number",
        "status",
        "status_label",
        "kind",
        "device",
        "received_at",
        "promised_date",
        "amount_due",
        "timeline",
        "office",
        "quote",
        "quote_answer",
        "feedback",
    }
    assert body["quote"] is None and body["quote_answer"] is None  # nothing was asked
    assert body["feedback"] == {"open": False, "given": False}  # not collected yet
    assert_private(response.get_data(as_text=True), order)


def test_json_status_in_russian(client, order):
    assert api(client, order, lang="ru").get_json()["status_label"] == "Готов к выдаче"


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"number": "AAA-2026-000001"},
        {"number": "x", "phone": "1234"},
        {"number": GHOST, "phone": "0000"},
        {"number": "RIGHT", "phone": "0000"},
        {"number": "RIGHT", "phone": ""},
    ],
)
def test_json_misses_are_one_404(client, order, query):
    query = {key: order.number if value == "RIGHT" else value for key, value in query.items()}
    response = client.get("/api/v1/status", query_string=query)
    assert response.status_code == 404
    assert response.get_json() == {"error": "not_found", "detail": NOT_FOUND}


# --- rate limits -----------------------------------------------------------------------------


def tightest(limit: str) -> int:
    """How many requests the strictest of the configured limits allows."""
    return min(item.amount for item in parse_many(limit))


def test_the_status_lookup_is_rate_limited(make_app, order):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    allowed = tightest(app.config["STATUS_RATE_LIMIT"])
    assert allowed >= 5  # a customer who mistypes a few times is not locked out
    client = app.test_client()
    codes = [look_up(client, GHOST, "0000").status_code for _ in range(allowed)]
    assert codes == [404] * allowed
    blocked = look_up(client, order.number, order.customer.phone[-4:])  # even the right answer
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)
    assert order.number not in blocked.get_data(as_text=True)
    assert client.get("/status").status_code == 200  # the form itself still opens


def test_the_json_status_and_signed_links_are_rate_limited(make_app, order):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    allowed = tightest(app.config["STATUS_RATE_LIMIT"])
    client = app.test_client()
    codes = [
        client.get("/api/v1/status", query_string={"number": GHOST, "phone": "0000"}).status_code
        for _ in range(allowed + 1)
    ]
    assert codes == [404] * allowed + [429]
    assert client.get("/api/v1/status").get_json()["error"] == "Too many attempts"
    guesses = [client.get(f"/s/guess{i}").status_code for i in range(allowed + 1)]
    assert guesses == [404] * allowed + [429]


def test_login_is_rate_limited(make_app, make):
    make.network()
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    allowed = tightest(app.config["LOGIN_RATE_LIMIT"])
    client = app.test_client()
    wrong = {"username": "reception_a", "password": "guess"}
    codes = [client.post("/login", data=wrong).status_code for _ in range(allowed)]
    assert codes == [422] * allowed
    blocked = client.post("/login", data={"username": "reception_a", "password": "secret-pass"})
    assert blocked.status_code == 429  # the right password does not get through either
    assert "Too many attempts" in blocked.get_data(as_text=True)
    assert client.get("/orders").status_code == 302  # not logged in
    assert client.get("/login").status_code == 200  # the page still opens
