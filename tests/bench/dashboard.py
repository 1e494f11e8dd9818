"""Benchmark: how long the manager dashboard takes on a large network (make bench). Not a test.

Builds a scratch SQLite file under instance/bench/ with 1,000,000 orders of two offices and six
workshops (two technicians each) over the last 24 months: 3,000 devices of every category, each
order's status history (8-9 rows for a collected order), its payments, a service line and for
every third a fitted part, ratings of a third of the collected orders with the follow-ups
the low ones opened (bulk INSERT ... SELECT with a recursive CTE). Orders still open are the
recent ones, as in a real network; older unfinished ones were cancelled. Then it opens the whole
dashboard page for the last 30 days, the last year and two years, and one CSV, through the
app's test client as the admin and as a workshop manager, and reports the median and the 95th
percentile against the target. `--reuse` keeps a database built by an earlier run (the models'
indexes are added to it if missing, so a new index is measured without a rebuild).
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from servicecenter.database import write_transaction
from servicecenter.domain.enums import DeviceCategory, WorkshopKind
from servicecenter.extensions import db
from servicecenter.models import Part, Workshop
from servicecenter.services import dashboard_rollup, stock

from ..factories import Factory
from .common import bench_app, log_in, measure, report

ROOT = Path(__file__).resolve().parents[2]
DATABASE = ROOT / "instance" / "bench" / "dashboard.sqlite3"
RESULTS = ROOT / "instance" / "bench" / "dashboard.json"
ORDERS = 1_000_000
MONTHS = 24
DEVICES = 3_000
PARTS = 50
TARGET_MS = 500
BRANDS = ("Acme", "Bolt", "Civic", "Delta", "Echo", "Fern", "Gala", "Helio")
SERVICES = (
    "Diagnostics",
    "Screen replacement",
    "Battery replacement",
    "Connector repair",
    "Cleaning",
    "Software reinstall",
    "Board repair",
)
# The workflow steps a bench order walks, with the share of its repair time each is entered at.
STEPS = (
    (1, None, "received", 0.0),
    (2, "received", "to_workshop", 0.05),
    (3, "to_workshop", "diagnosing", 0.15),
    (4, "diagnosing", "awaiting_parts", 0.3),
    (5, "awaiting_parts", "in_repair", 0.5),
    (6, "in_repair", "repaired", 0.85),
    (7, "repaired", "to_office", 0.9),
    (8, "to_office", "ready", 1.0),
    (9, "ready", "collected", None),
)
RANK = {to: n for n, _from, to, _share in STEPS}


def _network() -> tuple[list[int], dict[int, tuple[int, int]]]:
    """The factory's network, three more partners, two technicians per workshop, the parts."""
    net = Factory().network()
    extra = [
        Workshop(name=f"Partner {n}", kind=WorkshopKind.PARTNER, turnaround_days=7)
        for n in range(3, 6)
    ]
    db.session.add_all(extra)
    db.session.add_all(
        Part(sku=f"P-{n:03d}", name=f"Part {n}", unit_cost=1_000 + 37 * n, sale_price=9_000)
        for n in range(PARTS)
    )
    db.session.flush()
    stock.ensure_locations()
    workshops = [net.remote.id, net.other.id, net.in_office.id, *(w.id for w in extra)]
    connection = db.session.connection()
    technicians: dict[int, tuple[int, int]] = {}
    for workshop_id in workshops:
        pair = []
        for n in (1, 2):
            connection.exec_driver_sql(
                "INSERT INTO users (username, name, role, workshop_id, password_hash,"
                " session_stamp, active, created_at)"
                f" SELECT 'bench_tech_{workshop_id}_{n}', 'Technician {workshop_id}.{n}',"
                f" 'technician', {workshop_id}, password_hash, session_stamp, 1, created_at"
                " FROM users WHERE username = 'tech'"
            )
            pair.append(connection.exec_driver_sql("SELECT last_insert_rowid()").scalar())
        technicians[workshop_id] = (pair[0], pair[1])
    db.session.commit()
    return workshops, technicians


