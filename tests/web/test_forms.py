"""Bad input at every form: a clear message next to the field, what was typed kept, never a 500."""

from __future__ import annotations

from datetime import timedelta

import pytest

from servicecenter.domain.enums import OrderKind, OrderStatus
from servicecenter.models import Customer, Device, RepairOrder
from servicecenter.services.clock import local_date

GOOD_CUSTOMER = {"name": "Мария Кузнецова", "phone": "+7 916 555-44-33", "kind": "individual"}
GOOD_DEVICE = {"category": "phone", "brand": "Acme", "model": "X1", "serial": "SN-0001"}


def good_order(make, **changes):
    data = {
        "kind": "paid",
        "workshop_id": str(make.net.remote.id),
        "complaint": "No sound",
        "condition": "Scratches",
        "prepayment_method": "cash",
    }
    data.update(changes)
    return data


def page(response) -> str:
    assert response.status_code != 500
    return response.get_data(as_text=True)


@pytest.fixture
def desk(make, login_as):
    return login_as(make.net.reception_a)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"phone": ""}, "This field is required."),
        ({"name": "x" * 121}, "Field cannot be longer than 120 characters."),
        ({"phone": "abc"}, "Enter a phone number"),
        ({"phone": "12"}, "A phone number has 10 to 15 digits."),
        ({"email": "not-an-email"}, "Invalid email address."),
        ({"kind": "alien"}, "Not a valid choice."),
    ],
)
def test_customer_form(client, desk, db, fresh, changes, message):
    data = {**GOOD_CUSTOMER, **changes}
    response = client.post("/intake/customers", data=data)
    assert response.status_code == 422
    html = page(response)
    assert message in html
    if data["name"] and len(data["name"]) < 100:
        assert f'value="{data["name"]}"' in html  # what was typed is still there
    fresh()
    assert db.session.query(Customer).count() == 0


def test_customer_form_accepts_good_input(client, desk, db, fresh):
    response = client.post("/intake/customers", data=GOOD_CUSTOMER)
    assert response.status_code == 302
    fresh()
    assert db.session.query(Customer).one().phone == "+79165554433"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"serial": ""}, "This field is required."),
        ({"serial": "!!"}, "A serial number has 3 to 40"),
        ({"serial": "490154203237519"}, "check digit is wrong"),
        ({"brand": "b" * 61}, "Field cannot be longer than 60 characters."),
        ({"purchase_date": "2999-01-01"}, "cannot be in the future"),
        ({"purchase_date": "yesterday"}, "Not a valid date value."),
        ({"warranty_months": "-1"}, "Number must be between 0 and 120."),
        ({"warranty_months": "many"}, "Not a valid integer value."),
    ],
)
def test_device_form(client, desk, make, db, fresh, changes, message):
    customer = make.customer()
    data = {**GOOD_DEVICE, **changes}
    response = client.post(f"/intake/customers/{customer.id}/devices", data=data)
    assert response.status_code == 422
    html = page(response)
    assert message in html
    assert 'value="Acme"' in html or changes.get("brand")
    fresh()
    assert db.session.query(Device).count() == 0


def test_device_purchase_tomorrow_is_refused(client, desk, make, db):
    customer = make.customer()
    tomorrow = (local_date() + timedelta(days=2)).isoformat()
    response = client.post(
        f"/intake/customers/{customer.id}/devices", data={**GOOD_DEVICE, "purchase_date": tomorrow}
    )
    assert response.status_code == 422
    assert "cannot be in the future" in page(response)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"complaint": ""}, "This field is required."),
        ({"condition": "c" * 2001}, "Field cannot be longer than 2000 characters."),
        ({"estimate": "-5"}, "Enter an amount between 0 and"),
        ({"declared_value": "12abc"}, "Not a valid decimal value."),
        ({"prepayment": "1e30"}, "Enter an amount between 0 and"),
        ({"promised_date": "2000-01-01"}, "too far in the past"),
        ({"kind": "free"}, "Not a valid choice."),
        ({"workshop_id": "999999"}, "Not a valid choice."),
    ],
)
def test_order_form(client, desk, make, db, fresh, changes, message):
    device = make.device()
    url = f"/intake/customers/{device.customer_id}/devices/{device.id}/orders"
    response = client.post(url, data=good_order(make, **changes))
    assert response.status_code == 422
    html = page(response)
    assert message in html
    if changes.get("complaint") != "":
        assert "No sound" in html
    fresh()
    assert db.session.query(RepairOrder).count() == 0


def test_a_warranty_order_without_cover_is_explained(client, desk, make, db, fresh):
    device = make.device(purchase_date=local_date() - timedelta(days=900), warranty_months=12)
    url = f"/intake/customers/{device.customer_id}/devices/{device.id}/orders"
    response = client.post(url, data=good_order(make, kind="warranty"))
    assert response.status_code == 422
    assert "warranty ended on" in page(response)
    fresh()
    assert db.session.query(RepairOrder).count() == 0


