"""Bad input at every form: 422, a clear message next to the field, what was typed kept, nothing
saved, never a 500. Business rules (warranty cover, balance, stale forms) answer the same way."""

from __future__ import annotations

import fcntl
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from markupsafe import escape

from servicecenter.domain.enums import OrderKind, OrderStatus
from servicecenter.domain.enums import PaymentKind as PK
from servicecenter.domain.enums import PaymentMethod as PM
from servicecenter.models import Customer, Device, Payment, RepairOrder
from servicecenter.services import orders
from servicecenter.services.clock import local_date

from ..factories import PASSWORD
from .helpers import alerts, database_snapshot, field_messages
from .test_health_and_lists import counting_queries

S = OrderStatus
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


HIDDEN_FIELDS = {"target", "version"}


def refused(response, message: str, field: str | None = None) -> str:
    """The page of a refused form: 422 with the message under `field`, or at the top of the page
    when the message concerns the whole form."""
    assert response.status_code == 422, response.status_code
    html = response.get_data(as_text=True)
    if field is None:
        assert any(message in alert for alert in alerts(html)), (message, alerts(html))
    elif field in HIDDEN_FIELDS:  # no box to show it under: shown above the buttons
        assert f'<div class="text-danger small">{message}</div>' in html, message
    else:
        assert any(message in shown for shown in field_messages(html, field)), (
            message,
            field_messages(html, field),
        )
    return html


def shows_typed(html: str, *values: str) -> None:
    """Every typed value is still on the page (in an input's value or a textarea)."""
    for value in values:
        assert str(escape(value)) in html, value


def days(n: int) -> str:
    """A date `n` days from today in the offices' calendar, as a date input sends it."""
    return (local_date() + timedelta(days=n)).isoformat()


@pytest.fixture
def desk(make, login_as):
    return login_as(make.net.reception_a)


# --- login -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message", "fields"),
    [
        ({"username": "", "password": ""}, "This field is required.", ["username", "password"]),
        ({"username": "reception_a", "password": ""}, "This field is required.", ["password"]),
        (
            {"username": "u" * 41, "password": "x"},
            "Field cannot be longer than 40 characters.",
            ["username"],
        ),
        (
            {"username": "reception_a", "password": "wrong"},
            "Wrong login or password.",
            ["password"],
        ),
    ],
)
def test_login_form(client, make, data, message, fields):
    make.network()
    html = refused(client.post("/login", data=data), message, fields[0])
    for field in ("username", "password"):
        assert (message in field_messages(html, field)) == (field in fields), field
    if data["username"]:
        shows_typed(html, data["username"])
    if data["password"]:
        assert f'value="{data["password"]}"' not in html  # a password is never sent back
    assert client.get("/orders").status_code == 302  # still logged out


# --- intake: customer ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "   "}, "This field is required."),
        ({"phone": ""}, "This field is required."),
        ({"name": "x" * 121}, "Field cannot be longer than 120 characters."),
        ({"phone": "9" * 31}, "Field cannot be longer than 30 characters."),
        ({"phone": "abc"}, "Enter a phone number"),
        ({"phone": "12"}, "A phone number has 10 to 15 digits."),
        ({"phone": "+7 916 555-44-33-22-11-00"}, "A phone number has 10 to 15 digits."),
        ({"email": "not-an-email"}, "Invalid email address."),
        ({"kind": "alien"}, "Not a valid choice."),
    ],
)
def test_customer_form(client, desk, db, changes, message):
    data = {**GOOD_CUSTOMER, **changes}
    field = next(iter(changes))
    html = refused(client.post("/intake/customers", data=data), message, field)
    shows_typed(
        html, *(data[key] for key in ("name", "phone", "email") if data.get(key, "").strip())
    )
    assert db.session.query(Customer).count() == 0


def test_customer_form_accepts_good_input(client, desk, db, fresh):
    response = client.post("/intake/customers", data=GOOD_CUSTOMER)
    assert response.status_code == 302
    fresh()
    customer = db.session.query(Customer).one()
    assert (customer.name, customer.phone) == ("Мария Кузнецова", "+79165554433")
    assert response.headers["Location"].endswith(f"/intake?customer={customer.id}")