def build() -> None:
    workshops, technicians = _network()
    customer = Factory().customer()
    connection = db.session.connection()
    categories = [category.value for category in DeviceCategory]
    connection.exec_driver_sql(
        f"""
        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {DEVICES - 1})
        INSERT INTO devices (customer_id, category, brand, model, serial, created_at)
        SELECT {customer.id},
               CASE i % {len(categories)} {" ".join(f"WHEN {k} THEN '{c}'" for k, c in enumerate(categories))} END,
               CASE i % {len(BRANDS)} {" ".join(f"WHEN {k} THEN '{b}'" for k, b in enumerate(BRANDS))} END,
               'Model ' || (i % 17), 'SN' || i, '2020-01-01 00:00:00.000000'
        FROM n
        """  # noqa: E501
    )
    office_a, office_b, desk_id, admin_id, first_device, first_part = connection.exec_driver_sql(
        "SELECT (SELECT id FROM offices WHERE code = 'AAA'), (SELECT id FROM offices WHERE"
        " code = 'BBB'), (SELECT id FROM users WHERE username = 'reception_a'),"
        " (SELECT id FROM users WHERE username = 'admin'), (SELECT min(id) FROM devices),"
        " (SELECT min(id) FROM parts)"
    ).one()
    count = len(workshops)
    workshop_of = " ".join(f"WHEN {k} THEN {w}" for k, w in enumerate(workshops))
    technician_of = " ".join(
        f"WHEN {k * 2 + m} THEN {technicians[w][m]}"
        for k, w in enumerate(workshops)
        for m in (0, 1)
    )
    open_status = " ".join(f"WHEN {k} THEN '{STEPS[k][2]}'" for k in range(7))
    end = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    start = end - timedelta(days=MONTHS * 365 / 12)
    step = (end - start).total_seconds() / ORDERS
    stamp = "'%Y-%m-%d %H:%M:%S.000000'"
    now = f"'{end:%Y-%m-%d %H:%M:%S}'"
    # One order every ~63 seconds. 9 in 10 are made ready 1-9 days after intake (3 in 4 of those
    # by the promised 7th day) and collected 0-3 days later, unless that is still to come; every
    # 30th a repeat of an order 1,001 earlier, every 11th under the manufacturer's warranty.
    connection.exec_driver_sql(
        f"""
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {ORDERS}),
        t(i, received, delay) AS (
            SELECT i, datetime('{start:%Y-%m-%d %H:%M:%S}', '+' || CAST(i * {step} AS INTEGER)
                               || ' seconds'),
                   CASE WHEN i % 10 = 0 THEN NULL ELSE 1 + i % 9 END
            FROM n),
        r(i, received, ready, collected) AS (
            SELECT i, received,
                   CASE WHEN datetime(received, '+' || delay || ' days', '+3 hours') <= {now}
                        THEN datetime(received, '+' || delay || ' days', '+3 hours') END,
                   CASE WHEN datetime(received, '+' || (delay + i % 4) || ' days', '+5 hours')
                             <= {now}
                        THEN datetime(received, '+' || (delay + i % 4) || ' days', '+5 hours')
                   END
            FROM t),
        o(i, received, ready, collected, status) AS (
            SELECT i, received, ready, collected,
                   CASE WHEN collected IS NOT NULL THEN 'collected'
                        WHEN ready IS NOT NULL THEN 'ready'
                        WHEN i % 10 != 0 THEN 'in_repair'
                        WHEN received < datetime({now}, '-45 days') THEN 'cancelled'
                        ELSE CASE i / 10 % 7 {open_status} END END
            FROM r)
        INSERT INTO repair_orders (
            id, version, number, office_id, year, sequence, tracking_token, customer_id, device_id,
            workshop_id, technician_id, accepted_at, accepted_by_id, received_by_id, kind,
            original_order_id, status, status_changed_at, outcome, complaint, condition,
            accessories, price, diagnosis, work_done, received_at, promised_date, ready_at,
            ready_on_time, collected_at, updated_at)
        SELECT
            i, 1, 'BEN-' || printf('%09d', i), CASE WHEN i % 3 = 0 THEN {office_b}
            ELSE {office_a} END, 2000 + i / 100000, i, printf('%032d', i), {customer.id},
            {first_device} + i * 7 % {DEVICES}, CASE i / 7 % {count} {workshop_of} END,
            CASE i / 7 % {count} * 2 + i % 2 {technician_of} END,
            strftime({stamp}, received, '+2 hours'), {admin_id}, {desk_id},
            CASE WHEN i % 30 = 0 AND i > 1000 THEN 'repeat' WHEN i % 11 = 0 THEN 'warranty'
                 ELSE 'paid' END,
            CASE WHEN i % 30 = 0 AND i > 1000 THEN i - 1001 END,
            status, strftime({stamp}, coalesce(collected, ready, received)),
            CASE WHEN ready IS NULL THEN NULL WHEN i % 20 = 1 THEN 'not_repaired'
                 ELSE 'repaired' END,
            'Does not turn on', 'Used', '',
            CASE WHEN i % 11 = 0 OR (i % 30 = 0 AND i > 1000) THEN NULL
                 ELSE 10000 + i % 50 * 1000 END,
            '', '', strftime({stamp}, received), date(received, '+7 days'),
            strftime({stamp}, ready), CASE WHEN ready IS NULL THEN NULL
                 ELSE date(ready) <= date(received, '+7 days') END,
            strftime({stamp}, collected), strftime({stamp}, received)
        FROM o
        """
    )
    steps = " UNION ALL ".join(
        f"SELECT {n}, {'NULL' if before is None else repr(before)}, '{to}',"
        f" {'NULL' if share is None else share}"
        for n, before, to, share in STEPS
    )
    rank = " ".join(f"WHEN '{status}' THEN {n}" for status, n in RANK.items())
    # The history each order's status implies: its steps up to where it is, at their share of
    # the time to ready (an order not ready yet took a step an hour); a cancelled one two rows.
    connection.exec_driver_sql(
        f"""
        WITH s(n, before, after, share) AS ({steps})
        INSERT INTO order_status_changes (order_id, from_status, to_status, actor_id, created_at,
                                          note, note_public)
        SELECT o.id, s.before, s.after, {admin_id},
               CASE WHEN s.share IS NULL THEN o.collected_at
                    WHEN o.ready_at IS NULL
                    THEN strftime({stamp}, o.received_at, '+' || (s.n - 1) || ' hours')
                    ELSE strftime({stamp}, julianday(o.received_at) + s.share
                                  * (julianday(o.ready_at) - julianday(o.received_at))) END,
               '', 0
        FROM repair_orders o JOIN s ON s.n <= CASE o.status {rank} ELSE 1 END
        ORDER BY o.id, s.n
        """
    )
    connection.exec_driver_sql(
        f"""
        INSERT INTO order_status_changes (order_id, from_status, to_status, actor_id, created_at,
                                          note, note_public)
        SELECT id, 'received', 'cancelled', {desk_id},
               strftime({stamp}, received_at, '+1 hours'), '', 0
        FROM repair_orders WHERE status = 'cancelled'
        """
    )
    # A paid order collected paid in full then; every 4th paid a prepayment at intake; every
    # 97th collected had part of it refunded the next day.
    connection.exec_driver_sql(
        f"""
        INSERT INTO payments (order_id, kind, method, amount, taken_by_id, created_at)
        SELECT id, 'prepayment', 'cash', 2000, {desk_id}, received_at
        FROM repair_orders WHERE kind = 'paid' AND id % 4 = 0 AND status != 'cancelled'
        """
    )
    connection.exec_driver_sql(
        f"""
        INSERT INTO payments (order_id, kind, method, amount, taken_by_id, created_at)
        SELECT id, 'final', 'card', price - CASE WHEN id % 4 = 0 THEN 2000 ELSE 0 END,
               {desk_id}, collected_at
        FROM repair_orders WHERE kind = 'paid' AND status = 'collected'
        """
    )
    connection.exec_driver_sql(
        f"""
        INSERT INTO payments (order_id, kind, method, amount, taken_by_id, created_at)
        SELECT id, 'refund', 'card', 1000, {desk_id},
               strftime({stamp}, collected_at, '+1 days')
        FROM repair_orders WHERE kind = 'paid' AND status = 'collected' AND id % 97 = 0
             AND datetime(collected_at, '+1 days') <= {now}
        """
    )
    service = " ".join(f"WHEN {k} THEN '{name}'" for k, name in enumerate(SERVICES))
    # Every order one service line (some services far more common than others); every third
    # made ready a fitted part.
    connection.exec_driver_sql(
        f"""
        INSERT INTO order_lines (order_id, kind, description, quantity, unit_price, state,
                                 serials, network_quantity, added_by_id, created_at)
        SELECT id, 'service', CASE id * id % 13 % {len(SERVICES)} {service} END, 1,
               coalesce(price, 5000), 'active', '', 0, {admin_id}, received_at
        FROM repair_orders WHERE status != 'cancelled'
        """
    )
    connection.exec_driver_sql(
        f"""
        INSERT INTO order_lines (order_id, kind, part_id, location_id, description, quantity,
                                 unit_price, state, serials, network_quantity, added_by_id,
                                 created_at)
        SELECT o.id, 'part', {first_part} + o.id * o.id % {PARTS}, l.id, 'Part', 1 + o.id / 3 % 3,
               9000, 'consumed', '', o.id / 5 % 2, {admin_id}, o.received_at
        FROM repair_orders o JOIN stock_locations l ON l.workshop_id = o.workshop_id
        WHERE o.id % 3 = 0 AND o.ready_at IS NOT NULL
        """
    )
    add_feedback(now)
    db.session.commit()


