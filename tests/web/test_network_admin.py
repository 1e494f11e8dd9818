"""The network admin pages: offices, workshops and partner contracts. Admin only; bad input is
refused with 422, the message under its field, what was typed kept and nothing written; an
expired contract stops intake from routing new orders to the partner."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from servicecenter.domain.enums import WorkshopKind
from servicecenter.models import Office, RepairOrder, StockLocation, Workshop, WorkshopContract
from servicecenter.services.clock import local_date

from .helpers import database_snapshot
from .test_forms import good_order, refused, shows_typed

BASE = "/admin/network"
GOOD_OFFICE = {
    "code": "ccc",
    "name": "Office C",
    "legal_name": "Service C LLC",
    "tax_id": "7700000003",
    "address": "3 Third St",
    "phone": "+7 495 000-00-03",
    "hours": "10-19",
    "locale": "en",
    "digest_email": "manager-c@example.com",
}
GOOD_WORKSHOP = {
    "name": "Fix-It Partner",
    "kind": "partner",
    "in_office_id": "",
    "address": "5 Works Rd",
    "phone": "+7 495 000-00-05",
    "email": "fixit@example.com",
    "turnaround_days": "9",
    "active": "y",
}


def good_contract(**changes) -> dict:
    data = {
        "number": "C-2030",
        "starts_on": "2030-01-01",
        "ends_on": "2030-12-31",
        "categories": ["phone", "laptop"],
        "brands": "Apple,  samsung\napple",
        "turnaround_days": "12",
        "labour_share_percent": "55",
        "active": "y",
    }
    data.update(changes)
    return data


@pytest.fixture
def admin(make, login_as):
    return login_as(make.net.admin)


CHECKED = re.compile(r'<input checked [^>]*name="categories" type="checkbox" value="([a-z]+)"')


def checked_categories(html: str) -> list[str]:
    return CHECKED.findall(html)


def one(db, statement):
    db.session.rollback()
    return db.session.execute(statement).scalar_one()


# --- offices --------------------------------------------------------------------------------


def test_an_admin_adds_an_office_with_its_stock_location(client, admin, db):
    response = client.post(f"{BASE}/offices/new", data=GOOD_OFFICE)
    assert response.status_code == 302
    office = one(db, sa.select(Office).where(Office.code == "CCC"))
    assert (office.name, office.legal_name, office.phone, office.locale) == (
        "Office C",
        "Service C LLC",
        "+7 495 000-00-03",
        "en",
    )
    assert office.digest_email == "manager-c@example.com"
    one(db, sa.select(StockLocation).where(StockLocation.office_id == office.id))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Office CCC added." in page
    assert "Office C" in page


def test_an_admin_edits_an_office_but_not_its_code(client, admin, make, db):
    office = make.net.office_b
    page = client.get(f"{BASE}/offices/{office.id}/edit").get_data(as_text=True)
    assert 'name="code"' not in page and 'value="BBB" readonly' in page
    data = {**GOOD_OFFICE, "code": "ZZZ", "name": "Office B, renamed", "locale": "ru"}
    data["version"] = office.version
    response = client.post(f"{BASE}/offices/{office.id}/edit", data=data)
    assert response.status_code == 302
    db.session.rollback()
    db.session.expire_all()
    assert (office.code, office.name, office.address) == ("BBB", "Office B, renamed", "3 Third St")


@pytest.mark.parametrize(
    ("changes", "message", "field"),
    [
        ({"code": "aaa"}, "Another office has this code.", "code"),
        ({"code": "Ж1"}, "The code is 2 to 6 Latin letters or digits", "code"),
        ({"code": "C"}, "The code is 2 to 6 Latin letters or digits", "code"),
        ({"code": "C" * 7}, "Field cannot be longer than 6 characters.", "code"),
        ({"name": "  "}, "This field is required.", "name"),
        ({"locale": "de"}, "Not a valid choice.", "locale"),
        ({"phone": "1" * 21}, "Field cannot be longer than 20 characters.", "phone"),
        ({"digest_email": "manager at office"}, "Invalid email address.", "digest_email"),
    ],
)
def test_a_bad_office_is_refused(client, admin, changes, message, field):
    before = database_snapshot()
    html = refused(
        client.post(f"{BASE}/offices/new", data={**GOOD_OFFICE, **changes}), message, field
    )
    shows_typed(html, GOOD_OFFICE["address"], GOOD_OFFICE["legal_name"])
    assert database_snapshot() == before


# --- workshops ------------------------------------------------------------------------------


def test_an_admin_adds_a_workshop_inside_an_office(client, admin, make, db):
    office = make.net.office_b
    data = {**GOOD_WORKSHOP, "name": "Office B Bench", "kind": "own", "in_office_id": office.id}
    response = client.post(f"{BASE}/workshops/new", data=data)
    assert response.status_code == 302
    workshop = one(db, sa.select(Workshop).where(Workshop.name == "Office B Bench"))
    assert (workshop.kind, workshop.in_office_id, workshop.turnaround_days, workshop.active) == (
        WorkshopKind.OWN,
        office.id,
        9,
        True,
    )
    one(db, sa.select(StockLocation).where(StockLocation.workshop_id == workshop.id))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Workshop Office B Bench added." in page
    assert "BBB · Office B" in page
    assert 'id="add-contract"' not in page  # our own workshops need no contract
    # ... and have no contract page at all
    assert client.get(f"{BASE}/workshops/{workshop.id}/contracts/new").status_code == 404


def test_a_new_partner_has_no_contract_until_one_is_added(client, admin, make, db):
    response = client.post(f"{BASE}/workshops/new", data=GOOD_WORKSHOP)
    assert response.status_code == 302
    workshop = one(db, sa.select(Workshop).where(Workshop.name == "Fix-It Partner"))
    assert (workshop.kind, workshop.in_office_id) == (WorkshopKind.PARTNER, None)
    page = client.get(f"{BASE}/workshops/{workshop.id}").get_data(as_text=True)
    assert 'id="add-contract"' in page
    assert "This partner workshop has no contract in force: choose another workshop." in page
    overview = client.get(BASE).get_data(as_text=True)
    assert "No contract in force" in overview


def test_an_admin_edits_a_workshop(client, admin, make, db):
    workshop = make.net.other
    page = client.get(f"{BASE}/workshops/{workshop.id}/edit").get_data(as_text=True)
    assert 'value="Other Partner"' in page
    data = {**GOOD_WORKSHOP, "name": "Other Partner Ltd", "turnaround_days": "4"}
    del data["active"]  # unchecked
    data["version"] = workshop.version
    response = client.post(f"{BASE}/workshops/{workshop.id}/edit", data=data)
    assert response.status_code == 302
    db.session.rollback()
    db.session.expire_all()
    assert (workshop.name, workshop.turnaround_days, workshop.active) == (
        "Other Partner Ltd",
        4,
        False,
    )


@pytest.mark.parametrize(
    ("changes", "message", "field"),
    [
        ({"name": "Remote Partner"}, "Another workshop has this name.", "name"),
        ({"name": ""}, "This field is required.", "name"),
        ({"kind": "franchise"}, "Not a valid choice.", "kind"),
        ({"in_office_id": "999"}, "Not a valid choice.", "in_office_id"),
        ({"in_office_id": "abc"}, "Invalid Choice: could not coerce.", "in_office_id"),
        ({"turnaround_days": "0"}, "The turnaround is from 1 to 365 days.", "turnaround_days"),
        ({"turnaround_days": "9" * 30}, "The turnaround is from 1 to 365 days.", "turnaround_days"),
        ({"turnaround_days": "soon"}, "Not a valid integer value.", "turnaround_days"),
        ({"digest_email": "boss@"}, "Invalid email address.", "digest_email"),
    ],
)
def test_a_bad_workshop_is_refused(client, admin, changes, message, field):
    before = database_snapshot()
    response = client.post(f"{BASE}/workshops/new", data={**GOOD_WORKSHOP, **changes})
    html = refused(response, message, field)
    shows_typed(html, GOOD_WORKSHOP["address"], GOOD_WORKSHOP["email"])
    assert database_snapshot() == before


# --- contracts ------------------------------------------------------------------------------


def test_an_admin_adds_and_edits_a_contract(client, admin, make, db):
    partner = make.net.other
    response = client.post(
        f"{BASE}/workshops/{partner.id}/contracts/new",
        # C-OTHER runs to the end of 2099: the next contract starts after it.
        data=good_contract(starts_on="2100-01-01", ends_on="2100-12-31"),
    )
    assert response.status_code == 302
    contract = one(db, sa.select(WorkshopContract).where(WorkshopContract.number == "C-2030"))
    assert (contract.workshop_id, contract.categories, contract.brands) == (
        partner.id,
        "laptop,phone",
        "Apple, samsung",
    )
    assert (contract.turnaround_days, contract.labour_share_percent, contract.active) == (
        12,
        55,
        True,
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Contract C-2030 added." in page
    assert page.index("C-2030") < page.index("C-OTHER")  # newest first
    assert "Not started" in page and "In force" in page

    form = client.get(f"{BASE}/contracts/{contract.id}/edit").get_data(as_text=True)
    assert 'value="2100-01-01"' in form
    assert checked_categories(form) == ["phone", "laptop"]
    # Suspended, it may share its days with C-OTHER: only active contracts overlap.
    response = client.post(
        f"{BASE}/contracts/{contract.id}/edit",
        data=good_contract(
            number="C-2030/1", starts_on="2021-01-01", categories=["tv"], brands="", active=""
        )
        | {"version": contract.version},
    )
    assert response.status_code == 302
    db.session.rollback()
    db.session.expire_all()
    assert (contract.number, contract.starts_on, contract.categories, contract.brands) == (
        "C-2030/1",
        date(2021, 1, 1),
        "tv",
        "",
    )
    assert contract.active is False
    page = client.get(f"{BASE}/workshops/{partner.id}").get_data(as_text=True)
    assert "Suspended" in page and "C-2030/1" in page


def test_the_edit_form_shows_the_contract(client, admin, make, db):
    contract = one(db, sa.select(WorkshopContract).where(WorkshopContract.number == "C-REMOTE"))
    page = client.get(f"{BASE}/contracts/{contract.id}/edit").get_data(as_text=True)
    assert 'value="C-REMOTE"' in page
    assert 'value="2020-01-01"' in page and 'value="2099-12-31"' in page
    assert len(checked_categories(page)) == 9  # every kind of device


@pytest.mark.parametrize(
    ("changes", "message", "field"),
    [
        (
            {"starts_on": "2025-06-01", "ends_on": "2026-05-31"},
            "Contract C-REMOTE of this workshop runs on some of these days already.",
            "starts_on",
        ),
        (
            {"starts_on": "2030-06-01", "ends_on": "2030-05-31"},
            "The contract cannot end before it starts.",
            "ends_on",
        ),
        ({"categories": []}, "Choose at least one kind of device.", "categories"),
        ({"categories": ["phone", "fridge"]}, "is not a valid choice", "categories"),
        (
            {"labour_share_percent": "101"},
            "The labour share is a percentage from 0 to 100.",
            "labour_share_percent",
        ),
        (
            {"labour_share_percent": "-1"},
            "The labour share is a percentage from 0 to 100.",
            "labour_share_percent",
        ),
        (
            {"turnaround_days": "366"},
            "The promised turnaround is from 1 to 365 days.",
            "turnaround_days",
        ),
        ({"number": " "}, "This field is required.", "number"),
        ({"starts_on": "2030-02-30"}, "Not a valid date value.", "starts_on"),
        ({"ends_on": ""}, "This field is required.", "ends_on"),
        (
            {"brands": ", ".join(f"Brand{i}" for i in range(60))},
            "The brands are longer than 500 characters.",
            "brands",
        ),
    ],
)
def test_a_bad_contract_is_refused(client, admin, make, changes, message, field):
    partner = make.net.remote
    before = database_snapshot()
    data = good_contract(**changes)
    if "starts_on" in changes and field == "starts_on" and "Contract" in message:
        data["number"] = "C-OVERLAP"
    response = client.post(f"{BASE}/workshops/{partner.id}/contracts/new", data=data)
    html = refused(response, message, field)
    if field != "number":
        shows_typed(html, data["number"])
    assert database_snapshot() == before


def test_an_overlap_is_refused_on_edit_too(client, admin, make, db):
    partner = make.net.remote
    client.post(
        f"{BASE}/workshops/{partner.id}/contracts/new",
        data=good_contract(starts_on="2100-01-01", ends_on="2100-12-31"),
    )
    contract = one(db, sa.select(WorkshopContract).where(WorkshopContract.number == "C-2030"))
    before = database_snapshot()
    response = client.post(
        f"{BASE}/contracts/{contract.id}/edit",
        data=good_contract(starts_on="2099-12-31", ends_on="2100-12-31")
        | {"version": contract.version},
    )
    refused(response, "Contract C-REMOTE of this workshop runs on some of these days", "starts_on")
    assert database_snapshot() == before


# --- overview -------------------------------------------------------------------------------


def test_the_overview_shows_offices_workshops_and_contract_states(client, admin, make, db):
    expire = sa.update(WorkshopContract).where(WorkshopContract.number == "C-OTHER")
    db.session.execute(expire.values(ends_on=local_date() - timedelta(days=1)))
    db.session.commit()
    page = client.get(BASE)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for text in ("AAA", "Office A", "1 Main St", "BBB", "Office B", "Remote Partner"):
        assert text in html, text
    assert "C-REMOTE" in html and "until Dec 31, 2099" in html  # in force, until its end date
    assert "Expired" in html
    assert "The contract with this workshop has expired: choose another workshop." in html
    assert "In-office Workshop" in html and "AAA · Office A" in html
    assert 'id="nav-network"' in html
    assert 'href="/admin/network/offices/new"' in html
    assert 'href="/admin/network/workshops/new"' in html


# --- who may open it ------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["reception_a", "tech", "manager", "tech_in_office"])
def test_only_an_admin_opens_the_network_pages(client, make, login_as, db, user):
    net = make.net
    contract = one(db, sa.select(WorkshopContract).where(WorkshopContract.number == "C-REMOTE"))
    login_as(getattr(net, user))
    assert 'id="nav-network"' not in client.get("/orders").get_data(as_text=True)
    data = {**GOOD_OFFICE, **GOOD_WORKSHOP, **good_contract(), "name": "Hack"}
    before = database_snapshot()
    forms = [
        f"{BASE}/offices/new",
        f"{BASE}/offices/{net.office_a.id}/edit",
        f"{BASE}/workshops/new",
        f"{BASE}/workshops/{net.remote.id}/edit",
        f"{BASE}/workshops/{net.remote.id}/contracts/new",
        f"{BASE}/contracts/{contract.id}/edit",
    ]
    pages = [("GET", BASE), ("GET", f"{BASE}/workshops/{net.remote.id}")]
    pages += [(method, path) for path in forms for method in ("GET", "POST")]
    for method, path in pages:
        response = client.open(path, method=method, data=data if method == "POST" else None)
        assert response.status_code == 403, (method, path, response.status_code)
        assert "Not for your role" in response.get_data(as_text=True)
    assert database_snapshot() == before


@pytest.mark.parametrize(
    "path",
    [
        "/offices/999/edit",
        "/workshops/999",
        "/workshops/999/edit",
        "/workshops/999/contracts/new",
        "/contracts/999/edit",
        f"/offices/{2**64}/edit",
        f"/workshops/{2**63}",
        f"/contracts/{2**70}/edit",
        "/workshops/0",
    ],
)
def test_an_unknown_id_is_not_found(client, admin, path):
    assert client.get(BASE + path).status_code == 404
    if path.endswith(("/edit", "/new")):
        assert client.post(BASE + path, data=good_contract()).status_code == 404


# --- routing at intake ----------------------------------------------------------------------


def test_intake_refuses_a_partner_whose_contract_expired(client, make, login_as, db):
    net = make.net
    device = make.device()
    expire = sa.update(WorkshopContract).where(WorkshopContract.number == "C-OTHER")
    db.session.execute(expire.values(ends_on=local_date() - timedelta(days=1)))
    db.session.commit()
    login_as(net.reception_a)
    before = database_snapshot()
    response = client.post(
        f"/intake/customers/{device.customer_id}/devices/{device.id}/orders",
        data=good_order(make, workshop_id=str(net.other.id)),
    )
    html = refused(
        response,
        "The contract with this workshop has expired: choose another workshop.",
        "workshop_id",
    )
    shows_typed(html, "No sound", "Scratches")
    assert database_snapshot() == before
    assert db.session.execute(sa.select(sa.func.count(RepairOrder.id))).scalar_one() == 0


@pytest.mark.parametrize("record", ["office", "workshop", "contract"])
def test_a_save_over_someone_elses_change_is_refused(client, admin, make, db, record):
    """Two admins had the same page open: the second save is refused with a message, and what
    the first saved stays."""
    net = make.net
    contract = one(db, sa.select(WorkshopContract).where(WorkshopContract.number == "C-OTHER"))
    path, data, thing = {
        "office": (
            f"{BASE}/offices/{net.office_b.id}/edit",
            {**GOOD_OFFICE, "name": "Second admin's name"},
            net.office_b,
        ),
        "workshop": (
            f"{BASE}/workshops/{net.other.id}/edit",
            {**GOOD_WORKSHOP, "name": "Second admin's name"},
            net.other,
        ),
        "contract": (
            f"{BASE}/contracts/{contract.id}/edit",
            good_contract(number="Second admin's number", starts_on="2020-01-01"),
            contract,
        ),
    }[record]
    seen = thing.version
    if record == "contract":
        contract.brands = "First admin's brand"
    else:
        thing.phone = "+7 495 111-11-11"  # the first admin's save
    db.session.commit()
    before = database_snapshot()
    response = client.post(path, data={**data, "version": seen})
    assert response.status_code == 422
    assert "Someone else saved this while you had it open" in response.get_data(as_text=True)
    assert database_snapshot() == before