# --- intake: device --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"serial": ""}, "This field is required."),
        ({"brand": ""}, "This field is required."),
        ({"serial": "!!"}, "A serial number has 3 to 40"),
        ({"serial": "AB"}, "A serial number has 3 to 40"),
        ({"serial": "490154203237519"}, "check digit is wrong"),  # 490154203237518 is right
        ({"serial": "S" * 61}, "Field cannot be longer than 60 characters."),
        ({"brand": "b" * 61}, "Field cannot be longer than 60 characters."),
        ({"model": "m" * 81}, "Field cannot be longer than 80 characters."),
        ({"purchase_date": "2999-01-01"}, "cannot be in the future"),
        ({"purchase_date": "1900-01-01"}, "This date is too far in the past."),
        ({"purchase_date": "yesterday"}, "Not a valid date value."),
        ({"warranty_months": "-1"}, "Number must be between 0 and 120."),
        ({"warranty_months": "many"}, "Not a valid integer value."),
        ({"category": "spaceship"}, "Not a valid choice."),
    ],
)
def test_device_form(client, desk, make, db, changes, message):
    customer = make.customer()
    data = {**GOOD_DEVICE, **changes}
    response = client.post(f"/intake/customers/{customer.id}/devices", data=data)
    html = refused(response, message, next(iter(changes)))
    shows_typed(html, *(v for k, v in data.items() if v and k != "category"))
    assert db.session.query(Device).count() == 0


def test_a_purchase_tomorrow_is_refused_and_today_accepted(client, desk, make, db, fresh):
    customer = make.customer()
    url = f"/intake/customers/{customer.id}/devices"
    tomorrow = client.post(url, data={**GOOD_DEVICE, "purchase_date": days(1)})
    html = refused(tomorrow, "The purchase date cannot be in the future.", "purchase_date")
    shows_typed(html, days(1))
    today = client.post(url, data={**GOOD_DEVICE, "purchase_date": days(0)})
    assert today.status_code == 302
    fresh()
    assert db.session.query(Device).one().purchase_date == local_date()


def test_a_valid_imei_is_accepted(client, desk, make, db, fresh):
    customer = make.customer()
    response = client.post(
        f"/intake/customers/{customer.id}/devices",
        data={**GOOD_DEVICE, "serial": "49 015420 323751 8"},
    )
    assert response.status_code == 302
    fresh()
    assert db.session.query(Device).one().serial == "490154203237518"


# --- intake: order ---------------------------------------------------------------------------


def order_url(device) -> str:
    return f"/intake/customers/{device.customer_id}/devices/{device.id}/orders"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"complaint": ""}, "This field is required."),
        ({"condition": "  "}, "This field is required."),
        ({"complaint": "c" * 2001}, "Field cannot be longer than 2000 characters."),
        ({"accessories": "a" * 301}, "Field cannot be longer than 300 characters."),
        ({"estimate": "-5"}, "Enter an amount between 0 and"),
        ({"approval_limit": "-0.01"}, "Enter an amount between 0 and"),
        ({"declared_value": "12abc"}, "Not a valid decimal value."),
        ({"diagnostic_fee": "abc"}, "Not a valid decimal value."),
        ({"prepayment": "1e30"}, "Enter an amount between 0 and"),
        ({"estimate": "NaN"}, "Enter an amount such as 1500 or 1500.50."),
        ({"promised_date": "2000-01-01"}, "This date is too far in the past."),
        ({"promised_date": "2999-01-01"}, "This date is too far in the future."),
        ({"promised_date": "someday"}, "Not a valid date value."),
        ({"kind": "free"}, "Not a valid choice."),
        ({"kind": ""}, "Not a valid choice."),
        ({"workshop_id": "999999"}, "Not a valid choice."),
        ({"workshop_id": "many"}, "This field is required."),
    ],
)
def test_order_form(client, desk, make, db, changes, message):
    device = make.device()
    data = good_order(make, **changes)
    html = refused(client.post(order_url(device), data=data), message, next(iter(changes)))
    typed = ("complaint", "condition", "accessories", "estimate", "approval_limit")
    typed += ("declared_value", "diagnostic_fee", "prepayment", "promised_date")
    shows_typed(html, *(data[key] for key in typed if data.get(key, "").strip()))
    assert db.session.query(RepairOrder).count() == 0


def test_a_promise_before_today_is_refused(client, desk, make, db):
    device = make.device()
    response = client.post(order_url(device), data=good_order(make, promised_date=days(-1)))
    html = refused(response, "This date is too far in the past.", "promised_date")
    shows_typed(html, days(-1))
    assert db.session.query(RepairOrder).count() == 0


