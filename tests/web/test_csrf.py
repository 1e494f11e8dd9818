"""CSRF protection: a POST without the page's token (or with another browser's) is refused with
400 and changes nothing; the same POST with the token scraped from the page goes through."""

from __future__ import annotations

import pytest

from servicecenter.domain.enums import OrderStatus
from servicecenter.models import Customer

from ..factories import PASSWORD
from .helpers import csrf_token, database_snapshot


@pytest.fixture
def guarded(make_app):
    """A client of an app with CSRF protection on, as in production."""
    return make_app(WTF_CSRF_ENABLED=True).test_client()


def logged_in(client) -> bool:
    return client.get("/orders").status_code == 200


def log_in(client, username="reception_a"):
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_login_needs_the_token(guarded, make):
    make.network()
    credentials = {"username": "reception_a", "password": PASSWORD}
    before = database_snapshot()
    refused = guarded.post("/login", data=credentials)
    assert refused.status_code == 400
    assert "The form expired" in refused.get_data(as_text=True)
    assert not logged_in(guarded)
    assert database_snapshot() == before  # not even the last-login time

    accepted = guarded.post(
        "/login", data={**credentials, "csrf_token": csrf_token(guarded, "/login")}
    )
    assert accepted.status_code == 302
    assert logged_in(guarded)


def test_a_status_change_needs_the_token(guarded, make, fresh):
    order = make.order(OrderStatus.RECEIVED)
    log_in(guarded)
    data = {"target": "cancelled", "note": "Customer left", "version": order.version}
    before = database_snapshot()
    assert guarded.post(f"/orders/{order.number}/status", data=data).status_code == 400
    assert (
        guarded.post(
            f"/orders/{order.number}/status", data={**data, "csrf_token": "forged"}
        ).status_code
        == 400
    )
    assert database_snapshot() == before

    token = csrf_token(guarded, f"/orders/{order.number}")
    response = guarded.post(f"/orders/{order.number}/status", data={**data, "csrf_token": token})
    assert response.status_code == 302
    fresh()
    assert order.status is OrderStatus.CANCELLED


def test_intake_needs_the_token(guarded, make, db, fresh):
    make.network()
    log_in(guarded)
    customer = {"name": "Anna", "phone": "+79160000001", "kind": "individual"}
    before = database_snapshot()
    assert guarded.post("/intake/customers", data=customer).status_code == 400
    assert database_snapshot() == before

    token = csrf_token(guarded, "/intake")
    response = guarded.post("/intake/customers", data={**customer, "csrf_token": token})
    assert response.status_code == 302
    fresh()
    assert db.session.query(Customer.name).scalar() == "Anna"


def test_another_browsers_token_does_not_work(make_app, make):
    """A token is tied to its browser session: one scraped by an attacker is useless to them."""
    make.network()
    app = make_app(WTF_CSRF_ENABLED=True)
    victim, attacker = app.test_client(), app.test_client()
    log_in(victim)
    stolen = csrf_token(attacker, "/login")
    customer = {"name": "Forged", "phone": "+79160000002", "kind": "individual"}
    before = database_snapshot()
    assert (
        victim.post("/intake/customers", data={**customer, "csrf_token": stolen}).status_code == 400
    )
    assert database_snapshot() == before


def test_logout_and_the_public_lookup_need_the_token(guarded, make):
    make.network()
    log_in(guarded)
    assert guarded.post("/logout").status_code == 400
    assert logged_in(guarded)  # a cross-site POST cannot log someone out
    lookup = {"number": "AAA-2026-000001", "phone_last4": "1234"}
    assert guarded.post("/status", data=lookup).status_code == 400
    token = csrf_token(guarded, "/status")
    assert guarded.post("/status", data={**lookup, "csrf_token": token}).status_code == 404
