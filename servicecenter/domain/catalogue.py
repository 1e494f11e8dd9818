"""The parts catalogue's rules: what a valid part is, and reading and writing the catalogue as CSV.

Pure: no Flask, no database. A CSV file is read whole and every row checked before anything is
written, so the caller can refuse the file with every problem listed by line, or import all of it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .errors import N_, DomainError, InvalidAmount
from .money import MAX_AMOUNT, to_decimal, to_minor

SKU_MAX = 40
NAME_MAX = 200
COMPATIBLE_MAX = 500
MAX_WARRANTY_MONTHS = 120

HEADER = (
    "sku",
    "name",
    "compatible",
    "unit_cost",
    "sale_price",
    "warranty_months",
    "serial_tracked",
    "active",
)

# Digits with spaces between thousands and a point or comma before at most two decimals: what a
# spreadsheet writes. No exponents, signs or thousands separators that could be read two ways.
AMOUNT = re.compile(r"[0-9]+(?:[ \u00a0][0-9]{3})*(?:[.,][0-9]{1,2})?")

TRUE_WORDS = frozenset({"yes", "y", "true", "1", "да", "д"})
FALSE_WORDS = frozenset({"no", "n", "false", "0", "нет", "н"})


class CatalogueError(DomainError):
    """A part's data breaks a catalogue rule."""


class DuplicateSku(CatalogueError):
    field = "sku"


@dataclass(frozen=True)
class PartData:
    """What an admin types for a part (amounts in minor units)."""

    sku: str
    name: str
    compatible: str = ""
    unit_cost: int = 0
    sale_price: int = 0
    warranty_months: int = 0
    serial_tracked: bool = False
    active: bool = True


@dataclass(frozen=True)
class LineError:
    """One problem of a CSV file: its line, the column (None: the whole row) and the message."""

    line: int
    column: str | None
    template: str
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.template % self.params if self.params else self.template

    def __str__(self) -> str:
        where = f"{self.column}: " if self.column else ""
        return f"Line {self.line}: {where}{self.message}"


class ImportRefused(DomainError):
    """The file has problems; `errors` lists every one, and nothing was imported."""

    field = "file"

    def __init__(self, errors: Iterable[LineError]) -> None:
        self.errors = tuple(errors)
        super().__init__(
            N_("Nothing was imported: the file has %(count)s problems."), count=len(self.errors)
        )


# --- one part -------------------------------------------------------------------------------


def normalise_sku(text: str) -> str:
    """Strip and upper-case an SKU; refuse an empty or overlong one, or one with spaces inside.

    Raises CatalogueError (field "sku").
    """
    sku = (text or "").strip().upper()
    if not sku:
        raise CatalogueError(N_("Enter the SKU."), field="sku")
    if len(sku) > SKU_MAX:
        raise CatalogueError(N_("An SKU has at most %(max)s characters."), field="sku", max=SKU_MAX)
    if any(ch.isspace() or not ch.isprintable() for ch in sku):
        raise CatalogueError(N_("An SKU cannot contain spaces."), field="sku")
    return sku


def check_part(data: PartData) -> PartData:
    """The part as it will be stored (SKU normalised, texts stripped), or the first broken rule.

    Raises CatalogueError naming the field: SKU or name missing or too long, compatible models too
    long, an amount negative or absurd, warranty months outside 0..120.
    """
    sku = normalise_sku(data.sku)
    name = " ".join((data.name or "").split())
    if not name:
        raise CatalogueError(N_("Enter the name of the part."), field="name")
    if len(name) > NAME_MAX:
        raise CatalogueError(
            N_("A name has at most %(max)s characters."), field="name", max=NAME_MAX
        )
    compatible = (data.compatible or "").strip()
    for name_of, text in (("name", name), ("compatible", compatible)):
        if "\x00" in text:
            raise CatalogueError(
                N_("This text contains a character that cannot be stored."), field=name_of
            )
    if len(compatible) > COMPATIBLE_MAX:
        raise CatalogueError(
            N_("The list of compatible models has at most %(max)s characters."),
            field="compatible",
            max=COMPATIBLE_MAX,
        )
    for name_of, amount in (("unit_cost", data.unit_cost), ("sale_price", data.sale_price)):
        if amount < 0:
            raise InvalidAmount(N_("An amount cannot be negative."), field=name_of)
        if amount > MAX_AMOUNT:
            raise InvalidAmount(N_("This amount is too large."), field=name_of)
    if not 0 <= data.warranty_months <= MAX_WARRANTY_MONTHS:
        raise CatalogueError(
            N_("Warranty months must be between 0 and %(max)s."),
            field="warranty_months",
            max=MAX_WARRANTY_MONTHS,
        )
    return PartData(
        sku=sku,
        name=name,
        compatible=compatible,
        unit_cost=data.unit_cost,
        sale_price=data.sale_price,
        warranty_months=data.warranty_months,
        serial_tracked=bool(data.serial_tracked),
        active=bool(data.active),
    )


# --- values in a CSV cell -------------------------------------------------------------------


def parse_bool(text: str) -> bool:
    """yes/no, true/false, 1/0, да/нет (any case). Raises CatalogueError otherwise."""
    word = (text or "").strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CatalogueError(N_("Enter yes or no."))


def parse_amount(text: str) -> int:
    """A required amount in currency units ("1500", "1500.50", "1 500,50") as minor units.

    Raises CatalogueError or InvalidAmount.
    """
    text = (text or "").strip()
    if text.startswith("-") and AMOUNT.fullmatch(text[1:].strip()):
        raise InvalidAmount(N_("An amount cannot be negative."))
    if not AMOUNT.fullmatch(text):
        raise CatalogueError(N_("Enter an amount such as 1500 or 1500.50."))
    return to_minor(text)