@pytest.mark.parametrize("zone", ["Etc/GMT-14", "Etc/GMT+12"])  # UTC+14 and UTC-12
def test_promised_dates_follow_the_offices_calendar(
    app, client, desk, make, db, fresh, monkeypatch, zone
):
    """ "Today" is the offices' day, whatever the server's clock says: today can be promised,
    yesterday cannot, with the same message on both sides of the date line."""
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_TIMEZONE", zone)
    device = make.device()
    yesterday = client.post(order_url(device), data=good_order(make, promised_date=days(-1)))
    refused(yesterday, "This date is too far in the past.", "promised_date")
    today = client.post(order_url(device), data=good_order(make, promised_date=days(0)))
    assert today.status_code == 302
    fresh()
    assert db.session.query(RepairOrder).one().promised_date == local_date()


def test_a_warranty_order_without_cover_is_explained(client, desk, make, db):
    expired = make.device(purchase_date=date(2020, 3, 15), warranty_months=12)
    response = client.post(order_url(expired), data=good_order(make, kind="warranty"))
    html = refused(response, "The manufacturer&#39;s warranty ended on 2021-03-15.", "kind")
    assert "Manufacturer's warranty ended on Mar 15, 2021." in html  # as the page said before
    unknown = make.device()  # no purchase date, no warranty period
    response = client.post(order_url(unknown), data=good_order(make, kind="warranty"))
    refused(response, "warranty is unknown: enter the purchase date and period", "kind")
    assert db.session.query(RepairOrder).count() == 0


def test_a_warranty_order_is_promised_within_45_days(client, desk, make, db, fresh):
    device = make.device(purchase_date=local_date() - timedelta(days=30), warranty_months=12)
    late = client.post(
        order_url(device), data=good_order(make, kind="warranty", promised_date=days(46))
    )
    html = refused(late, "A warranty repair must be promised within 45 days", "promised_date")
    assert days(45) in html  # the latest allowed date is named
    shows_typed(html, days(46))
    assert db.session.query(RepairOrder).count() == 0
    ok = client.post(
        order_url(device), data=good_order(make, kind="warranty", promised_date=days(45))
    )
    assert ok.status_code == 302
    fresh()
    order = db.session.query(RepairOrder).one()
    assert (order.kind, order.promised_date) == (OrderKind.WARRANTY, local_date() + timedelta(45))


def test_intake_writes_an_order_in_a_bounded_number_of_queries(client, desk, make, db):
    """The workshops' ranking (open orders, on-time record) is for showing the form: a form
    that is accepted does not work it out again."""
    url = order_url(make.device())
    client.post(order_url(make.device()), data=good_order(make))  # warm-up
    with counting_queries(db) as statements:
        assert client.post(url, data=good_order(make)).status_code == 302
    # Read and checked: user, customer, device, its history, workshops. Then, as the writer:
    # user, customer, device, history again, office, workshop, the partner's contract, the
    # notification rule and templates; the number; order, history row and message.
    assert len(statements) <= 16, "\n".join(s[:150] + s[-150:] for s in statements)
    assert not [s for s in statements if "GROUP BY" in s or "dashboard_" in s]
    # The number's row stays locked until the commit, and every intake of the office waits for
    # it: after taking it, the intake only writes.
    taken = next(n for n, s in enumerate(statements) if s.startswith("UPDATE order_number"))
    assert all(s.startswith("INSERT") for s in statements[taken + 1 :]), statements[taken:]


def test_intakes_write_in_turn_on_a_file_lock(client, desk, make, db, monkeypatch):
    """SQLite file: the intake's writing part holds the writers' file lock beside the database
    (the next desk is woken by the kernel as soon as it is free, not by SQLite's polling), and
    lets it go when the order is saved."""
    path = db.engine.url.database
    if db.engine.dialect.name != "sqlite" or not path:
        pytest.skip("SQLite's one write lock; PostgreSQL locks rows")
    from servicecenter.web.intake import views

    def taken() -> bool:
        with open(f"{path}.writers", "a") as other:
            try:
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(other, fcntl.LOCK_UN)
            return False

    seen = []
    receive = views.intake.receive_device

    def receive_and_look(**kwargs):
        seen.append(taken())
        return receive(**kwargs)

    monkeypatch.setattr(views.intake, "receive_device", receive_and_look)
    assert client.post(order_url(make.device()), data=good_order(make)).status_code == 302
    assert seen == [True] and not taken()


