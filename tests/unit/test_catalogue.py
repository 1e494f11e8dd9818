"""The catalogue's rules and its CSV format, without the database."""

from __future__ import annotations

import pytest

from servicecenter.domain.catalogue import (
    HEADER,
    CatalogueError,
    ImportRefused,
    PartData,
    check_part,
    decode,
    normalise_sku,
    parse_amount,
    parse_bool,
    parse_months,
    read_csv,
    write_csv,
)
from servicecenter.domain.errors import DomainError

HEAD = ",".join(HEADER)
GOOD = "LCD-IP12,Дисплей iPhone 12,Apple iPhone 12,4500.00,9900.00,6,no,yes"


def problems(text: str) -> list[tuple[int, str | None, str]]:
    with pytest.raises(ImportRefused) as refused:
        read_csv(text)
    return [(e.line, e.column, e.message) for e in refused.value.errors]


# --- one part -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [(" lcd-ip12 ", "LCD-IP12"), ("bat.s23/a", "BAT.S23/A"), ("x" * 40, "X" * 40)],
)
def test_an_sku_is_stripped_and_upper_cased(typed, stored):
    assert normalise_sku(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the SKU."),
        ("   ", "Enter the SKU."),
        ("x" * 41, "An SKU has at most 40 characters."),
        ("LCD IP12", "An SKU cannot contain spaces."),
        ("LCD\x00", "An SKU cannot contain spaces."),
    ],
)
def test_a_bad_sku_is_refused(typed, message):
    with pytest.raises(CatalogueError) as error:
        normalise_sku(typed)
    assert (str(error.value), error.value.field) == (message, "sku")


def test_check_part_normalises_what_was_typed():
    part = check_part(PartData(sku=" ab-1 ", name="  Battery   S23 ", compatible=" Samsung S23 "))
    assert (part.sku, part.name, part.compatible) == ("AB-1", "Battery S23", "Samsung S23")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "  "}, "name", "Enter the name of the part."),
        ({"name": "n" * 201}, "name", "A name has at most 200 characters."),
        ({"compatible": "c" * 501}, "compatible", "at most 500 characters"),
        ({"unit_cost": -1}, "unit_cost", "An amount cannot be negative."),
        ({"sale_price": -100}, "sale_price", "An amount cannot be negative."),
        ({"sale_price": 10**13}, "sale_price", "This amount is too large."),
        ({"warranty_months": -1}, "warranty_months", "between 0 and 120"),
        ({"warranty_months": 121}, "warranty_months", "between 0 and 120"),
        ({"name": "Bad\x00name"}, "name", "cannot be stored"),
    ],
)
def test_check_part_refuses_broken_rules(changes, field, message):
    data = PartData(**{"sku": "A-1", "name": "Part", **changes})
    with pytest.raises(DomainError) as error:
        check_part(data)
    assert error.value.field == field
    assert message in str(error.value)


def test_the_limits_themselves_are_allowed():
    part = check_part(
        PartData(
            sku="A" * 40,
            name="n" * 200,
            compatible="c" * 500,
            unit_cost=0,
            sale_price=0,
            warranty_months=120,
        )
    )
    assert part.warranty_months == 120


# --- cells ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("1500", 150_000),
        ("1500.00", 150_000),
        ("1500,50", 150_050),
        ("1 500,5", 150_050),
        (" 0 ", 0),
        ("0.01", 1),
    ],
)
def test_amounts_in_currency_units(text, minor):
    assert parse_amount(text) == minor


@pytest.mark.parametrize("text", ["", "  ", "abc", "-1", "1.500,00", "NaN", "1e400"])
def test_bad_amounts(text):
    with pytest.raises(DomainError):
        parse_amount(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("yes", True),
        ("YES", True),
        (" true ", True),
        ("1", True),
        ("да", True),
        ("Да", True),
        ("no", False),
        ("False", False),
        ("0", False),
        ("нет", False),
        ("НЕТ", False),
    ],
)
def test_booleans(text, value):
    assert parse_bool(text) is value


@pytest.mark.parametrize("text", ["", "maybe", "2", "ja"])
def test_bad_booleans(text):
    with pytest.raises(CatalogueError, match="Enter yes or no."):
        parse_bool(text)


@pytest.mark.parametrize(("text", "months"), [("0", 0), (" 12 ", 12), ("120", 120)])
def test_months(text, months):
    assert parse_months(text) == months


@pytest.mark.parametrize("text", ["", "-1", "1.5", "121", "twelve", "١٢"])
def test_bad_months(text):
    with pytest.raises(CatalogueError):
        parse_months(text)


# --- files ----------------------------------------------------------------------------------


def test_a_good_file_is_read_with_line_numbers():
    rows = read_csv(f"{HEAD}\n{GOOD}\n\nssd-1,SSD 512 GB,,3000,4500,36,да,1\n")
    assert [line for line, _part in rows] == [2, 4]
    assert rows[0][1] == PartData(
        "LCD-IP12", "Дисплей iPhone 12", "Apple iPhone 12", 450_000, 990_000, 6, False, True
    )
    assert rows[1][1] == PartData("SSD-1", "SSD 512 GB", "", 300_000, 450_000, 36, True, True)


