"""Order numbers: `<OFFICE>-<YYYY>-<NNNNNN>`, for display and search (never a key)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = re.compile(r"^([A-Z]{2,6})-(\d{4})-(\d{1,6})$")
OFFICE_CODE = re.compile(r"^[A-Z]{2,6}$")


@dataclass(frozen=True)
class OrderNumber:
    office_code: str
    year: int
    sequence: int

    def __str__(self) -> str:
        return f"{self.office_code}-{self.year:04d}-{self.sequence:06d}"


def format_number(office_code: str, year: int, sequence: int) -> str:
    return str(OrderNumber(office_code, year, sequence))


def parse_number(text: str) -> OrderNumber | None:
    """Read an order number as typed (any case, spaces around); None if it is not one."""
    match = _NUMBER.match(text.strip().upper())
    if not match:
        return None
    code, year, sequence = match.groups()
    return OrderNumber(code, int(year), int(sequence))


def canonical_number(text: str) -> str | None:
    """The stored form of a typed order number (`ab-2026-12` -> `AB-2026-000012`)."""
    parsed = parse_number(text)
    return str(parsed) if parsed else None
