"""Engine set-up per database: SQLite pragmas and write locking, so both backends behave alike."""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Iterator

from flask import g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

_write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=False)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@contextlib.contextmanager
def write_transaction() -> Iterator[None]:
    """Mark transactions begun inside the block as writers (jobs, CLI commands, tests).

    On SQLite they start with BEGIN IMMEDIATE, taking the write lock up front: two writers that
    both read before writing would otherwise deadlock or lose an update between processes.
    """
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


def reads_first(view):
    """Let a form's view read and validate without the write lock, then write inside
    `write_transaction()` after `db.session.rollback()`.

    On SQLite a writer holds the one write lock from its first statement, so a form that spends
    most of its time reading and checking would make every other desk wait for all of it. The
    view re-reads what it writes from inside the writer's transaction: a read transaction may
    not turn into a writer on SQLite (another one may have written since it began).
    """

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        g.reads_first = True
        return view(*args, **kwargs)

    return wrapped


def _wants_write_lock() -> bool:
    if _write_intent.get():
        return True
    if not has_request_context() or request.method in SAFE_METHODS:
        return False
    return not g.get("reads_first", False)


def configure_engine(engine: Engine, *, busy_timeout: int) -> None:
    """Attach per-dialect behaviour to a freshly created engine."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Take transaction control away from the sqlite3 module so BEGIN is ours to emit.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _wants_write_lock() else "BEGIN")


def insert_ignoring_conflicts(model):
    """An INSERT of `model` in the session's dialect, for `.on_conflict_do_nothing()`: both
    backends have it, under their own import."""
    from sqlalchemy.dialects import postgresql, sqlite

    from .extensions import db

    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model)
