"""The admin edits the texts offices print; each save is a version and contracts use the newest."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from servicecenter.domain.enums import OrderStatus


def edit_url(make, kind="contract_terms", locale="en"):
    return f"/admin/offices/{make.net.office_a.id}/texts/{kind}/{locale}"


def test_only_admins_edit_texts(client, make, login_as):
    for user in ("reception_a", "tech", "manager"):
        login_as(getattr(make.net, user))
        assert client.get("/admin/texts").status_code == 403
        assert client.post(edit_url(make), data={"body": "x"}).status_code == 403


def test_the_overview_lists_every_office_text(client, make, login_as):
    login_as(make.net.admin)
    page = client.get("/admin/texts").get_data(as_text=True)
    assert make.net.office_a.name in page and make.net.office_b.name in page
    assert page.count("built-in") == 8  # 2 offices x 2 texts x 2 languages


def test_saving_makes_a_new_version_used_by_the_next_contract(client, make, login_as, db):
    make.net.office_a.locale = "en"
    db.session.commit()
    order = make.order(OrderStatus.RECEIVED)
    login_as(make.net.admin)
    form = client.get(edit_url(make)).get_data(as_text=True)
    assert "backs up their data" in form  # the built-in text to start from
    response = client.post(edit_url(make), data={"body": "1. Only the terms of this test."})
    assert response.status_code == 302
    page = client.get(edit_url(make)).get_data(as_text=True)
    assert "Version 2 saved." in page and "version 1" in page
    login_as(make.net.reception_a)
    pdf = client.get(f"/orders/{order.number}/documents/contract.pdf").data
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "Only the terms of this test." in text
    assert "Terms of the contract (version 2)" in text


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "This field is required."), ("x" * 10_001, "Field cannot be longer than 10000")],
)
def test_bad_text_is_refused_and_kept(client, make, login_as, body, message):
    login_as(make.net.admin)
    response = client.post(edit_url(make), data={"body": body})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_an_unchanged_text_is_not_a_new_version(client, make, login_as):
    login_as(make.net.admin)
    client.post(edit_url(make), data={"body": "Same words."})
    response = client.post(edit_url(make), data={"body": "Same words."})
    assert response.status_code == 422
    assert "Nothing changed" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/offices/999/texts/contract_terms/en",
        "/admin/offices/{office}/texts/poems/en",
        "/admin/offices/{office}/texts/contract_terms/de",
    ],
)
def test_unknown_office_kind_or_language_is_404(client, make, login_as, path):
    login_as(make.net.admin)
    assert client.get(path.format(office=make.net.office_a.id)).status_code == 404