def add_feedback(now: str) -> None:
    """A third of the collected orders rated 5 hours after collection (most well, some badly);
    each low rating opened a follow-up, closed a day or two later unless that is still to come."""
    connection = db.session.connection()
    stamp = "'%Y-%m-%d %H:%M:%S.000000'"
    connection.exec_driver_sql(
        f"""
        INSERT INTO feedback (order_id, csat, nps, effort, comment, created_at, ip_address,
                              user_agent)
        SELECT id, csat, CASE csat WHEN 5 THEN 9 + id % 2 WHEN 4 THEN 7 + id % 4
                                   WHEN 3 THEN 5 + id % 3 ELSE id % 5 END,
               CASE WHEN csat >= 4 THEN 4 + id % 2 ELSE 2 + id % 2 END, '',
               strftime({stamp}, collected_at, '+5 hours'), '127.0.0.1', 'bench'
        FROM (SELECT id, collected_at,
                     CASE WHEN id % 100 < 60 THEN 5 WHEN id % 100 < 85 THEN 4
                          WHEN id % 100 < 93 THEN 3 WHEN id % 100 < 97 THEN 2 ELSE 1 END AS csat
              FROM repair_orders
              WHERE status = 'collected' AND id % 3 = 1
                    AND datetime(collected_at, '+5 hours') <= {now})
        """
    )
    connection.exec_driver_sql(
        f"""
        INSERT INTO follow_ups (version, order_id, feedback_id, opened_at, closed_at,
                                action_taken)
        SELECT 1, order_id, id, created_at,
               CASE WHEN datetime(created_at, '+' || (1 + id % 2) || ' days') <= {now}
                    THEN strftime({stamp}, created_at, '+' || (1 + id % 2) || ' days') END,
               'Called back'
        FROM feedback WHERE csat <= 2 OR nps <= 6
        """
    )