def test_a_writer_waits_its_turn_only_so_long(client, desk, make, db, app, monkeypatch):
    """Another process holding the turn for long: after SQLite's busy timeout the intake goes on
    without it (SQLite's own lock then decides), rather than queueing behind it."""
    path = db.engine.url.database
    if db.engine.dialect.name != "sqlite" or not path:
        pytest.skip("SQLite's one write lock; PostgreSQL locks rows")
    monkeypatch.setitem(app.config, "SQLITE_BUSY_TIMEOUT", 0.05)
    with open(f"{path}.writers", "a") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX)
        try:
            response = client.post(order_url(make.device()), data=good_order(make))
        finally:
            fcntl.flock(holder, fcntl.LOCK_UN)
    assert response.status_code == 302


def test_intake_holds_the_write_lock_only_to_write(client, desk, make, db):
    """SQLite: the form is read and checked in a reader's transaction; the writer's begins
    after it and holds the reads the service needs again, and the writes."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's one write lock; PostgreSQL locks rows")
    url = order_url(make.device())
    seen: list[str] = []

    def keep(conn, cursor, statement, *args):
        seen.append(" ".join(statement.split())[:60])

    sa.event.listen(db.engine, "before_cursor_execute", keep)
    try:
        assert client.post(url, data=good_order(make)).status_code == 302
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", keep)
    begins = [n for n, statement in enumerate(seen) if statement.startswith("BEGIN")]
    assert [seen[n] for n in begins] == ["BEGIN", "BEGIN IMMEDIATE"], seen
    reading, writing = seen[begins[0] : begins[1]], seen[begins[1] :]
    assert not [s for s in reading if s.startswith(("INSERT", "UPDATE", "DELETE"))]
    assert any(s.startswith("INSERT INTO repair_orders") for s in writing)
    assert len(reading) > 4 and len(writing) < 16


def test_a_refused_order_shows_the_workshops_ranked_again(client, desk, make, db):
    device = make.device()
    make.net.remote.active = False
    db.session.commit()
    html = refused(
        client.post(order_url(device), data=good_order(make)), "Not a valid choice.", "workshop_id"
    )
    assert "open orders" in html.lower() or "on time" in html.lower()
    assert db.session.query(RepairOrder).count() == 0


def test_a_good_order_opens_with_a_number(client, desk, make, db, fresh):
    device = make.device()
    response = client.post(
        order_url(device), data=good_order(make, estimate="1 500,50", prepayment="500")
    )
    assert response.status_code == 302
    fresh()
    order = db.session.query(RepairOrder).one()
    assert response.headers["Location"].endswith(f"/orders/{order.number}")
    assert (order.estimate, order.kind) == (150050, OrderKind.PAID)
    assert db.session.query(Payment.amount).scalar() == 50000


# --- the order page: status change, workshop findings, payment -------------------------------


def post_status(client, order, target, note="", version=None):
    data = {
        "target": target,
        "note": note,
        "version": order.version if version is None else version,
    }
    return client.post(f"/orders/{order.number}/status", data=data)


def test_a_cancellation_needs_a_reason(client, make, login_as, fresh):
    order = make.order(S.RECEIVED)
    login_as(make.net.reception_a)
    before = database_snapshot()
    refused(post_status(client, order, "cancelled"), "Give the reason in the note.", "note")
    html = refused(
        post_status(client, order, "cancelled", note="n" * 1001),
        "Field cannot be longer than 1000 characters.",
        "note",
    )
    assert "n" * 1001 in html  # the note is still in its box
    assert database_snapshot() == before
    assert post_status(client, order, "cancelled", note="Changed their mind").status_code == 302
    fresh()
    assert order.status is S.CANCELLED


def test_the_workshop_is_told_what_is_missing_on_a_priced_order(client, make, login_as, fresh):
    """A refused status change re-renders the page with the workshop's findings form on it."""
    order = make.order(S.DIAGNOSING, price=900_000, approval_limit=100_000)
    login_as(make.net.tech)
    before = database_snapshot()
    html = refused(post_status(client, order, "to_office"), "Give the reason in the note.", "note")
    assert 'id="price" inputmode="decimal" name="price" type="text" value="9000.00"' in html
    refused(post_status(client, order, "in_repair"), "exceeds what the customer allowed")
    assert database_snapshot() == before


