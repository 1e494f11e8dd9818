"""The customer profile for the desk, its consent form and merging a duplicate record: who may
open them, what they show across offices, refused forms and stale pages, bounded queries."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from servicecenter.domain.enums import OrderStatus, PaymentKind, PaymentMethod
from servicecenter.domain.feedback import Scores
from servicecenter.models import Customer, CustomerMerge, RepairOrder
from servicecenter.services import feedback, orders

from .helpers import alerts, csrf_token, database_snapshot, field_messages
from .test_health_and_lists import counting_queries

S = OrderStatus
LINKED = re.compile(r'<a class="order-number" href="/orders/([A-Z]+-\d{4}-\d{6})">')
UNLINKED = re.compile(r'<span class="order-number text-body-secondary"[^>]*>([A-Z]+-\d{4}-\d{6})<')


@pytest.fixture
def customer(make):
    return make.customer(name="Ivan Petrov", phone="+79161110001")


@pytest.fixture
def two_offices(make, customer):
    """An order of the customer at each office."""
    device = make.device(customer)
    return make.order(S.RECEIVED, device=device), make.order(
        S.RECEIVED, device=device, office=make.net.office_b
    )


def html(response) -> str:
    return response.get_data(as_text=True)


def test_the_desk_sees_every_order_but_links_only_its_own(
    client, make, login_as, customer, two_offices
):
    own, other = two_offices
    login_as(make.net.reception_a)
    page = html(client.get(f"/customers/{customer.id}"))
    assert "Ivan Petrov" in page and "+79161110001" in page
    assert LINKED.findall(page) == [own.number]
    assert UNLINKED.findall(page) == [other.number]
    # and the other office's order page stays closed to this desk
    assert client.get(f"/orders/{other.number}").status_code == 404


def test_an_admin_may_open_every_order_of_the_customer(
    client, make, login_as, customer, two_offices
):
    login_as(make.net.admin)
    page = html(client.get(f"/customers/{customer.id}"))
    assert sorted(LINKED.findall(page)) == sorted(order.number for order in two_offices)
    assert UNLINKED.findall(page) == []


@pytest.mark.parametrize("role", ["tech", "manager", "tech_in_office"])
@pytest.mark.parametrize(
    "path", ["/customers/{id}", "/customers/{id}/merge", "/customers/{id}/merge/{id}"]
)
def test_workshop_staff_are_refused(client, make, login_as, customer, role, path):
    login_as(getattr(make.net, role))
    assert client.get(path.format(id=customer.id)).status_code == 403
    assert client.post(f"/customers/{customer.id}/consent", data={}).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, customer):
    response = client.get(f"/customers/{customer.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "path",
    [
        "/customers/0",
        "/customers/999",
        "/customers/99999999999999999999999",
        "/customers/abc",
        "/customers/999/merge",
        "/customers/{id}/merge/999",
        "/customers/{id}/merge/99999999999999999999999",
    ],
)
def test_bad_ids_are_not_found(client, make, login_as, customer, path):
    login_as(make.net.reception_a)
    assert client.get(path.format(id=customer.id)).status_code == 404


def test_totals_count_payments_refunds_and_what_is_still_owed(client, make, login_as, customer, db):
    device = make.device(customer)
    collected = make.order(S.COLLECTED, device=device)  # 5,000.00 paid in full
    orders.record_payment(
        collected,
        kind=PaymentKind.REFUND,
        method=PaymentMethod.CASH,
        amount=100_000,
        actor=make.net.reception_a,
    )
    make.order(S.IN_REPAIR, device=device, prepayment=200_000)  # 5,000.00, 2,000.00 prepaid
    make.order(S.CANCELLED, device=device)
    db.session.commit()
    login_as(make.net.reception_a)
    page = html(client.get(f"/customers/{customer.id}"))
    assert re.search(r'id="total-orders">3<', page)
    assert re.search(r'id="total-paid">6,000.00\xa0RUB<', page)
    assert re.search(r'id="open-balance">3,000.00\xa0RUB<', page)


def test_ratings_and_open_follow_ups_are_shown(client, make, login_as, customer):
    order = make.order(S.COLLECTED, device=make.device(customer))
    feedback.submit(
        order.tracking_token,
        Scores(csat=1, nps=2, effort=2, comment="Scratched my screen"),
        ip="198.51.100.4",
        user_agent="Firefox",
    )
    from servicecenter.extensions import db

    db.session.commit()
    login_as(make.net.reception_b)
    page = html(client.get(f"/customers/{customer.id}"))
    assert "Scratched my screen" in page
    assert 'id="open-follow-ups"' in page and order.number in page


def test_the_profile_is_linked_from_the_order_page_and_the_list(
    client, make, login_as, customer, two_offices
):
    own, _ = two_offices
    login_as(make.net.reception_a)
    profile = f'href="/customers/{customer.id}"'
    assert profile in html(client.get(f"/orders/{own.number}"))
    assert profile in html(client.get("/orders?q=Petrov"))
    assert profile in html(client.get("/intake?phone=%2B79161110001"))
    login_as(make.net.tech)
    make.advance(own, S.DIAGNOSING)
    assert profile not in html(client.get(f"/orders/{own.number}"))


def test_the_profile_reads_a_fixed_number_of_queries(client, make, login_as, db):
    def queries_to_render(orders_count: int) -> int:
        customer = make.customer()
        for _ in range(orders_count):
            order = make.order(S.COLLECTED, device=make.device(customer))
            feedback.submit(
                order.tracking_token,
                Scores(csat=1, nps=2, effort=2),
                ip="198.51.100.4",
                user_agent="Firefox",
            )
        db.session.commit()
        login_as(make.net.reception_a)
        client.get(f"/customers/{customer.id}")
        with counting_queries(db) as statements:
            assert client.get(f"/customers/{customer.id}").status_code == 200
        return len(statements)

    few, many = queries_to_render(2), queries_to_render(6)
    assert few == many
    assert many <= 12


def test_a_long_history_is_capped_and_the_totals_count_it_all(
    client, make, login_as, customer, monkeypatch
):
    from servicecenter.queries import customers as customer_queries

    monkeypatch.setattr(customer_queries, "PROFILE_ORDERS", 2)
    device = make.device(customer)
    for _ in range(3):
        make.order(S.RECEIVED, device=device)
    login_as(make.net.reception_a)
    page = html(client.get(f"/customers/{customer.id}"))
    assert len(LINKED.findall(page)) == 2
    assert 'id="orders-capped"' in page and re.search(r'id="total-orders">3<', page)


# --- consent --------------------------------------------------------------------------------


def test_the_desk_saves_consent(client, make, login_as, customer, fresh):
    login_as(make.net.reception_a)
    response = client.post(
        f"/customers/{customer.id}/consent", data={"consent_sms": "y", "version": customer.version}
    )
    assert response.status_code == 302
    fresh()
    assert (customer.consent_sms, customer.consent_email) == (True, False)


def test_email_consent_without_an_address_is_refused_keeping_the_ticks(
    client, make, login_as, customer
):
    login_as(make.net.reception_a)
    before = database_snapshot()
    response = client.post(
        f"/customers/{customer.id}/consent",
        data={"consent_sms": "y", "consent_email": "y", "version": customer.version},
    )
    assert response.status_code == 422
    page = html(response)
    assert field_messages(page, "consent_email") == [
        "There is no e-mail address to write to: add it at the next visit."
    ]
    assert re.search(r'name="consent_sms" value="y" checked', page)
    assert database_snapshot() == before


@pytest.mark.parametrize("version", ["0", "", "abc", "99999999999999999999"])
def test_consent_from_a_stale_page_is_refused(client, make, login_as, customer, version):
    login_as(make.net.reception_a)
    before = database_snapshot()
    response = client.post(
        f"/customers/{customer.id}/consent", data={"consent_sms": "y", "version": version}
    )
    assert response.status_code == 422
    assert any("Someone else changed this customer" in text for text in alerts(html(response)))
    assert database_snapshot() == before


# --- merging --------------------------------------------------------------------------------


@pytest.fixture
def duplicate(make):
    duplicate = make.customer(name="Ivan Petrov", phone="+79162220002")
    make.order(S.RECEIVED, device=make.device(duplicate), office=make.net.office_b)
    return duplicate


def test_the_duplicate_is_found_by_phone_or_name_but_not_the_record_itself(
    client, make, login_as, customer, duplicate
):
    login_as(make.net.reception_a)
    target = f'href="/customers/{customer.id}/merge/{duplicate.id}"'
    for q in ("2220002", "ivan petr"):
        page = html(client.get(f"/customers/{customer.id}/merge", query_string={"q": q}))
        assert target in page
        assert f'/merge/{customer.id}"' not in page
    page = html(client.get(f"/customers/{customer.id}/merge", query_string={"q": "Nobody"}))
    assert 'id="no-duplicates"' in page


def test_the_confirmation_shows_both_records_and_the_consent_rule(
    client, make, login_as, customer, duplicate
):
    login_as(make.net.reception_a)
    page = html(client.get(f"/customers/{customer.id}/merge/{duplicate.id}"))
    assert "+79161110001" in page and "+79162220002" in page
    assert "Consent stays as the kept record has it" in page
    assert f'name="survivor_version" type="hidden" value="{customer.version}"' in page
    assert f'name="duplicate_version" type="hidden" value="{duplicate.version}"' in page


def test_the_desk_merges_a_duplicate(client, make, login_as, customer, duplicate, db, fresh):
    login_as(make.net.reception_a)
    duplicate_id = duplicate.id
    response = client.post(
        f"/customers/{customer.id}/merge/{duplicate.id}",
        data={"survivor_version": customer.version, "duplicate_version": duplicate.version},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/customers/{customer.id}"
    fresh()
    assert db.session.get(Customer, duplicate_id) is None
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(RepairOrder)
            .where(RepairOrder.customer_id == customer.id)
        )
        == 1
    )
    page = html(client.get(f"/customers/{customer.id}"))
    assert 'id="merged-from"' in page and "+79162220002" in page
    assert "merged into this record" in " ".join(alerts(page))
    # an old tab of the duplicate leads to the survivor
    old = client.get(f"/customers/{duplicate_id}")
    assert old.status_code == 302 and old.headers["Location"] == f"/customers/{customer.id}"
    # a second click of the same button changes nothing and says why
    again = client.post(
        f"/customers/{customer.id}/merge/{duplicate_id}",
        data={"survivor_version": "1", "duplicate_version": "1"},
    )
    assert again.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CustomerMerge)) == 1


def test_merging_a_record_into_itself_is_refused(client, make, login_as, customer):
    login_as(make.net.admin)
    page = html(client.get(f"/customers/{customer.id}/merge/{customer.id}"))
    assert 'id="merge-refusal"' in page and 'id="merge-form"' not in page
    before = database_snapshot()
    response = client.post(
        f"/customers/{customer.id}/merge/{customer.id}",
        data={"survivor_version": customer.version, "duplicate_version": customer.version},
    )
    assert response.status_code == 422
    assert database_snapshot() == before


@pytest.mark.parametrize("stale", ["survivor_version", "duplicate_version"])
def test_a_merge_from_a_stale_page_is_refused(client, make, login_as, customer, duplicate, stale):
    login_as(make.net.reception_a)
    data = {"survivor_version": customer.version, "duplicate_version": duplicate.version}
    data[stale] = "0"
    before = database_snapshot()
    response = client.post(f"/customers/{customer.id}/merge/{duplicate.id}", data=data)
    assert response.status_code == 422
    assert any("Someone else changed this customer" in text for text in alerts(html(response)))
    assert database_snapshot() == before
    # shown again with the versions as they are now, ready to confirm after a look
    assert f'name="duplicate_version" type="hidden" value="{duplicate.version}"' in html(response)


def test_a_merge_needs_the_csrf_token(make_app, make, customer, duplicate, fresh, db):
    from ..factories import PASSWORD

    guarded = make_app(WTF_CSRF_ENABLED=True).test_client()
    token = csrf_token(guarded, "/login")
    guarded.post(
        "/login", data={"username": "reception_a", "password": PASSWORD, "csrf_token": token}
    )
    duplicate_id = duplicate.id
    path = f"/customers/{customer.id}/merge/{duplicate_id}"
    data = {"survivor_version": customer.version, "duplicate_version": duplicate.version}
    before = database_snapshot()
    assert guarded.post(path, data=data).status_code == 400
    assert (
        guarded.post(
            f"/customers/{customer.id}/consent", data={"version": customer.version}
        ).status_code
        == 400
    )
    assert database_snapshot() == before
    response = guarded.post(path, data={**data, "csrf_token": csrf_token(guarded, path)})
    assert response.status_code == 302
    fresh()
    assert db.session.get(Customer, duplicate_id) is None
