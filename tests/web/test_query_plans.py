"""The hot pages read their large tables through indexes: every statement they run is explained
by the database, and no plan reads a whole large table. On PostgreSQL sequential scans are
switched off for the explanation, so that a tiny test table's cheap scan does not hide a missing
index (a plan that still scans has no index to use)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from servicecenter.domain.enums import OrderStatus
from servicecenter.queries import orders as order_queries

S = OrderStatus
# Tables that grow with the orders; the small ones (offices, users, parts…) may be scanned.
LARGE = (
    "repair_orders",
    "order_status_changes",
    "payments",
    "order_lines",
    "customers",
    "customer_search_keys",
    "devices",
    "stock_movements",
    "handover_items",
    "handovers",
    "feedback",
    "notifications",
    "documents",
    "order_reminders",
    "quote_decisions",
)


def full_scans(db, statements, whole_index: tuple[str, ...] = ()) -> list[str]:
    """The large tables some statement's plan reads whole, with the statement (for the tables
    in `whole_index`, on SQLite, a walk of a whole index counts too)."""
    connection = db.session.connection()
    found = []
    postgres = db.engine.dialect.name == "postgresql"
    if postgres:
        connection.exec_driver_sql("SET enable_seqscan = off")
    try:
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            if postgres:
                rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters).all()
                plan = "\n".join(row[0] for row in rows)
                scanned = re.findall(r"Seq Scan on (\w+)", plan)
                scanned += [name for name in _whole_index_walks(plan) if name in whole_index]
            else:
                rows = connection.exec_driver_sql(
                    "EXPLAIN QUERY PLAN " + statement, parameters
                ).all()
                plan = "\n".join(row[-1] for row in rows)
                # "SCAN t" alone reads the table; "SCAN t USING (COVERING) INDEX" walks an index
                aliases = _aliases(statement)
                scanned = [
                    name
                    for name, using in re.findall(r"SCAN (\w+)( USING)?", plan)
                    if not using or aliases.get(name, name) in whole_index
                ]
            aliases = _aliases(statement)
            for name in scanned:
                table = aliases.get(name, name)
                if table in LARGE:
                    found.append(f"{table}: {statement[:300]}\n{plan}")
    finally:
        if postgres:
            connection.exec_driver_sql("SET enable_seqscan = on")
    return found


def _whole_index_walks(plan: str) -> list[str]:
    """Tables (or aliases) a PostgreSQL plan walks by an index without a condition on it."""
    walks, current, heap = [], None, None
    for line in plan.splitlines():
        if bitmap := re.search(r"Bitmap Heap Scan on (\w+)", line):
            heap = bitmap.group(1)
        node = re.search(r"Index (?:Only )?Scan(?: Backward)? using \w+ on (\w+)", line)
        if re.search(r"Bitmap Index Scan on \w+", line):
            node = heap
        elif node:
            node = node.group(1)
        if node or "->" in line:
            if current:
                walks.append(current)
            current = node
        elif current and "Index Cond" in line:
            current = None
    if current:
        walks.append(current)
    return walks


def _aliases(statement: str) -> dict[str, str]:
    return {alias: table for table, alias in re.findall(r"\b(\w+) AS (\w+)\b", statement)}


@pytest.fixture
def recorded(db):
    """Run requests and keep each statement with its parameters."""
    kept: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if not executemany:
            kept.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", keep)
    yield kept
    sa.event.remove(db.engine, "before_cursor_execute", keep)


@pytest.fixture
def busy(make, db):
    """Orders in several statuses, a collected one paid, so each page has rows to show."""
    orders = [make.order(status) for status in (S.RECEIVED, S.IN_REPAIR, S.READY, S.COLLECTED)]
    db.session.commit()
    return orders


def test_the_customer_pages_use_indexes(client, db, busy, recorded):
    order = busy[2]
    client.get(f"/s/{order.tracking_token}")
    client.get("/api/v1/status", query_string={"number": order.number, "phone": "0000"})
    client.post("/status", data={"number": order.number, "phone_last4": order.customer.phone[-4:]})
    assert recorded
    assert full_scans(db, recorded) == []


@pytest.mark.parametrize(
    ("user", "paths"),
    [
        ("tech", ["/workshop/queue"]),
        (
            "reception_a",
            ["/orders", "/orders?open=y", "/deadlines"],
        ),
        ("admin", ["/orders?status=ready", "/orders?kind=warranty"]),
    ],
)
def test_the_lists_use_indexes(client, db, busy, recorded, login_as, make, user, paths):
    login_as(getattr(make.net, user))
    recorded.clear()
    for path in paths:
        assert client.get(path).status_code == 200, path
    assert full_scans(db, recorded) == []


def test_the_order_page_uses_indexes(client, db, busy, recorded, login_as, make):
    login_as(make.net.reception_a)
    recorded.clear()
    for order in busy:
        if order.office_id == make.net.office_a.id:
            assert client.get(f"/orders/{order.number}").status_code == 200
    assert full_scans(db, recorded) == []


@pytest.mark.parametrize("dense", [False, True], ids=["few-named", "many-walked"])
def test_the_search_by_name_phone_or_serial_uses_indexes(
    client, db, busy, recorded, login_as, make, monkeypatch, dense
):
    """Each way of searching reads a range of an index, or checks the orders walked by key:
    never every customer or device, which SQLite would show as a walk of a whole index."""
    if dense:
        monkeypatch.setattr(order_queries, "DENSE", 0)
    login_as(make.net.reception_a)
    recorded.clear()
    for path in (
        "/orders?q=Petrov",
        "/orders?q=9161234",
        "/orders?q=%2B7 916 123",
        "/orders?q=SN1",
        "/orders?q=MSK-2026",
    ):
        assert client.get(path).status_code == 200
    assert recorded
    assert (
        full_scans(db, recorded, whole_index=("customers", "customer_search_keys", "devices")) == []
    )


def test_a_missing_index_would_be_found(db, busy):
    """The check itself: a filter on an unindexed column is reported."""
    statement = "SELECT id FROM repair_orders WHERE complaint = 'x'"
    params = {} if db.engine.dialect.name == "postgresql" else ()
    assert full_scans(db, [(statement, params)]) != []


def test_a_search_reading_every_key_would_be_found(db, busy):
    """The search's check: a substring match walks the whole key index, and is reported."""
    postgres = db.engine.dialect.name == "postgresql"
    statement = (
        f"SELECT customer_id FROM customer_search_keys"
        f" WHERE {'strpos' if postgres else 'instr'}(key, 'petr') > 0"
    )
    params = {} if postgres else ()
    assert full_scans(db, [(statement, params)], whole_index=("customer_search_keys",)) != []
