"""Throw-away databases for tests: a SQLite file, or a PostgreSQL schema of their own."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa


@contextlib.contextmanager
def scratch_database(directory: Path, prefix: str) -> Iterator[str]:
    """Yield the URL of an empty database, dropped afterwards.

    With TEST_DATABASE_URL (PostgreSQL) it is a fresh schema reached through `search_path`, so
    that several test runs can share one server without seeing each other's tables.
    """
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{directory / f'{prefix}.sqlite3'}"
        return
    schema = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    admin = sa.create_engine(url)
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
