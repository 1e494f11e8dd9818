"""CSRF protection is on for every form: a POST without the page's token is refused."""

from __future__ import annotations

import re

import pytest

from servicecenter import create_app
from servicecenter.domain.enums import OrderStatus
from servicecenter.models import Customer

from ..conftest import IsolatedClient
from ..factories import PASSWORD

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture
def guarded(database_url, db):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, WTF_CSRF_ENABLED=True)
    app.test_client_class = IsolatedClient
    return app.test_client()


def token_from(client, path) -> str:
    return TOKEN.search(client.get(path).get_data(as_text=True)).group(1)


def test_login_needs_the_token(guarded, make):
    make.network()
    refused = guarded.post("/login", data={"username": "reception_a", "password": PASSWORD})
    assert refused.status_code == 400
    assert "The form expired" in refused.get_data(as_text=True)
    token = token_from(guarded, "/login")
    accepted = guarded.post(
        "/login", data={"username": "reception_a", "password": PASSWORD, "csrf_token": token}
    )
    assert accepted.status_code == 302


def log_in(client):
    token = token_from(client, "/login")
    client.post(
        "/login", data={"username": "reception_a", "password": PASSWORD, "csrf_token": token}
    )


def test_status_change_and_intake_need_the_token(guarded, make, fresh, db):
    order = make.order(OrderStatus.RECEIVED)
    log_in(guarded)
    data = {"target": "to_workshop", "version": order.version}
    assert guarded.post(f"/orders/{order.number}/status", data=data).status_code == 400
    customer = {"name": "Anna", "phone": "+79160000001", "kind": "individual"}
    assert guarded.post("/intake/customers", data=customer).status_code == 400
    assert guarded.post("/logout").status_code == 400
    fresh()
    assert order.status is OrderStatus.RECEIVED
    assert db.session.query(Customer).filter_by(name="Anna").count() == 0

    token = token_from(guarded, f"/orders/{order.number}")
    response = guarded.post(f"/orders/{order.number}/status", data={**data, "csrf_token": token})
    assert response.status_code == 302
    assert (
        guarded.post("/intake/customers", data={**customer, "csrf_token": token}).status_code == 302
    )
    fresh()
    assert order.status is OrderStatus.TO_WORKSHOP


def test_the_public_lookup_needs_the_token(guarded, db):
    assert (
        guarded.post(
            "/status", data={"number": "AAA-2026-000001", "phone_last4": "1234"}
        ).status_code
        == 400
    )
