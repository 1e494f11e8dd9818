"""Prefix search as an index range."""

from __future__ import annotations

import sqlalchemy as sa


def starts_with(column: sa.ColumnElement[str], prefix: str) -> sa.ColumnElement[bool]:
    """Values of a byte-ordered column (models._types.byte_ordered) that start with `prefix`.

    Written as a range because the index answers a range on both databases, where a LIKE is
    not used by SQLite (its LIKE ignores case) nor by PostgreSQL outside the "C" locale.
    """
    after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return sa.and_(column >= prefix, column < after)
