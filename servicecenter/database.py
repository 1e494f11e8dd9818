"""Engine set-up per database: SQLite pragmas and write locking, so both backends behave alike."""

from __future__ import annotations

import contextlib
import contextvars
import fcntl
import functools
import logging
import time
from collections.abc import Iterator

from flask import current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

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
    `write_after_reads()`.

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


@contextlib.contextmanager
def write_after_reads() -> Iterator[None]:
    """The writer's part of a `reads_first` view, which reads inside the block again what it
    writes.

    SQLite: the read transaction ends and a writer's begins (BEGIN IMMEDIATE), whose reads see
    what other writers committed meanwhile. PostgreSQL: the transaction goes on, since it may
    write after reading (READ COMMITTED: each statement sees what is committed when it starts,
    and the writes lock their rows); what was read is expired, so it is read again as it is now
    (a rollback would also have dropped the connection's prepared statements).
    """
    from .extensions import db

    engine = db.session.get_bind()
    if engine.dialect.name != "sqlite":
        # What was read is loaded again when used: the writer checks what is committed now.
        db.session.expire_all()
        with write_transaction():
            yield
        return
    db.session.rollback()
    wait = current_app.config["SQLITE_BUSY_TIMEOUT"]
    with _writers_in_turn(engine.url.database, wait=wait), write_transaction():
        yield


@contextlib.contextmanager
def _writers_in_turn(path: str | None, *, wait: float) -> Iterator[None]:
    """SQLite: the writers of a database file take turns on a file lock beside it, tried every
    half millisecond. SQLite's own wait (busy_timeout) sleeps 1, 2, 5, 10… ms between tries, so
    with several desks writing at once a waiter often sleeps on after the lock was released
    while nobody writes. After `wait` seconds (another writer, a job or a command holding
    SQLite's lock for long) the writer goes on without its turn: SQLite's busy timeout then
    decides, as it would have, and no writer waits behind a queue of timeouts."""
    if path in (None, "", ":memory:"):
        yield
        return
    with open(f"{path}.writers", "a") as turn:
        deadline = time.monotonic() + wait
        held = False
        while not held and time.monotonic() < deadline:
            try:
                fcntl.flock(turn, fcntl.LOCK_EX | fcntl.LOCK_NB)
                held = True
            except BlockingIOError:
                time.sleep(0.0005)
        try:
            yield
        finally:
            if held:
                fcntl.flock(turn, fcntl.LOCK_UN)


def _wants_write_lock() -> bool:
    if _write_intent.get():
        return True
    if not has_request_context() or request.method in SAFE_METHODS:
        return False
    return not g.get("reads_first", False)


def configure_engine(engine: Engine, *, busy_timeout: int) -> None:
    """Attach per-dialect behaviour to a freshly created engine."""
    if engine.dialect.name == "postgresql":
        _note_writes(engine)
        return
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


# --- PostgreSQL: a request that only read ends with COMMIT ---------------------------------------
#
# psycopg prepares a statement once it has run a few times on a connection, and PostgreSQL then
# plans it once instead of on every run (the order page's joined query: 14 ms of planning, 1 ms
# of execution at a million orders). A ROLLBACK makes psycopg deallocate every prepared statement
# of the connection, and every request used to end with one (the session is closed: its
# transaction rolled back). A transaction that wrote nothing is ended with COMMIT instead, which
# leaves them; one that wrote and was not committed is rolled back as before.

_WROTE = "servicecenter.wrote"


def _note_writes(engine: Engine) -> None:
    @event.listens_for(engine, "before_cursor_execute")
    def _before(connection, cursor, statement, *args) -> None:
        if statement.lstrip()[:6].upper() != "SELECT":
            connection.info[_WROTE] = True

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _ended(connection) -> None:
        connection.info.pop(_WROTE, None)


def end_reads_with_commit(app) -> None:
    """Register the request's end: on PostgreSQL, a transaction that only read is committed
    before Flask-SQLAlchemy closes the session (teardowns run last registered, first)."""
    from .extensions import db

    @app.teardown_appcontext
    def _commit_reads(error: BaseException | None) -> None:
        if error is not None or db.engine.dialect.name != "postgresql":
            return
        session = db.session()
        try:
            if not session.in_transaction():
                return
            if session.new or session.dirty or session.deleted:
                return  # changes never flushed are dropped, as a rollback would
            if session.connection().info.get(_WROTE):
                return
            session.commit()
        except Exception:  # noqa: BLE001 (a lost connection, a failed flush: never the response's)
            # The request is answered already: the session is closed as before, by a rollback.
            log.warning("could not end a reading transaction with a commit", exc_info=True)
