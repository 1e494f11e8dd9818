"""The partner pages: who may open them (403 by role, 404 outside one's workshop), the figures
page and its CSV, the settlement page, CSV and PDF, confirmation, and bad input without a 500."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from servicecenter.domain.enums import OrderStatus
from servicecenter.models import OrderLine, Settlement
from servicecenter.services.clock import local_date

from ..services.test_partners import JUNE, utc
from .helpers import alerts, csrf_token, database_snapshot

S = OrderStatus


def settlement_urls(app, workshop_id: int, year: int = 2026, month: int = 6):
    """Every partner URL naming a workshop, from the URL map (a new one is covered too)."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("partners.") and "workshop_id" in rule.arguments:
            path = rule.build(
                {"workshop_id": workshop_id, "year": year, "month": month}, append_unknown=False
            )[1]
            urls += [(method, path) for method in sorted(rule.methods & {"GET", "POST"})]
    return urls


def pdf_text(response) -> str:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)


@pytest.fixture
def june(make):
    """Two orders the remote partner completed in June 2026 (5,000.00 each, 60 %)."""
    return [make.order(S.READY, now=JUNE), make.order(S.READY, now=JUNE + timedelta(days=3))]


@pytest.mark.parametrize("user", ["reception_a", "tech"])
def test_office_staff_and_technicians_are_refused(app, client, make, login_as, user):
    login_as(getattr(make.net, user))
    before = database_snapshot()
    urls = [("GET", "/partners"), ("GET", "/partners/figures.csv")]
    for method, path in urls + settlement_urls(app, make.net.remote.id):
        response = client.open(path, method=method)
        assert response.status_code == 403, (method, path)
    assert database_snapshot() == before


def test_another_workshops_manager_finds_nothing(app, client, make, login_as, manager_other, june):
    login_as(manager_other)
    before = database_snapshot()
    urls = settlement_urls(app, make.net.remote.id)
    assert len(urls) == 4
    for method, path in urls:
        assert client.open(path, method=method).status_code == 404, (method, path)
    assert database_snapshot() == before
    page = client.get("/partners?year=2026").get_data(as_text=True)
    assert make.net.other.name in page and make.net.remote.name not in page


def test_the_admin_finds_no_settlement_of_an_own_or_unknown_workshop(client, make, login_as):
    login_as(make.net.admin)
    for workshop_id in (make.net.in_office.id, 999_999, 2**70):
        assert client.get(f"/partners/{workshop_id}/2026/6").status_code == 404


def test_the_figures_page_shows_each_partners_months(client, make, login_as, june):
    login_as(make.net.admin)
    response = client.get("/partners?year=2026")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    remote = make.net.remote.id
    assert f'id="figures-{remote}-6"' in html and f'id="figures-{make.net.other.id}-6"' in html
    row = html[html.index(f'id="figures-{remote}-6"') :]
    row = row[: row.index("</tr>")]
    assert '<td class="text-end completed">2</td>' in row
    assert "100.0\u00a0%" in row  # on time (ready the day they came in)
    assert f"/partners/{remote}/2026/6" in row  # the draft settlement
    assert '<td class="text-end refusal-rate">0.0\u00a0%</td>' in row
    july = html[html.index(f'id="figures-{remote}-7"') :]
    july = july[: july.index("</tr>")]
    assert '<td class="text-end on-time">—</td>' in july  # nothing to divide


def test_the_figures_csv(client, make, login_as, june):
    login_as(make.net.manager)
    response = client.get("/partners/figures.csv?year=2026")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="partner-figures-2026.csv"'
    )
    assert response.data.startswith("\ufeff".encode())
    lines = response.data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Workshop,Month,Taken on,Refused,Refusal rate (%),Completed")
    assert len(lines) == 1 + 13  # one partner: 12 months and the year
    assert lines[6] == "Remote Partner,2026-06,2,0,0.0,2,0.0,100.0,0.0"
    assert lines[-1].startswith("Remote Partner,2026,2,0,")


@pytest.mark.parametrize("year", ["abc", "13", "99999", "-1", "2026.5", "", "٢٠٢٦"])
def test_a_bad_year_shows_this_year(client, make, login_as, year):
    login_as(make.net.admin)
    this_year = local_date().year
    response = client.get("/partners", query_string={"year": year})
    assert response.status_code == 200
    assert f"Partner figures · {this_year}" in response.get_data(as_text=True)
    if year:
        assert any("There is no year" in text for text in alerts(response.get_data(as_text=True)))
    assert client.get("/partners/figures.csv", query_string={"year": year}).status_code == 200


@pytest.mark.parametrize("path", ["2026/13", "2026/0", "1999/5", "3000/1"])
def test_no_such_month_is_not_found(client, make, login_as, path):
    login_as(make.net.admin)
    assert client.get(f"/partners/{make.net.remote.id}/{path}").status_code == 404
    assert client.get(f"/partners/{make.net.remote.id}/{path}/settlement.pdf").status_code == 404


