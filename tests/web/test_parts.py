"""The parts catalogue pages: admin only; forms refused with 422, a message under the field and
what was typed kept; CSV import all or nothing with problems listed by line; CSV export."""

from __future__ import annotations

import io
import re

import pytest
from markupsafe import escape

from servicecenter.domain.catalogue import HEADER, PartData
from servicecenter.extensions import db as _db
from servicecenter.models import Part
from servicecenter.services import catalogue

from .helpers import alerts, csrf_token, database_snapshot, field_messages

HEAD = ",".join(HEADER)
GOOD = {
    "sku": "lcd-ip12",
    "name": "Дисплей iPhone 12",
    "compatible": "Apple iPhone 12; 12 Pro",
    "unit_cost": "4 500,50",
    "sale_price": "9900",
    "warranty_months": "6",
}
SKU_LINK = re.compile(r'class="part-sku" href="[^"]+">([^<]+)</a>')
PROBLEM = re.compile(r'<li class="import-problem">([^<]*)</li>')


@pytest.fixture
def admin(make, login_as):
    return login_as(make.net.admin)


@pytest.fixture
def display(make, db):
    part = catalogue.create_part(
        PartData(sku="LCD-IP12", name="Display iPhone 12", unit_cost=450_000, sale_price=990_000),
        actor=make.net.admin,
    )
    db.session.commit()
    return part


def refused(response, message: str, field: str) -> str:
    assert response.status_code == 422, response.status_code
    html = response.get_data(as_text=True)
    assert any(message in shown for shown in field_messages(html, field)), (
        message,
        field_messages(html, field),
    )
    return html


def upload(client, text: str | bytes, filename: str = "parts.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        "/admin/parts/import",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def skus_on(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return SKU_LINK.findall(response.get_data(as_text=True))


# --- who may open it ------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["reception_a", "tech", "manager", "tech_in_office"])
def test_only_an_admin_opens_the_catalogue(client, make, login_as, display, user):
    login_as(getattr(make.net, user))
    before = database_snapshot()
    for method, path in [
        ("GET", "/admin/parts"),
        ("GET", "/admin/parts/new"),
        ("POST", "/admin/parts/new"),
        ("GET", f"/admin/parts/{display.id}/edit"),
        ("POST", f"/admin/parts/{display.id}/edit"),
        ("POST", f"/admin/parts/{display.id}/active"),
        ("GET", "/admin/parts/export.csv"),
        ("GET", "/admin/parts/import"),
    ]:
        data = {**GOOD, "sku": "HACK-1", "active": "no"} if method == "POST" else None
        response = client.open(path, method=method, data=data)
        assert response.status_code == 403, (method, path, response.status_code)
        assert "Not for your role" in response.get_data(as_text=True)
    assert upload(client, f"{HEAD}\nHACK-2,Hack,,1,1,0,no,yes\n").status_code == 403
    assert database_snapshot() == before


def test_an_unknown_part_is_not_found(client, admin):
    assert client.get("/admin/parts/999/edit").status_code == 404
    assert client.post("/admin/parts/999/active", data={"active": "no"}).status_code == 404


# --- list -----------------------------------------------------------------------------------


def test_the_list_searches_filters_and_pages(client, admin, app, db):
    catalogue.import_csv(
        HEAD
        + "\nLCD-IP12,Дисплей iPhone 12,Apple iPhone 12,1,1,0,no,yes"
        + "\nBAT-S23,Аккумулятор Galaxy S23,Samsung S23,1,1,0,no,no"
        + "".join(f"\nP-{i:03d},Part {i},,1,1,0,no,yes" for i in range(60)),
        actor=admin,
    )
    db.session.commit()
    first = client.get("/admin/parts")
    assert skus_on(first)[:3] == ["BAT-S23", "LCD-IP12", "P-000"]
    assert len(skus_on(first)) == app.config["PAGE_SIZE"]
    after = re.search(r'href="/admin/parts\?after=([^"]+)"', first.get_data(as_text=True))
    rest = skus_on(client.get("/admin/parts", query_string={"after": after.group(1)}))
    assert rest == [f"P-{i:03d}" for i in range(48, 60)]
    assert skus_on(client.get("/admin/parts?q=lcd")) == ["LCD-IP12"]
    assert skus_on(client.get("/admin/parts?q=дисплей")) == ["LCD-IP12"]
    assert skus_on(client.get("/admin/parts?q=S23")) == ["BAT-S23"]
    assert skus_on(client.get("/admin/parts?active=no")) == ["BAT-S23"]
    assert "BAT-S23" not in skus_on(client.get("/admin/parts?active=yes"))
    # A value nobody offered is ignored, not a 500.
    assert len(skus_on(client.get("/admin/parts?active=maybe&after=garbage"))) == 50


# --- new and edit ---------------------------------------------------------------------------


def test_a_new_part_is_added(client, admin, db, fresh):
    response = client.post("/admin/parts/new", data={**GOOD, "serial_tracked": "y"})
    assert response.status_code == 302
    fresh()
    part = db.session.query(Part).one()
    assert (part.sku, part.name, part.unit_cost, part.sale_price) == (
        "LCD-IP12",
        "Дисплей iPhone 12",
        450_050,
        990_000,
    )
    assert (part.warranty_months, part.serial_tracked, part.active) == (6, True, True)
    assert "Part LCD-IP12 added." in client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sku": ""}, "This field is required."),
        ({"sku": "S" * 41}, "Field cannot be longer than 40 characters."),
        ({"sku": "LCD IP12"}, "An SKU cannot contain spaces."),
        ({"name": "   "}, "This field is required."),
        ({"name": "n" * 201}, "Field cannot be longer than 200 characters."),
        ({"compatible": "c" * 501}, "Field cannot be longer than 500 characters."),
        ({"unit_cost": ""}, "This field is required."),
        ({"unit_cost": "cheap"}, "Not a valid decimal value."),
        ({"sale_price": "-1"}, "Enter an amount between 0 and"),
        ({"warranty_months": "121"}, "Number must be between 0 and 120."),
        ({"warranty_months": "six"}, "Not a valid integer value."),
    ],
)
def test_a_bad_part_is_refused_and_kept(client, admin, db, changes, message):
    make_network_first = database_snapshot()
    data = {**GOOD, **changes}
    html = refused(client.post("/admin/parts/new", data=data), message, next(iter(changes)))
    for key in ("sku", "name", "compatible", "unit_cost", "sale_price", "warranty_months"):
        if data[key].strip():
            assert str(escape(data[key])) in html, key
    assert database_snapshot() == make_network_first