def test_a_byte_order_mark_and_windows_line_ends_are_fine():
    rows = read_csv(f"\ufeff{HEAD}\r\n{GOOD}\r\n")
    assert rows[0][1].sku == "LCD-IP12"


def test_a_semicolon_file_from_a_russian_spreadsheet():
    head = ";".join(HEADER)
    rows = read_csv(f"{head}\nKB-T14;Клавиатура ThinkPad T14;Lenovo;1500,50;2990,00;3;нет;да\n")
    assert (rows[0][1].unit_cost, rows[0][1].sale_price) == (150_050, 299_000)


def test_columns_may_come_in_any_order_and_case():
    head = "Name,SKU,active,serial_tracked,warranty_months,sale_price,unit_cost,compatible"
    rows = read_csv(f"{head}\nBattery,bat-1,no,no,6,900,400,\n")
    assert rows[0][1] == PartData("BAT-1", "Battery", "", 40_000, 90_000, 6, False, False)


def test_every_bad_row_is_reported_by_line_and_column():
    text = "\n".join(
        [
            HEAD,
            GOOD,  # line 2
            ",No SKU,,1,1,0,no,yes",  # line 3
            "BAT-1,Battery,,abc,-5,200,maybe,yes",  # line 4: four problems
            "lcd-ip12,Same SKU again,,1,1,0,no,yes",  # line 5
            "SHORT,row",  # line 6
            "N-1," + "n" * 201 + ",,1,1,0,no,yes",  # line 7
        ]
    )
    found = problems(text)
    assert found == [
        (3, "sku", "Enter the SKU."),
        (4, "unit_cost", "Enter an amount such as 1500 or 1500.50."),
        (4, "sale_price", "An amount cannot be negative."),
        (4, "warranty_months", "Warranty months must be between 0 and 120."),
        (4, "serial_tracked", "Enter yes or no."),
        (5, "sku", "SKU LCD-IP12 is also on line 2."),
        (6, None, "Expected 8 values, found 2."),
        (7, "name", "A name has at most 200 characters."),
    ]


def test_a_quoted_value_over_several_lines_keeps_the_line_numbers_right():
    text = f'{HEAD}\nA-1,"Display\nwith a note",,1,1,0,no,yes\nB-1,Battery,,x,1,0,no,yes\n'
    assert problems(text) == [(4, "unit_cost", "Enter an amount such as 1500 or 1500.50.")]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("sku,name,compatible,unit_cost,sale_price,warranty_months,serial_tracked", "Missing"),
        (HEAD + ",colour", "Unknown columns: colour."),
        ("sku,sku,compatible,unit_cost,sale_price,warranty_months,serial_tracked,active", "twice"),
        (GOOD, "Missing columns"),  # no header at all: the first part is taken for one
    ],
)
def test_a_wrong_header_is_reported_on_line_one(header, message):
    found = problems(f"{header}\n{GOOD}\n")
    assert {line for line, _c, _m in found} == {1}
    assert any(message in text for _l, _c, text in found), found
    assert found[-1][2] == f"The first line must be: {HEAD}"


def test_an_unclosed_quote_is_reported():
    found = problems(f'{HEAD}\n{GOOD}\nB-1,"Battery,,1,1,0,no,yes\n')
    assert found[-1][0] >= 3 and "cannot be read as CSV" in found[-1][2]


@pytest.mark.parametrize("text", ["", "  \n", "\ufeff", f"{HEAD}\n", f"{HEAD}\n,,,,,,,\n"])
def test_a_file_without_parts_is_refused(text):
    with pytest.raises(CatalogueError) as error:
        read_csv(text)
    assert error.value.field == "file"


def test_decode_accepts_utf8_with_or_without_bom_and_refuses_the_rest():
    assert decode("Дисплей".encode()) == "Дисплей"
    assert decode("\ufeffДисплей".encode()) == "Дисплей"
    with pytest.raises(CatalogueError, match="not UTF-8"):
        decode("Дисплей".encode("cp1251"))
    with pytest.raises(CatalogueError, match="empty"):
        decode(b"")


def test_write_then_read_gives_the_same_parts():
    parts = [
        PartData("A-1", 'Display "OLED", 6.1″', "Apple iPhone 12; 12 Pro", 450_050, 990_000, 6),
        PartData("B-2", "Аккумулятор", "", 0, 1, 0, serial_tracked=True, active=False),
    ]
    text = write_csv(parts)
    assert text.splitlines()[0] == HEAD
    assert text.splitlines()[1].startswith('A-1,"Display ""OLED"", 6.1″",')
    assert "4500.50,9900.00,6,no,yes" in text
    assert "B-2,Аккумулятор,,0.00,0.01,0,yes,no" in text
    assert [part for _line, part in read_csv(text)] == parts


def test_an_unclosed_quote_is_reported_where_it_opens():
    from servicecenter.domain.catalogue import HEADER, ImportRefused, read_csv

    good = "".join(f"P-{i},Part {i},,1,1,0,no,yes\n" for i in range(3, 50))
    text = ",".join(HEADER) + '\nP-1,Part 1,,1,1,0,no,yes\nP-2,Part 2,"iPhone 12,1,1,0,no,yes\n'
    with pytest.raises(ImportRefused) as refused:
        read_csv(text + good)
    [problem] = refused.value.errors
    assert problem.line == 3
    assert "quotation mark opened here is never closed" in problem.template