def ensure_indexes() -> None:
    """The models' indexes on a reused database (create_all adds none to existing tables)."""
    connection = db.session.connection()
    for table in db.metadata.sorted_tables:
        for index in table.indexes:
            index.create(connection, checkfirst=True)
    connection.exec_driver_sql("ANALYZE")
    db.session.commit()


def roll_up() -> dict:
    """Fill the dashboard's daily rollup as `flask dashboard rollup` would, timed (a reused
    database keeps the days rolled by an earlier run: only the missing ones are rolled)."""
    started = time.perf_counter()
    with write_transaction():
        days = dashboard_rollup.roll_up_missing(datetime.now(UTC), after_step=db.session.commit)
        db.session.commit()
    seconds = round(time.perf_counter() - started, 1)
    print(f"rolled up {len(days)} day(s) in {seconds} s", flush=True)
    return {"days": len(days), "seconds": seconds}


def main(argv: list[str]) -> int:
    app, reuse = bench_app(DATABASE, argv)
    with app.app_context():
        if not reuse:
            db.create_all()
            started = time.perf_counter()
            build()
            print(f"built {ORDERS} orders in {time.perf_counter() - started:.1f} s")
        db.create_all()  # tables added since the database was built (the rollup's)
        if reuse and db.session.scalar(sa.text("SELECT count(*) FROM feedback")) == 0:
            add_feedback(f"'{datetime.now(UTC):%Y-%m-%d %H:%M:%S}'")  # built before it rated
            db.session.commit()
        ensure_indexes()
        if "--build-only" in argv:
            return 0
        backfill = roll_up()
        counts = db.session.execute(
            sa.text(
                "SELECT (SELECT count(*) FROM repair_orders),"
                " (SELECT count(*) FROM order_status_changes), (SELECT count(*) FROM payments),"
                " (SELECT count(*) FROM order_lines), (SELECT count(*) FROM feedback),"
                " (SELECT count(*) FROM follow_ups)"
            )
        ).one()
        remote = db.session.scalar(
            sa.text("SELECT id FROM workshops WHERE name = 'Remote Partner'")
        )
        db.session.rollback()
        today = datetime.now(UTC).date()
        year_ago = today - timedelta(days=364)
        longest = today - timedelta(days=730)  # the page's widest range (MAX_DAYS)
        pages = [
            ("admin, 30 days", "admin", "/dashboard"),
            ("admin, 1 year", "admin", f"/dashboard?start={year_ago}&end={today}"),
            ("admin, 1 year, workshop", "admin", f"/dashboard?start={year_ago}&workshop={remote}"),
            ("admin, 1 year, CSV", "admin", f"/dashboard/flow.csv?start={year_ago}&end={today}"),
            ("admin, 2 years", "admin", f"/dashboard?start={longest}&end={today}"),
            ("manager, 30 days", "manager", "/dashboard"),
            ("manager, 1 year", "manager", f"/dashboard?start={year_ago}&end={today}"),
        ]
        rows = []
        for name, user, url in pages:
            client = app.test_client()
            log_in(client, user)
            row = measure(client, url, runs=5)
            rows.append({"page": name, **row, "target_ms": TARGET_MS})
        db.engine.dispose()

    print(
        f"orders {counts[0]}, status changes {counts[1]}, payments {counts[2]},"
        f" order lines {counts[3]}, feedback {counts[4]}, follow-ups {counts[5]}"
    )
    print(f"rollup backfill: {backfill['days']} day(s) in {backfill['seconds']} s")
    passed = report(rows, page_width=26)
    RESULTS.write_text(
        json.dumps(
            {"counts": list(counts), "backfill": backfill, "rows": rows, "pass": passed}, indent=2
        )
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