def test_an_unknown_or_forbidden_target_changes_nothing(client, make, login_as):
    order = make.order(S.RECEIVED)
    login_as(make.net.reception_a)
    before = database_snapshot()
    refused(post_status(client, order, "exploded"), "Choose one of the actions offered")
    refused(
        post_status(client, order, "collected"), "An order cannot move from received to collected."
    )
    refused(post_status(client, order, ""), "This field is required.", "target")
    # A remote workshop does not see an order still at the office; the in-office one does.
    login_as(make.net.tech)
    assert post_status(client, order, "cancelled", note="x").status_code == 404
    here = make.order(S.RECEIVED, workshop=make.net.in_office)
    before = database_snapshot()
    login_as(make.net.tech_in_office)
    refused(post_status(client, here, "cancelled", note="x"), "Your role may not make this change.")
    assert database_snapshot() == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"price": "-1"}, "Enter an amount between 0 and"),
        ({"price": "abc"}, "Not a valid decimal value."),
        ({"price": "12abc"}, "Not a valid decimal value."),
        ({"price": "99999999999"}, "Enter an amount between 0 and"),
        ({"diagnosis": "d" * 4001}, "Field cannot be longer than 4000 characters."),
        ({"work_done": "w" * 4001}, "Field cannot be longer than 4000 characters."),
        ({"version": ""}, "This field is required."),
    ],
)
def test_work_form(client, make, login_as, changes, message):
    order = make.order(S.DIAGNOSING)
    login_as(make.net.tech)
    data = {"diagnosis": "Water inside", "work_done": "Dried", "price": "100"}
    data = {**data, "version": str(order.version), **changes}
    before = database_snapshot()
    response = client.post(f"/orders/{order.number}/work", data=data)
    html = refused(response, message, next(iter(changes)))
    shows_typed(html, *(data[key] for key in ("diagnosis", "work_done", "price") if data[key]))
    assert database_snapshot() == before


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("", "This field is required."),
        ("0", "The amount must be greater than zero."),
        ("-5", "Enter an amount between 0 and"),
        ("12abc", "Not a valid decimal value."),
        ("99999", "This is more than the balance due (1000.00)."),
    ],
)
def test_payment_form(client, make, login_as, amount, message):
    order = make.order(S.READY, price=100_000)
    login_as(make.net.reception_a)
    before = database_snapshot()
    response = client.post(
        f"/orders/{order.number}/payments",
        data={"kind": "final", "method": "cash", "amount": amount, "version": order.version},
    )
    html = refused(response, message, "amount")
    if amount:
        shows_typed(html, amount)
    assert database_snapshot() == before


def test_collection_with_a_balance_due_is_refused(client, make, login_as, fresh):
    order = make.order(S.READY, price=100_000)
    login_as(make.net.reception_a)
    page = client.get(f"/orders/{order.number}").get_data(as_text=True)
    assert "The balance due must be paid before the device is handed back." in page
    before = database_snapshot()
    html = refused(
        post_status(client, order, "collected"),
        "The balance due must be paid before the device is handed back.",
    )
    assert '<strong id="balance" class="text-danger">1,000.00' in html
    assert database_snapshot() == before
    paid = client.post(
        f"/orders/{order.number}/payments",
        data={"kind": "final", "method": "card", "amount": "1000", "version": order.version},
    )
    assert paid.status_code == 302
    fresh()
    assert post_status(client, order, "collected").status_code == 302
    fresh()
    assert order.status is S.COLLECTED


def test_a_refused_action_on_a_priced_order_shows_the_page_again(client, make, login_as, fresh):
    """Every form of the order page re-renders after a refusal, whatever the order holds."""
    order = make.order(S.IN_REPAIR, price=500_000)
    login_as(make.net.tech)
    refused(post_status(client, order, "to_office"), "Give the reason in the note.", "note")
    login_as(make.net.admin)
    response = client.post(
        f"/orders/{order.number}/payments",
        data={"kind": "prepayment", "method": "cash", "amount": "0", "version": order.version},
    )
    refused(response, "The amount must be greater than zero.", "amount")
    work = client.post(
        f"/orders/{order.number}/work",
        data={"diagnosis": "x", "work_done": "", "price": "", "version": order.version},
    )
    refused(work, "enter the new price instead of clearing it", "price")
    fresh()
    assert order.price == 500_000