def test_a_taken_sku_is_refused_under_the_field(client, admin, display, db):
    before = database_snapshot()
    html = refused(
        client.post("/admin/parts/new", data={**GOOD, "sku": " lcd-ip12 ", "name": "Copy"}),
        "Another part already has the SKU LCD-IP12.",
        "sku",
    )
    assert 'value="Copy"' in html
    assert database_snapshot() == before


def test_the_edit_form_shows_the_part_and_saves_changes(client, admin, display, db, fresh):
    url = f"/admin/parts/{display.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert 'value="LCD-IP12"' in page and 'value="4500.00"' in page and 'value="9900.00"' in page
    response = client.post(url, data={**GOOD, "sku": "lcd-ip12-oled", "sale_price": "10500,5"})
    assert response.status_code == 302
    fresh()
    assert (display.sku, display.sale_price, display.active) == ("LCD-IP12-OLED", 1_050_050, True)


def test_the_edit_form_refuses_another_parts_sku(client, admin, display, db, make):
    other = catalogue.create_part(PartData(sku="BAT-1", name="Battery"), actor=make.net.admin)
    db.session.commit()
    before = database_snapshot()
    html = refused(
        client.post(f"/admin/parts/{other.id}/edit", data={**GOOD, "sku": "LCD-IP12"}),
        "Another part already has the SKU LCD-IP12.",
        "sku",
    )
    assert str(escape(GOOD["name"])) in html
    assert database_snapshot() == before


def test_retire_and_bring_back(client, admin, display, fresh):
    url = f"/admin/parts/{display.id}/active"
    response = client.post(url, data={"active": "no"})
    assert response.status_code == 302
    assert "Part LCD-IP12 is retired." in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    fresh()
    assert display.active is False
    assert client.post(url, data={"active": "yes"}).status_code == 302
    fresh()
    assert display.active is True
    assert client.post(url, data={"active": "perhaps"}).status_code == 400
    fresh()
    assert display.active is True


def test_editing_a_retired_part_keeps_it_retired(client, admin, display, fresh):
    client.post(f"/admin/parts/{display.id}/active", data={"active": "no"})
    assert client.post(f"/admin/parts/{display.id}/edit", data=GOOD).status_code == 302
    fresh()
    assert display.active is False


# --- export ---------------------------------------------------------------------------------