def test_the_draft_page_csv_and_pdf(client, make, login_as, june):
    login_as(make.net.manager)
    base = f"/partners/{make.net.remote.id}/2026/6"
    html = client.get(base).get_data(as_text=True)
    assert all(order.number in html for order in june)
    assert "6,000.00\u00a0RUB" in html  # 2 × 60 % of 5,000.00
    assert 'id="confirm-form"' not in html  # a manager reads, the admin confirms
    assert client.get(base, query_string={"page": "abc"}).status_code == 200
    assert client.get(base, query_string={"page": "-5"}).status_code == 200

    response = client.get(f"{base}/settlement.csv")
    assert response.mimetype == "text/csv" and response.data.startswith("\ufeff".encode())
    rows = response.data.decode("utf-8-sig").splitlines()
    assert rows[0].startswith("Order,Completed,Contract,Labour,Share (%),Labour due")
    assert rows[1].startswith(f"{june[0].number},2026-06-10,C-REMOTE,5000.00,60,3000.00,")
    assert rows[-1].startswith("Total,,,10000.00,,6000.00,") and ",6000.00," in rows[-1]

    text = pdf_text(client.get(f"{base}/settlement.pdf"))
    assert all(order.number in text for order in june)
    assert "6,000.00" in text and "DRAFT" in text and "Remote Partner" in text


def test_the_admin_confirms_and_the_settlement_stays_as_confirmed(
    client, make, login_as, db, fresh, june
):
    login_as(make.net.admin)
    base = f"/partners/{make.net.remote.id}/2026/6"
    assert 'id="confirm-form"' in client.get(base).get_data(as_text=True)
    response = client.post(f"{base}/confirm")
    assert response.status_code == 302 and response.headers["Location"].endswith(base)
    fresh()
    settlement = db.session.scalars(sa.select(Settlement)).one()
    number = f"ST-{make.net.remote.id}-2026-06"
    assert (settlement.number, settlement.total_due, settlement.locale) == (number, 600_000, "en")
    pdf = client.get(f"{base}/settlement.pdf")
    assert pdf.data == settlement.content and "DRAFT" not in pdf_text(pdf)
    csv_before = client.get(f"{base}/settlement.csv").data

    # The orders change afterwards: a new line, one order moved out of June.
    db.session.add(
        OrderLine(
            order_id=june[0].id,
            kind="service",
            description="Extra",
            quantity=1,
            unit_price=900_000,
            state="active",
            added_by_id=make.net.tech.id,
        )
    )
    june[1].ready_at = utc(2026, 5, 20, 9)
    db.session.commit()
    html = client.get(base).get_data(as_text=True)
    assert june[1].number in html and "6,000.00\u00a0RUB" in html and "confirmed" in html
    assert 'id="confirm-form"' not in html
    assert client.get(f"{base}/settlement.csv").data == csv_before
    assert client.get(f"{base}/settlement.pdf").data == settlement.content
    # The figures page links the confirmed settlement by its number.
    assert number in client.get("/partners?year=2026").get_data(as_text=True)

    before = database_snapshot()
    again = client.post(f"{base}/confirm")
    assert again.status_code == 422
    assert "This month is confirmed already." in alerts(again.get_data(as_text=True))
    assert database_snapshot() == before


def test_confirming_in_russian_prints_in_russian(client, make, login_as, db, fresh, june):
    login_as(make.net.admin)
    client.post("/language", data={"lang": "ru"})
    base = f"/partners/{make.net.remote.id}/2026/6"
    assert client.post(f"{base}/confirm").status_code == 302
    fresh()
    assert db.session.scalars(sa.select(Settlement.locale)).one() == "ru"
    text = pdf_text(client.get(f"{base}/settlement.pdf"))
    assert "Расчёт с партнёром" in text and june[0].number in text


def test_what_cannot_be_confirmed_is_said_and_nothing_is_written(client, make, login_as, june):
    login_as(make.net.admin)
    today = local_date()
    before = database_snapshot()
    empty = client.post(f"/partners/{make.net.remote.id}/2026/5/confirm")
    assert empty.status_code == 422
    assert "The workshop completed no orders in this month." in alerts(empty.get_data(as_text=True))
    running = client.post(f"/partners/{make.net.remote.id}/{today.year}/{today.month}/confirm")
    assert running.status_code == 422
    assert "A month can be confirmed only once it is over." in alerts(
        running.get_data(as_text=True)
    )
    assert database_snapshot() == before


def test_a_manager_cannot_confirm(client, make, login_as, june):
    login_as(make.net.manager)
    before = database_snapshot()
    assert client.post(f"/partners/{make.net.remote.id}/2026/6/confirm").status_code == 403
    assert database_snapshot() == before


def test_the_nav_links_the_partner_pages_for_admins_and_managers(client, make, login_as):
    for user, shown in ((make.net.admin, True), (make.net.manager, True), (make.net.tech, False)):
        login_as(user)
        html = client.get("/orders").get_data(as_text=True)
        assert ('id="nav-partners"' in html) is shown, user.username


def test_the_confirm_form_needs_the_token(make_app, make, june, db):
    from ..factories import PASSWORD

    guarded = make_app(WTF_CSRF_ENABLED=True).test_client()
    token = csrf_token(guarded, "/login")
    guarded.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token})
    base = f"/partners/{make.net.remote.id}/2026/6"
    before = database_snapshot()
    assert guarded.post(f"{base}/confirm").status_code == 400
    assert guarded.post(f"{base}/confirm", data={"csrf_token": "forged"}).status_code == 400
    assert database_snapshot() == before
    token = csrf_token(guarded, base)
    assert guarded.post(f"{base}/confirm", data={"csrf_token": token}).status_code == 302