def parse_months(text: str) -> int:
    """Whole months 0..120. Raises CatalogueError."""
    value = (text or "").strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 4:
        raise CatalogueError(N_("Enter a whole number of months."))
    months = int(value)
    if months > MAX_WARRANTY_MONTHS:
        raise CatalogueError(
            N_("Warranty months must be between 0 and %(max)s."), max=MAX_WARRANTY_MONTHS
        )
    return months


def format_amount(minor: int) -> str:
    return str(to_decimal(minor))


def format_bool(value: bool) -> str:
    return "yes" if value else "no"


# --- whole files ----------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """The text of an uploaded file: UTF-8, with or without a byte order mark.

    Raises CatalogueError (field "file") for an empty file or one in another encoding.
    """
    if not data.strip():
        raise CatalogueError(N_("The file is empty."), field="file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CatalogueError(
            N_("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again."), field="file"
        ) from None


def write_csv(parts: Iterable[PartData]) -> str:
    """The catalogue as CSV text with the fixed header; amounts like 1500.00, booleans yes/no."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for part in parts:
        writer.writerow(
            (
                part.sku,
                part.name,
                part.compatible,
                format_amount(part.unit_cost),
                format_amount(part.sale_price),
                part.warranty_months,
                format_bool(part.serial_tracked),
                format_bool(part.active),
            )
        )
    return out.getvalue()


def _dialect(text: str) -> str:
    """Comma, or the semicolon a spreadsheet set to a Russian locale writes."""
    first_line = next((line for line in io.StringIO(text) if line.strip()), "")
    return ";" if first_line.count(";") > first_line.count(",") else ","


def _read_header(line: int, cells: list[str]) -> list[str]:
    """The column names in file order (any order, any case), or ImportRefused."""
    names = [cell.strip().casefold() for cell in cells]
    if sorted(names) == sorted(HEADER):
        return names
    errors = []
    missing = [name for name in HEADER if name not in names]
    unknown = [name for name in names if name not in HEADER]
    doubled = sorted({name for name in names if name in HEADER and names.count(name) > 1})
    for template, columns in (
        (N_("Missing columns: %(columns)s."), missing),
        (N_("Unknown columns: %(columns)s."), [name or '""' for name in unknown]),
        (N_("Columns given twice: %(columns)s."), doubled),
    ):
        if columns:
            errors.append(LineError(line, None, template, {"columns": ", ".join(columns)}))
    errors.append(
        LineError(
            line, None, N_("The first line must be: %(header)s"), {"header": ",".join(HEADER)}
        )
    )
    raise ImportRefused(errors)


PARSERS = {
    "sku": normalise_sku,
    "unit_cost": parse_amount,
    "sale_price": parse_amount,
    "warranty_months": parse_months,
    "serial_tracked": parse_bool,
    "active": parse_bool,
}


def _error_at(line: int, column: str | None, error: DomainError) -> LineError:
    return LineError(line, column, error.template, dict(error.params))


def _parse_row(
    line: int, columns: list[str], cells: list[str]
) -> tuple[PartData | None, list[LineError]]:
    """One data row as a part, or every problem found in it."""
    if len(cells) != len(columns):
        return None, [
            LineError(
                line,
                None,
                N_("Expected %(expected)s values, found %(found)s."),
                {"expected": len(columns), "found": len(cells)},
            )
        ]
    errors: list[LineError] = []
    values: dict[str, object] = {}
    for column, cell in zip(columns, cells, strict=True):
        parser = PARSERS.get(column)
        try:
            values[column] = parser(cell) if parser else cell
        except DomainError as error:
            errors.append(_error_at(line, column, error))
    if errors:
        return None, errors
    try:
        return check_part(PartData(**values)), []
    except DomainError as error:
        return None, [_error_at(line, error.field, error)]


def read_csv(text: str) -> list[tuple[int, PartData]]:
    """Every row of a catalogue file as (line number, part), or ImportRefused listing every problem.

    Checks the header (the columns of HEADER, in any order), each value, the lengths and duplicate
    SKUs within the file. Blank lines are skipped; line numbers are those a text editor shows
    (the header is line 1). Accepts a byte order mark and semicolon-separated files.
    Raises ImportRefused, or CatalogueError (field "file") when the file has no parts at all.
    """
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise CatalogueError(N_("The file is empty."), field="file")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_dialect(text), strict=True)
    columns: list[str] | None = None
    rows: list[tuple[int, PartData]] = []
    errors: list[LineError] = []
    seen: dict[str, int] = {}
    next_line = 1
    try:
        for cells in reader:
            line, next_line = next_line, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue  # a blank line, or a spreadsheet's row of empty cells
            if columns is None:
                columns = _read_header(line, cells)
                continue
            part, row_errors = _parse_row(line, columns, cells)
            errors.extend(row_errors)
            if part is None:
                continue
            if part.sku in seen:
                errors.append(
                    LineError(
                        line,
                        "sku",
                        N_("SKU %(sku)s is also on line %(other)s."),
                        {"sku": part.sku, "other": seen[part.sku]},
                    )
                )
                continue
            seen[part.sku] = line
            rows.append((line, part))
    except csv.Error as error:
        # Unreadable from here on (an unclosed quote): report where, with what came before.
        # The record that failed starts at `next_line`; Python's own reason is English only.
        template = (
            N_("This line cannot be read as CSV: a quotation mark opened here is never closed.")
            if "unexpected end of data" in str(error)
            else N_("This line cannot be read as CSV: a value is too long or malformed.")
        )
        errors.append(LineError(next_line, None, template, {}))
    if errors:
        raise ImportRefused(errors)
    if not rows:
        raise CatalogueError(N_("The file has no parts under the header."), field="file")
    return rows