def test_the_payment_form_offers_a_prepayment_until_the_device_is_ready(client, make, login_as):
    login_as(make.net.reception_a)
    selected = 'option selected value="{}"'
    received = client.get(f"/orders/{make.order(S.RECEIVED).number}").get_data(as_text=True)
    assert selected.format("prepayment") in received
    ready = client.get(f"/orders/{make.order(S.READY).number}").get_data(as_text=True)
    assert selected.format("final") in ready
    assert 'name="amount" required type="text" value="5000.00"' in ready


def test_the_passcode_is_shown_to_the_workshop_only(client, make, login_as):
    order = make.order(S.DIAGNOSING)
    login_as(make.net.reception_a)
    assert "2580" not in client.get(f"/orders/{order.number}").get_data(as_text=True)
    login_as(make.net.tech)
    assert "<code>2580</code>" in client.get(f"/orders/{order.number}").get_data(as_text=True)


def test_a_refused_registration_keeps_the_phone_in_the_search_box(client, desk, make):
    existing = make.customer(phone="+79165554433")
    response = client.post("/intake/customers", data={**GOOD_CUSTOMER, "name": ""})
    html = refused(response, "This field is required.", "name")
    assert 'id="phone-search" name="phone" value="+7 916 555-44-33"' in html
    assert existing.name in html  # the search already shows who has this phone


# --- stale forms -----------------------------------------------------------------------------

VERSION_OF_STATUS_FORM = re.compile(
    r'action="/orders/[^"]+/status(?:#[^"]*)?".*?name="version" type="hidden" value="(\d+)"', re.S
)


def test_a_stale_findings_form_is_refused_and_changes_nothing(client, make, login_as, fresh):
    order = make.order(S.DIAGNOSING)
    login_as(make.net.tech)
    seen = order.version
    first = client.post(
        f"/orders/{order.number}/work",
        data={"diagnosis": "Mine", "work_done": "", "price": "100", "version": seen},
    )
    assert first.status_code == 302
    before = database_snapshot()
    second = client.post(
        f"/orders/{order.number}/work",
        data={"diagnosis": "Theirs", "work_done": "", "price": "200", "version": seen},
    )
    html = refused(second, "Someone else changed this order while you had it open.")
    shows_typed(html, "Theirs", "200")
    assert database_snapshot() == before
    fresh()
    assert (order.diagnosis, order.price) == ("Mine", 10_000)


def test_a_stale_status_change_is_refused(client, make, login_as, fresh, db):
    order = make.order(S.RECEIVED)
    login_as(make.net.reception_a)
    seen = order.version
    orders.record_payment(  # another receptionist takes a prepayment meanwhile
        order, kind=PK.PREPAYMENT, method=PM.CASH, amount=10_000, actor=make.net.reception_a
    )
    db.session.commit()
    before = database_snapshot()
    response = post_status(client, order, "cancelled", note="Gone", version=seen)
    html = refused(response, "Someone else changed this order while you had it open.")
    shows_typed(html, "Gone")
    assert database_snapshot() == before
    fresh()
    assert order.status is S.RECEIVED


@pytest.mark.parametrize("version", ["abc", "-1", "٣", "99999999999999999999"])
def test_an_edited_version_counts_as_stale(client, make, login_as, fresh, version):
    order = make.order(S.RECEIVED)
    login_as(make.net.reception_a)
    before = database_snapshot()
    response = post_status(client, order, "cancelled", note="Gone", version=version)
    refused(response, "Someone else changed this order while you had it open.")
    assert database_snapshot() == before


def test_a_stale_payment_is_refused_and_the_page_offers_the_current_order(
    client, make, login_as, fresh, db
):
    order = make.order(S.READY, price=100_000)
    login_as(make.net.reception_a)
    seen = order.version
    orders.record_payment(
        order, kind=PK.FINAL, method=PM.CASH, amount=100_000, actor=make.net.admin
    )
    db.session.commit()
    before = database_snapshot()
    response = client.post(
        f"/orders/{order.number}/payments",
        data={"kind": "final", "method": "card", "amount": "1000", "version": seen},
    )
    html = refused(response, "Someone else changed this order while you had it open.")
    assert database_snapshot() == before  # not paid twice
    # The status buttons on the refused page work: they carry the order as it is now.
    fresh()
    current = VERSION_OF_STATUS_FORM.search(html).group(1)
    assert current == str(order.version) != str(seen)
    assert post_status(client, order, "collected", version=current).status_code == 302


