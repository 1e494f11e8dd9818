"""The embedded database is set up for safe concurrent use: WAL, foreign keys, BEGIN IMMEDIATE."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from servicecenter.database import write_transaction
from servicecenter.domain.enums import OrderStatus


@pytest.fixture
def sqlite_only(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    return db


def test_pragmas(sqlite_only):
    with sqlite_only.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def begins(engine, work) -> list[str]:
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        if statement.startswith("BEGIN"):
            seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        work()
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return seen


def test_writers_take_the_lock_up_front_and_readers_do_not(sqlite_only):
    engine = sqlite_only.engine

    def read():
        with engine.begin() as connection:
            connection.execute(sa.text("SELECT 1"))

    def write():
        with write_transaction(), engine.begin() as connection:
            connection.execute(sa.text("SELECT 1"))

    assert begins(engine, read) == ["BEGIN"]
    assert begins(engine, write) == ["BEGIN IMMEDIATE"]


def test_a_post_request_is_a_write_transaction(sqlite_only, app, client, make, login_as):
    login_as(make.net.reception_a)
    statements = begins(
        sqlite_only.engine,
        lambda: client.post("/intake/customers", data={"name": "A", "phone": "+79160000009"}),
    )
    assert statements and set(statements) == {"BEGIN IMMEDIATE"}
    assert set(begins(sqlite_only.engine, lambda: client.get("/orders"))) == {"BEGIN"}


def test_foreign_keys_are_enforced(db):
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO devices (customer_id, category, brand, model, serial, created_at)"
                " VALUES (424242, 'phone', 'a', 'b', 'c', CURRENT_TIMESTAMP)"
            )
        )


@pytest.fixture
def postgresql_only(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL: psycopg drops its prepared statements on ROLLBACK")
    return db


def endings(engine, work) -> list[str]:
    seen: list[str] = []
    listeners = {
        "commit": lambda conn: seen.append("commit"),
        "rollback": lambda conn: seen.append("rollback"),
    }
    for name, listener in listeners.items():
        sa.event.listen(engine, name, listener)
    try:
        work()
    finally:
        for name, listener in listeners.items():
            sa.event.remove(engine, name, listener)
    return seen


def test_a_request_that_only_read_ends_with_a_commit(postgresql_only, client, make, login_as):
    """So that psycopg keeps the statements it prepared (PostgreSQL plans them once)."""
    order = make.order(OrderStatus.IN_REPAIR)
    login_as(make.net.reception_a)
    assert endings(postgresql_only.engine, lambda: client.get(f"/orders/{order.number}")) == [
        "commit"
    ]


def test_a_transaction_that_wrote_and_was_not_committed_is_rolled_back(postgresql_only, app):
    def write_and_leave():
        with app.app_context():
            postgresql_only.session.execute(
                sa.text(
                    "INSERT INTO offices (version, code, name, legal_name, tax_id, address,"
                    " phone, hours, locale, digest_email) VALUES"
                    " (1, 'LEFT', 'Left', '', '', '', '', '', 'en', '')"
                )
            )

    assert endings(postgresql_only.engine, write_and_leave) == ["rollback"]
    count = postgresql_only.session.scalar(
        sa.text("SELECT count(*) FROM offices WHERE code = 'LEFT'")
    )
    assert count == 0


def test_a_failing_commit_at_the_end_of_a_request_does_not_fail_it(
    postgresql_only, client, make, login_as, monkeypatch
):
    """The page is answered already: the session is closed by a rollback, as before, and the
    next request is served."""
    from sqlalchemy.orm import Session

    order = make.order(OrderStatus.IN_REPAIR)
    login_as(make.net.reception_a)

    def lost(self):
        raise sa.exc.OperationalError("COMMIT", {}, Exception("server closed the connection"))

    with monkeypatch.context() as patched:
        patched.setattr(Session, "commit", lost)
        assert client.get(f"/orders/{order.number}").status_code == 200
    assert client.get(f"/orders/{order.number}").status_code == 200
