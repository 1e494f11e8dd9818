"""The catalogue service with the database: unique SKUs, imports that are all or nothing, and an
export that imports back unchanged."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from servicecenter.domain.catalogue import (
    HEADER,
    CatalogueError,
    DuplicateSku,
    ImportRefused,
    PartData,
)
from servicecenter.domain.errors import NotPermitted
from servicecenter.extensions import db as _db
from servicecenter.models import Part
from servicecenter.queries import catalogue as catalogue_queries
from servicecenter.queries.catalogue import PartFilter
from servicecenter.services import catalogue, stock

HEAD = ",".join(HEADER)


def parts(db) -> list[tuple]:
    return db.session.execute(
        sa.select(
            Part.sku,
            Part.name,
            Part.compatible,
            Part.unit_cost,
            Part.sale_price,
            Part.warranty_months,
            Part.serial_tracked,
            Part.active,
        ).order_by(Part.sku)
    ).all()


@pytest.fixture
def admin(make):
    return make.net.admin


@pytest.fixture
def display(admin, db):
    part = catalogue.create_part(
        PartData(
            sku="lcd-ip12 ",
            name="Display iPhone 12",
            compatible="Apple iPhone 12",
            unit_cost=450_000,
            sale_price=990_000,
            warranty_months=6,
        ),
        actor=admin,
    )
    db.session.commit()
    return part


def test_create_stores_the_normalised_part(display, db):
    assert parts(db) == [
        ("LCD-IP12", "Display iPhone 12", "Apple iPhone 12", 450_000, 990_000, 6, False, True)
    ]


def test_an_sku_is_unique_whatever_its_case(display, admin, db):
    with pytest.raises(DuplicateSku) as error:
        catalogue.create_part(PartData(sku=" Lcd-Ip12", name="Copy"), actor=admin)
    assert error.value.field == "sku"
    assert str(error.value) == "Another part already has the SKU LCD-IP12."
    assert len(parts(db)) == 1


def test_update_may_keep_its_own_sku_but_not_take_another(display, admin, db, fresh):
    other = catalogue.create_part(PartData(sku="BAT-1", name="Battery"), actor=admin)
    db.session.commit()
    catalogue.update_part(
        display, PartData(sku="LCD-IP12", name="Display 12", sale_price=1), actor=admin
    )
    with pytest.raises(DuplicateSku):
        catalogue.update_part(other, PartData(sku="lcd-ip12", name="Battery"), actor=admin)
    db.session.commit()
    fresh()
    assert [(row.sku, row.name, row.sale_price) for row in parts(db)] == [
        ("BAT-1", "Battery", 0),
        ("LCD-IP12", "Display 12", 1),
    ]


def test_bad_data_is_refused_and_nothing_written(admin, db):
    with pytest.raises(CatalogueError) as error:
        catalogue.create_part(PartData(sku="A-1", name="A", warranty_months=121), actor=admin)
    assert error.value.field == "warranty_months"
    db.session.commit()
    assert parts(db) == []


def test_only_an_admin_keeps_the_catalogue(make, display, db):
    for user in (make.net.manager, make.net.reception_a, make.net.tech):
        with pytest.raises(NotPermitted):
            catalogue.create_part(PartData(sku="X-1", name="X"), actor=user)
        with pytest.raises(NotPermitted):
            catalogue.set_active(display, False, actor=user)
        with pytest.raises(NotPermitted):
            catalogue.import_csv(f"{HEAD}\nX-1,X,,1,1,0,no,yes\n", actor=user)
    db.session.commit()
    assert [row.sku for row in parts(db)] == ["LCD-IP12"]


def test_a_retired_part_cannot_be_received(make, display, admin, db):
    catalogue.set_active(display, False, actor=admin)
    here = stock.location_for(workshop=make.net.remote)
    with pytest.raises(Exception, match="no longer in the catalogue"):
        stock.receive(display, here, 1, actor=admin)
    catalogue.set_active(display, True, actor=admin)
    stock.receive(display, here, 1, actor=admin)
    assert stock.level_of(display.id, here.id).on_hand == 1


# --- import ---------------------------------------------------------------------------------


def test_import_creates_new_skus_and_updates_known_ones(display, admin, db, fresh):
    text = "\n".join(
        [
            HEAD,
            "lcd-ip12,Display iPhone 12 (OLED),Apple iPhone 12; 12 Pro,4600,9900,12,no,yes",
            "SSD-512,SSD 512 GB NVMe,,3000,4500.50,36,yes,yes",
            'KB-T14,Клавиатура ThinkPad T14,Lenovo T14,"1500,50",2990,3,нет,да',
        ]
    )
    assert display.name == "Display iPhone 12"  # loaded into the session before the import
    result = catalogue.import_csv(text, actor=admin)
    assert (result.created, result.updated, result.unchanged) == (2, 1, 0)
    # The part object loaded before the import shows the new values, not the old ones.
    assert display.name == "Display iPhone 12 (OLED)"
    db.session.commit()
    fresh()
    assert parts(db) == [
        ("KB-T14", "Клавиатура ThinkPad T14", "Lenovo T14", 150_050, 299_000, 3, False, True),
        (
            "LCD-IP12",
            "Display iPhone 12 (OLED)",
            "Apple iPhone 12; 12 Pro",
            460_000,
            990_000,
            12,
            False,
            True,
        ),
        ("SSD-512", "SSD 512 GB NVMe", "", 300_000, 450_050, 36, True, True),
    ]


def test_a_row_equal_to_the_catalogue_counts_as_unchanged(display, admin, db):
    text = f"{HEAD}\nLCD-IP12,Display iPhone 12,Apple iPhone 12,4500.00,9900.00,6,no,yes\n"
    result = catalogue.import_csv(text, actor=admin)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)


def test_import_can_retire_parts(display, admin, db, fresh):
    catalogue.import_csv(f"{HEAD}\nLCD-IP12,Display iPhone 12,,4500,9900,6,no,no\n", actor=admin)
    db.session.commit()
    fresh()
    assert db.session.scalar(sa.select(Part.active)) is False


def test_one_bad_row_and_nothing_is_imported(display, admin, db, fresh):
    text = "\n".join(
        [
            HEAD,
            "NEW-1,New part,,1,1,0,no,yes",  # fine
            "LCD-IP12,Renamed display,,1,1,0,no,yes",  # fine
            "NEW-2,Another,,1,1,999,no,yes",  # line 4: months
            "new-1,Twice,,1,1,0,no,yes",  # line 5: duplicate of line 2
        ]
    )
    before = parts(db)
    with pytest.raises(ImportRefused) as refused:
        catalogue.import_csv(text, actor=admin)
    assert [str(error) for error in refused.value.errors] == [
        "Line 4: warranty_months: Warranty months must be between 0 and 120.",
        "Line 5: sku: SKU NEW-1 is also on line 2.",
    ]
    db.session.commit()  # even a commit after the refusal writes nothing
    fresh()
    assert parts(db) == before


def test_an_empty_file_is_refused(admin, db):
    with pytest.raises(CatalogueError, match="empty"):
        catalogue.import_csv("", actor=admin)
    with pytest.raises(CatalogueError, match="no parts"):
        catalogue.import_csv(HEAD + "\n", actor=admin)


def test_export_then_import_changes_nothing(display, admin, db):
    catalogue.create_part(
        PartData(
            sku="MB-A2338",
            name='Motherboard, "M1" 8/256',
            compatible='Apple MacBook Pro 13" 2020;\nA2338',
            unit_cost=3_500_000,
            sale_price=5_200_050,
            warranty_months=3,
            serial_tracked=True,
            active=False,
        ),
        actor=admin,
    )
    db.session.commit()
    before = parts(db)
    text = catalogue.export_csv()
    assert text.splitlines()[0] == HEAD
    assert "LCD-IP12,Display iPhone 12,Apple iPhone 12,4500.00,9900.00,6,no,yes" in text
    result = catalogue.import_csv(text, actor=admin)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert parts(db) == before


def test_a_large_import_reads_and_writes_in_a_few_statements(admin, db):
    catalogue.import_csv(
        HEAD + "".join(f"\nP-{i:05d},Part {i},,10,20,0,no,yes" for i in range(0, 3000, 2)),
        actor=admin,
    )
    db.session.commit()
    text = HEAD + "".join(f"\nP-{i:05d},Part {i} v2,,10,20,0,no,yes" for i in range(3000))
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = _db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        result = catalogue.import_csv(text, actor=admin)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert (result.created, result.updated) == (1500, 1500)
    # Not one query per row: reading the catalogue once, a few batches of inserts and updates.
    assert len(statements) < 30, len(statements)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Part)) == 3000


# --- the list -------------------------------------------------------------------------------


def test_search_by_sku_prefix_name_or_model_and_by_status(admin, db):
    for sku, name, compatible, active in [
        ("LCD-IP12", "Дисплей iPhone 12", "Apple iPhone 12", True),
        ("LCD-S23", "Display Galaxy S23", "Samsung S23", True),
        ("BAT-S23", "Аккумулятор Galaxy S23", "Samsung S23", False),
        ("XLCD-1", "Frame", "", True),
    ]:
        catalogue.create_part(
            PartData(sku=sku, name=name, compatible=compatible, active=active), actor=admin
        )
    db.session.commit()

    def skus(q="", active=None):
        page = catalogue_queries.list_parts(PartFilter(q=q, active=active), cursor=None, limit=50)
        return [part.sku for part in page.items]

    assert skus() == ["BAT-S23", "LCD-IP12", "LCD-S23", "XLCD-1"]
    assert skus("lcd") == ["LCD-IP12", "LCD-S23"]  # a prefix, not anywhere in the SKU
    assert skus("дисплей") == ["LCD-IP12"]
    assert skus("аккумулятор") == ["BAT-S23"]
    assert skus("galaxy") == ["BAT-S23", "LCD-S23"]
    assert skus("samsung s23") == ["BAT-S23", "LCD-S23"]
    assert skus("S23", active=True) == ["LCD-S23"]
    assert skus(active=False) == ["BAT-S23"]
    assert skus("100%") == []


def test_the_list_is_paged_by_sku(admin, db):
    catalogue.import_csv(
        HEAD + "".join(f"\nP-{i:03d},Part {i},,1,1,0,no,yes" for i in range(7)), actor=admin
    )
    seen, cursor = [], None
    for _ in range(4):
        page = catalogue_queries.list_parts(PartFilter(), cursor=cursor, limit=3)
        seen.append([part.sku for part in page.items])
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == [["P-000", "P-001", "P-002"], ["P-003", "P-004", "P-005"], ["P-006"]]
