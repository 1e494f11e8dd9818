"""Printing from the order page: stable URLs, scope, reprints, versions, the missing-field gate."""

from __future__ import annotations

import pytest

from servicecenter.domain.enums import OrderStatus
from servicecenter.services import orders

S = OrderStatus


def test_print_the_contract_and_reprint_it(client, make, login_as):
    order = make.order(S.RECEIVED)
    login_as(make.net.reception_a)
    url = f"/orders/{order.number}/documents/contract.pdf"
    first = client.get(url)
    assert first.status_code == 200
    assert first.mimetype == "application/pdf"
    assert first.data.startswith(b"%PDF")
    assert "no-store" in first.headers["Cache-Control"]
    assert client.get(url).data == first.data
    page = client.get(f"/orders/{order.number}").get_data(as_text=True)
    assert f"{order.number}-C1" in page
    assert f"/orders/{order.number}/documents/contract/v1.pdf" in page


def test_a_changed_order_prints_a_new_version_and_keeps_the_old(client, make, login_as, db, fresh):
    order = make.order(S.DIAGNOSING)
    login_as(make.net.tech)
    v1 = client.get(f"/orders/{order.number}/documents/quote.pdf").data
    fresh()  # the print committed a document since this session last read
    orders.record_work(order, actor=make.net.tech, diagnosis="Worse", work_done="", price=900_000)
    db.session.commit()
    v2 = client.get(f"/orders/{order.number}/documents/quote.pdf").data
    assert v1 != v2
    assert client.get(f"/orders/{order.number}/documents/quote/v1.pdf").data == v1
    assert client.get(f"/orders/{order.number}/documents/quote/v2.pdf").data == v2
    assert client.get(f"/orders/{order.number}/documents/quote/v3.pdf").status_code == 404


@pytest.mark.parametrize("outsider", ["reception_b", "tech_other"])
def test_another_office_or_workshop_gets_404(client, make, login_as, outsider):
    order = make.order(S.RECEIVED)
    login_as(make.net.reception_a)
    client.get(f"/orders/{order.number}/documents/contract.pdf")
    login_as(getattr(make.net, outsider))
    assert client.get(f"/orders/{order.number}/documents/contract.pdf").status_code == 404
    assert client.get(f"/orders/{order.number}/documents/contract/v1.pdf").status_code == 404


@pytest.mark.parametrize("kind", ["warranty", "completion", "invoice"])
def test_a_document_not_yet_issuable_or_unknown_is_404(client, make, login_as, kind):
    order = make.order(S.READY)
    login_as(make.net.reception_a)
    assert client.get(f"/orders/{order.number}/documents/{kind}.pdf").status_code == 404


def test_missing_fields_are_named_on_the_order_page(client, make, login_as, db):
    make.net.office_a.tax_id = ""
    db.session.commit()
    order = make.order(S.RECEIVED)
    login_as(make.net.reception_a)
    response = client.get(f"/orders/{order.number}/documents/contract.pdf")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Fill in before printing: office tax id." in page
    client.post("/language", data={"lang": "ru"})
    client.get(f"/orders/{order.number}/documents/contract.pdf")
    page = client.get(f"/orders/{order.number}").get_data(as_text=True)
    assert "ИНН офиса" in page


def test_the_order_page_offers_what_can_be_printed(client, make, login_as):
    order = make.order(S.COLLECTED)
    login_as(make.net.reception_a)
    page = client.get(f"/orders/{order.number}").get_data(as_text=True)
    for kind in ("contract", "quote", "completion", "warranty"):
        assert f"/orders/{order.number}/documents/{kind}.pdf" in page
    fresh_order = make.order(S.RECEIVED)
    page = client.get(f"/orders/{fresh_order.number}").get_data(as_text=True)
    assert "/documents/contract.pdf" in page
    assert "/documents/warranty.pdf" not in page