def test_export_downloads_the_catalogue(client, admin, display, make, db):
    catalogue.create_part(
        PartData(sku="SSD-1", name="SSD, 512 ГБ", serial_tracked=True, active=False, sale_price=1),
        actor=make.net.admin,
    )
    db.session.commit()
    response = client.get("/admin/parts/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="parts-')
    assert response.data.startswith(b"\xef\xbb\xbf")  # a spreadsheet then reads it as UTF-8
    lines = response.data.decode("utf-8-sig").splitlines()
    assert lines == [
        HEAD,
        "LCD-IP12,Display iPhone 12,,4500.00,9900.00,0,no,yes",
        'SSD-1,"SSD, 512 ГБ",,0.00,0.01,0,yes,no',
    ]


def test_an_exported_file_imports_back_unchanged(client, admin, display, db):
    exported = client.get("/admin/parts/export.csv").data
    before = database_snapshot()
    response = upload(client, exported)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Imported: 0 new, 0 updated, 1 unchanged." in page
    assert database_snapshot() == before


# --- import ---------------------------------------------------------------------------------


def test_import_adds_and_updates(client, admin, display, db, fresh):
    text = (
        f"{HEAD}\n"
        "lcd-ip12,Display iPhone 12,,4500,9990,6,no,yes\n"
        "SSD-512,SSD 512 GB,,3000,4500,36,да,да\n"
        "KB-T14,Клавиатура T14,Lenovo,1500,2990,3,нет,да\n"
    )
    response = upload(client, "\ufeff" + text)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/parts")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Imported: 2 new, 1 updated, 0 unchanged." in page
    fresh()
    assert display.sale_price == 999_000
    assert db.session.query(Part).count() == 3


def test_bad_rows_are_listed_by_line_and_nothing_is_imported(client, admin, display):
    text = (
        f"{HEAD}\n"
        "NEW-1,New part,,1,1,0,no,yes\n"
        "LCD-IP12,Renamed,,1,1,0,no,yes\n"
        "NEW-2,Another,,1,1,999,no,yes\n"
        "NEW-3,Cheap,,free,1,0,no,yes\n"
        "new-1,Twice,,1,1,0,no,yes\n"
    )
    before = database_snapshot()
    response = upload(client, text)
    html = refused(response, "Nothing was imported: the file has 3 problems.", "file")
    assert PROBLEM.findall(html) == [
        "Line 4, warranty_months: Warranty months must be between 0 and 120.",
        "Line 5, unit_cost: Enter an amount such as 1500 or 1500.50.",
        "Line 6, sku: SKU NEW-1 is also on line 2.",
    ]
    assert database_snapshot() == before


def test_thousands_of_problems_are_summed_up(client, admin):
    text = HEAD + "".join(f"\nP-{i},Part,,x,1,0,no,yes" for i in range(250))
    html = refused(upload(client, text), "the file has 250 problems", "file")
    assert len(PROBLEM.findall(html)) == 200
    assert "…and 50 more." in html


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\n\n", "The file is empty."),
        ("Дисплей".encode("cp1251"), "The file is not UTF-8 text."),
        (f"{HEAD}\n".encode(), "The file has no parts under the header."),
        (b"sku;name\nA;B\n", "Nothing was imported: the file has 2 problems."),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "The file is not UTF-8 text."),
    ],
)
def test_a_file_that_is_no_catalogue_is_refused(client, admin, content, message):
    before = database_snapshot()
    refused(upload(client, content), message, "file")
    assert database_snapshot() == before


def test_a_wrong_header_says_what_the_first_line_must_be(client, admin):
    html = refused(upload(client, "code,title\nA,B\n"), "Nothing was imported", "file")
    problems = PROBLEM.findall(html)
    assert "Line 1: Missing columns: sku, name, compatible" in problems[0]
    assert problems[-1] == f"Line 1: The first line must be: {HEAD}"


def test_no_file_is_refused(client, admin):
    response = client.post("/admin/parts/import", data={}, content_type="multipart/form-data")
    refused(response, "Choose a CSV file.", "file")


def test_a_file_over_5_mb_is_refused(client, admin):
    row = "\nP-{},A part with a long name " + "x" * 100 + ",,1,1,0,no,yes"
    text = HEAD + "".join(row.format(i) for i in range(45_000))
    assert len(text.encode()) > 5 * 1024 * 1024
    before = database_snapshot()
    refused(upload(client, text), "The file is larger than 5 MB.", "file")
    assert database_snapshot() == before


def test_a_request_over_the_apps_limit_is_refused_before_it_is_read(client, admin):
    text = HEAD + "\n" + "x" * (17 * 1024 * 1024)
    response = upload(client, text)
    assert response.status_code == 413
    assert "The file is larger than this page accepts." in response.get_data(as_text=True)


def test_the_import_form_needs_the_csrf_token(make_app, make):
    make.network()
    guarded = make_app(WTF_CSRF_ENABLED=True).test_client()
    token = csrf_token(guarded, "/login")
    guarded.post(
        "/login", data={"username": "admin", "password": "secret-pass", "csrf_token": token}
    )
    data = f"{HEAD}\nA-1,A,,1,1,0,no,yes\n".encode()
    before = database_snapshot()
    forged = guarded.post(
        "/admin/parts/import",
        data={"file": (io.BytesIO(data), "parts.csv")},
        content_type="multipart/form-data",
    )
    assert forged.status_code == 400
    assert database_snapshot() == before
    token = csrf_token(guarded, "/admin/parts/import")
    accepted = guarded.post(
        "/admin/parts/import",
        data={"file": (io.BytesIO(data), "parts.csv"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    assert accepted.status_code == 302
    _db.session.rollback()
    assert _db.session.query(Part).count() == 1


def test_the_flash_of_a_refused_import_is_not_left_behind(client, admin):
    upload(client, b"")
    assert alerts(client.get("/admin/parts").get_data(as_text=True)) == []


def test_an_overlong_search_is_ignored_not_refused(client, admin, display):
    assert skus_on(client.get("/admin/parts", query_string={"q": "x" * 500})) == ["LCD-IP12"]
