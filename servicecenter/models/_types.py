"""Column helpers shared by the models: UTC timestamps and enums stored as their strings."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every database (SQLite keeps no zone of its own)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def enum_column(enum: type[StrEnum], length: int = 20) -> sa.Enum:
    """Store the enum's value (not its name) as a plain string, without a database enum type."""
    return sa.Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
    )


def byte_ordered(length: int) -> sa.types.TypeEngine:
    """A string searched by its start (order numbers, serials, search keys).

    PostgreSQL compares it in the "C" collation, byte by byte like SQLite: a prefix search is
    then a range on the index, and "SN-1" < "SN1" holds whatever the server's locale is.
    """
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")
