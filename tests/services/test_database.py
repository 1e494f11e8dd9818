"""The embedded database is set up for safe concurrent use: WAL, foreign keys, BEGIN IMMEDIATE."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from servicecenter.database import write_transaction


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