def test_a_warranty_order_beyond_45_days_is_explained(client, desk, make, db):
    device = make.device(purchase_date=local_date() - timedelta(days=30), warranty_months=12)
    url = f"/intake/customers/{device.customer_id}/devices/{device.id}/orders"
    late = (local_date() + timedelta(days=46)).isoformat()
    response = client.post(url, data=good_order(make, kind="warranty", promised_date=late))
    assert response.status_code == 422
    assert "within 45 days" in page(response)
    ok = (local_date() + timedelta(days=45)).isoformat()
    assert (
        client.post(url, data=good_order(make, kind="warranty", promised_date=ok)).status_code
        == 302
    )


def test_a_good_order_opens_with_a_number(client, desk, make, db, fresh):
    device = make.device()
    url = f"/intake/customers/{device.customer_id}/devices/{device.id}/orders"
    response = client.post(url, data=good_order(make, estimate="1 500,50", prepayment="500"))
    assert response.status_code == 302
    fresh()
    order = db.session.query(RepairOrder).one()
    assert response.headers["Location"].endswith(f"/orders/{order.number}")
    assert (order.estimate, order.kind) == (150050, OrderKind.PAID)


def test_status_change_needs_a_reason_and_keeps_the_note_form(client, make, login_as, fresh):
    order = make.order(OrderStatus.RECEIVED)
    login_as(make.net.reception_a)
    response = client.post(
        f"/orders/{order.number}/status",
        data={"target": "cancelled", "note": "", "version": order.version},
    )
    assert response.status_code == 422
    assert "Give the reason in the note." in page(response)
    response = client.post(
        f"/orders/{order.number}/status",
        data={"target": "cancelled", "note": "n" * 1001, "version": order.version},
    )
    assert response.status_code == 422
    assert "Field cannot be longer than 1000 characters." in page(response)
    fresh()
    assert order.status is OrderStatus.RECEIVED


def test_an_unknown_target_changes_nothing(client, make, login_as, fresh):
    order = make.order(OrderStatus.RECEIVED)
    login_as(make.net.reception_a)
    for target in ("exploded", "collected"):
        response = client.post(
            f"/orders/{order.number}/status", data={"target": target, "version": order.version}
        )
        assert response.status_code == 422
    fresh()
    assert order.status is OrderStatus.RECEIVED


def test_a_stale_form_is_refused_and_changes_nothing(client, make, login_as, fresh):
    order = make.order(OrderStatus.DIAGNOSING)
    login_as(make.net.tech)
    seen = order.version
    first = client.post(
        f"/orders/{order.number}/work",
        data={"diagnosis": "Mine", "work_done": "", "price": "100", "version": seen},
    )
    assert first.status_code == 302
    second = client.post(
        f"/orders/{order.number}/work",
        data={"diagnosis": "Theirs", "work_done": "", "price": "200", "version": seen},
    )
    assert second.status_code == 422
    html = page(second)
    assert "Someone else changed this order" in html
    assert "Theirs" in html  # what they typed is still on the page
    fresh()
    assert order.diagnosis == "Mine"


@pytest.mark.parametrize(
    ("price", "message"),
    [("-1", "Enter an amount between 0 and"), ("abc", "Not a valid decimal value.")],
)
def test_work_form_money(client, make, login_as, price, message):
    order = make.order(OrderStatus.DIAGNOSING)
    login_as(make.net.tech)
    response = client.post(
        f"/orders/{order.number}/work",
        data={"diagnosis": "d", "work_done": "", "price": price, "version": order.version},
    )
    assert response.status_code == 422
    assert message in page(response)


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("", "This field is required."),
        ("0", "greater than zero"),
        ("-5", "Enter an amount between 0 and"),
        ("99999", "more than the balance due"),
    ],
)
def test_payment_form(client, make, login_as, fresh, amount, message):
    order = make.order(OrderStatus.READY, price=100_000)
    login_as(make.net.reception_a)
    response = client.post(
        f"/orders/{order.number}/payments",
        data={"kind": "final", "method": "cash", "amount": amount, "version": order.version},
    )
    assert response.status_code == 422
    assert message in page(response)


def test_collection_with_a_balance_due_is_refused(client, make, login_as, fresh):
    order = make.order(OrderStatus.READY, price=100_000)
    login_as(make.net.reception_a)
    response = client.post(
        f"/orders/{order.number}/status", data={"target": "collected", "version": order.version}
    )
    assert response.status_code == 422
    assert "balance due must be paid" in page(response)
    paid = client.post(
        f"/orders/{order.number}/payments",
        data={"kind": "final", "method": "card", "amount": "1000", "version": order.version},
    )
    assert paid.status_code == 302
    fresh()
    done = client.post(
        f"/orders/{order.number}/status", data={"target": "collected", "version": order.version}
    )
    assert done.status_code == 302
    fresh()
    assert order.status is OrderStatus.COLLECTED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"number": "", "phone_last4": "1234"}, "This field is required."),
        ({"number": "AAA-2026-000001", "phone_last4": "12a4"}, "Enter exactly 4 digits."),
        ({"number": "x" * 31, "phone_last4": "1234"}, "Field cannot be longer than 30 characters."),
    ],
)
def test_status_lookup_form(client, db, data, message):
    response = client.post("/status", data=data)
    assert response.status_code == 422
    assert message in page(response)


def test_login_form_requires_both_fields(client, db):
    response = client.post("/login", data={"username": "", "password": ""})
    assert response.status_code == 200
    assert page(response).count("This field is required.") == 2
