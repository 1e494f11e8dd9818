"""Keyset pagination: "next page" continues after the last row seen, so page 1000 costs what page 1
costs and no COUNT(*) runs on every page."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

import sqlalchemy as sa

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict) and "dt" in value:
        return datetime.fromisoformat(value["dt"])
    if isinstance(value, dict) and "d" in value:
        return date.fromisoformat(value["d"])
    return value


def encode_cursor(values: tuple) -> str:
    raw = json.dumps([_encode_value(v) for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, arity: int) -> tuple | None:
    """The key values in a cursor, or None when it is absent or not one of ours (start over)."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = tuple(_decode_value(v) for v in json.loads(raw))
    except (ValueError, TypeError):
        return None
    return values if len(values) == arity else None


def _fits(value: Any, column) -> bool:
    """Whether a decoded cursor value is of the column's kind (a tampered one may not be)."""
    column_type = column.type
    if isinstance(column_type, sa.types.TypeDecorator):
        column_type = column_type.impl_instance
    try:
        expected = column_type.python_type
    except NotImplementedError:
        return True
    if type(value) is not expected:
        return False
    if isinstance(value, datetime):
        return value.tzinfo is not None  # every stored time is UTC
    return not isinstance(value, int) or -(2**63) <= value < 2**63


def keyset_page(
    session,
    statement: sa.Select,
    *,
    key_columns: tuple,
    descending: bool,
    cursor: str | None,
    limit: int,
    key_of,
    narrow_by=None,
    options: tuple = (),
) -> Page:
    """Run `statement` ordered by `key_columns` (unique together), one page after `cursor`,
    its rows loaded with `options`.

    With `narrow_by` (the entity's id), the page's ids are found first and only then its rows:
    a page picked by sorting thousands of matches (a search, a queue) sorts ids, not wide rows
    with their joined neighbours.
    """
    after = decode_cursor(cursor, len(key_columns))
    if after is not None and not all(map(_fits, after, key_columns)):
        after = None  # an edited link: start from the first page rather than fail
    if after is not None:
        key = sa.tuple_(*key_columns)
        pairs = zip(after, key_columns, strict=True)
        bound = sa.tuple_(*(sa.literal(value, type_=column.type) for value, column in pairs))
        statement = statement.where(key < bound if descending else key > bound)
    ordering = [column.desc() if descending else column.asc() for column in key_columns]
    if narrow_by is not None:
        page_ids = statement.with_only_columns(narrow_by).order_by(*ordering).limit(limit + 1)
        entity = statement.column_descriptions[0]["entity"]
        statement = sa.select(entity).where(narrow_by.in_(page_ids))
    else:
        statement = statement.limit(limit + 1)
    statement = statement.options(*options).order_by(*ordering)
    rows = session.execute(statement).unique().scalars().all()
    items = list(rows[:limit])
    next_cursor = encode_cursor(key_of(items[-1])) if len(rows) > limit and items else None
    return Page(items, next_cursor)