# --- the customer's status lookup ------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message", "field"),
    [
        ({"number": "", "phone_last4": "1234"}, "This field is required.", "number"),
        (
            {"number": "AAA-2026-000001", "phone_last4": ""},
            "This field is required.",
            "phone_last4",
        ),
        (
            {"number": "AAA-2026-000001", "phone_last4": "12a4"},
            "Enter exactly 4 digits.",
            "phone_last4",
        ),
        (
            {"number": "AAA-2026-000001", "phone_last4": "12345"},
            "Enter exactly 4 digits.",
            "phone_last4",
        ),
        (
            {"number": "x" * 31, "phone_last4": "1234"},
            "Field cannot be longer than 30 characters.",
            "number",
        ),
    ],
)
def test_status_lookup_form(client, db, data, message, field):
    html = refused(client.post("/status", data=data), message, field)
    shows_typed(html, *(value for value in data.values() if value))


# --- never a 500 -----------------------------------------------------------------------------

NASTY = ["\x00", "x" * 5000, "' OR 1=1 --", "<script>alert(1)</script>", "１２３", "\u202e", "%s%n"]


@pytest.mark.parametrize("value", NASTY, ids=range(len(NASTY)))
def test_no_form_answers_500(client, make, login_as, value):
    """Whatever is typed into any field of any form, the answer is a page, not a crash."""
    order = make.order(S.DIAGNOSING)
    ready = make.order(S.READY)
    device = make.device()
    fields = {
        "login": "username password",
        "intake": "name phone email kind category brand model serial purchase_date "
        "warranty_months seller workshop_id complaint condition accessories passcode "
        "declared_value estimate approval_limit diagnostic_fee prepayment promised_date",
        "order page": "target note diagnosis work_done price method amount version",
        "public": "number phone_last4",
        "lists": "q status office_id date_from date_to",
    }
    garbage = dict.fromkeys(" ".join(fields.values()).split(), value)
    posts = [
        (None, "/login"),
        (None, "/status"),
        (make.net.reception_a, "/intake/customers"),
        (make.net.reception_a, f"/intake/customers/{device.customer_id}/devices"),
        (make.net.reception_a, order_url(device)),
        (make.net.tech, f"/orders/{order.number}/status"),
        (make.net.tech, f"/orders/{order.number}/work"),
        (make.net.reception_a, f"/orders/{ready.number}/payments"),
        (make.net.reception_a, f"/orders/{ready.number}/status"),
    ]
    before = database_snapshot()
    for user, path in posts:
        if user is None:
            client.post("/logout")
        else:
            login_as(user)
        response = client.post(path, data=garbage)
        assert response.status_code in (400, 404, 422), (path, response.status_code)
        gets = ["/orders", "/workshop/queue", "/intake"] if user else ["/status"]
        for page in gets:
            assert client.get(page, query_string=garbage).status_code < 500, page
    assert client.get("/api/v1/status", query_string=garbage).status_code in (400, 404)
    assert database_snapshot() == before


def test_a_staff_login_with_the_right_password_still_works_after_garbage(client, make):
    make.network()
    client.post("/login", data={"username": "\x00", "password": "\x00"})
    response = client.post("/login", data={"username": "tech", "password": PASSWORD})
    assert response.status_code == 302


def test_two_changes_of_one_order_at_the_same_moment_get_a_message_not_a_500(make_app):
    """The version column stops the second of two simultaneous flushes (StaleDataError)."""
    from sqlalchemy.orm.exc import StaleDataError

    other = make_app()

    def collide():
        raise StaleDataError("UPDATE statement on table 'repair_orders' expected to update 1 row")

    pages = {
        "/orders/collide": "Someone else changed this order",
        "/handovers/collide": "Someone else changed this handover",
        "/admin/network/collide": "Someone else saved this",
    }
    for path in pages:
        other.add_url_rule(path, endpoint=path, view_func=collide)
    for path, words in pages.items():
        response = other.test_client().get(path)
        assert response.status_code == 409
        assert words in response.get_data(as_text=True)
