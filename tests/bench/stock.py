"""Benchmark: how long the stock pages take on a large ledger (make bench). Not a test: it measures.

Builds a scratch SQLite file under instance/bench/ with 10,000 parts at 5 locations and 1,000,000
ledger rows (bulk INSERT ... SELECT, about half a minute), then opens the stock pages through the
app's test client, as a workshop manager and as an admin, and reports the median and the 95th
percentile of each against the target. `--reuse` keeps a database built by an earlier run.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from servicecenter.extensions import db
from servicecenter.models import StockLocation
from servicecenter.queries.pagination import encode_cursor
from servicecenter.services import stock

from ..factories import Factory
from .common import bench_app, log_in, measure

ROOT = Path(__file__).resolve().parents[2]
DATABASE = ROOT / "instance" / "bench" / "stock.sqlite3"
RESULTS = ROOT / "instance" / "bench" / "stock.json"
PARTS = 10_000
MOVEMENTS = 1_000_000
MEDIAN_TARGET_MS = 150


def build() -> None:
    """The network (through the services), then parts, ledger and levels in bulk."""
    Factory().network()
    stock.ensure_locations()
    db.session.commit()
    location_ids = list(db.session.scalars(sa.select(StockLocation.id).order_by(StockLocation.id)))
    admin_id = db.session.scalar(sa.text("SELECT id FROM users WHERE username = 'admin'"))
    connection = db.session.connection()
    connection.exec_driver_sql(
        "INSERT INTO parts (sku, name, compatible, unit_cost, sale_price, warranty_months,"
        " serial_tracked, active) VALUES (?, ?, '', ?, ?, 6, 0, 1)",
        [
            (f"P-{n:05d}", f"Part number {n} for phones", 1_000 + n % 500 * 100, 5_000)
            for n in range(PARTS)
        ],
    )
    first_part = connection.exec_driver_sql("SELECT min(id) FROM parts").scalar_one()
    location_of = " ".join(
        f"WHEN {index} THEN {location_id}" for index, location_id in enumerate(location_ids)
    )
    # One row a minute, ending now; three receipts for every write-off of one unit, so that every
    # level stays above zero; each (part, location) gets 20 rows.
    start = datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=MOVEMENTS)
    connection.exec_driver_sql(
        f"""
        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {MOVEMENTS - 1})
        INSERT INTO stock_movements (
            created_at, kind, part_id, location_id, quantity, on_hand_change, reserved_change,
            in_transit_change, unit_cost, actor_id, supplier_document, note, serials)
        SELECT
            strftime('%Y-%m-%d %H:%M:%S.000000', '{start:%Y-%m-%d %H:%M:%S}',
                     '+' || i || ' minutes'),
            CASE WHEN (i / {PARTS}) % 4 = 3 THEN 'write_off' ELSE 'receipt' END,
            {first_part} + i % {PARTS},
            CASE (i / {PARTS}) % {len(location_ids)} {location_of} END,
            CASE WHEN (i / {PARTS}) % 4 = 3 THEN 1 ELSE 1 + i % 7 % 5 END,
            CASE WHEN (i / {PARTS}) % 4 = 3 THEN -1 ELSE 1 + i % 7 % 5 END,
            0, 0, 1000, {admin_id},
            CASE WHEN (i / {PARTS}) % 4 = 3 THEN '' ELSE 'INV-' || (i / 100) END,
            CASE WHEN (i / {PARTS}) % 4 = 3 THEN 'Broken in storage' ELSE '' END,
            ''
        FROM n
        """
    )
    connection.exec_driver_sql(
        """
        INSERT INTO stock_levels (part_id, location_id, on_hand, reserved, in_transit, minimum)
        SELECT part_id, location_id, sum(on_hand_change), 0, 0,
               CASE WHEN part_id % 7 = 0 THEN 60 ELSE 0 END
        FROM stock_movements GROUP BY part_id, location_id
        """
    )
    db.session.commit()


def main(argv: list[str]) -> int:
    app, reuse = bench_app(DATABASE, argv)
    with app.app_context():
        if not reuse:
            db.create_all()
            start = time.perf_counter()
            build()
            print(
                f"built {PARTS} parts, {MOVEMENTS} movements in {time.perf_counter() - start:.1f} s"
            )
        remote = db.session.scalar(
            sa.text(
                "SELECT l.id FROM stock_locations l JOIN workshops w ON w.id = l.workshop_id"
                " WHERE w.name = 'Remote Partner'"
            )
        )
        last_id = db.session.scalar(sa.text("SELECT max(id) FROM stock_movements"))
        levels_cursor = encode_cursor(("P-09000",))
        # Far back: 97.5 % of the ledger is newer (and the remote workshop has rows there).
        deep = encode_cursor((last_id - MOVEMENTS + 25_000,))
        today = datetime.now(UTC).date()
        week_ago = today - timedelta(days=7)
        month_ago, fortnight_ago = today - timedelta(days=30), today - timedelta(days=14)
        db.session.rollback()

        pages = [
            ("manager", f"/stock?location={remote}"),
            ("manager", f"/stock?location={remote}&after={levels_cursor}"),
            ("manager", f"/stock?location={remote}&q=P-0123"),
            ("manager", f"/stock?location={remote}&low=y"),
            ("admin", "/stock/ledger"),
            ("admin", "/stock/ledger?sku=P-01234"),
            ("manager", "/stock/ledger?sku=P-01234"),
            ("admin", f"/stock/ledger?date_from={week_ago}&date_to={today}"),
            ("manager", f"/stock/ledger?date_from={month_ago}&date_to={fortnight_ago}"),
            ("manager", f"/stock/ledger?date_from={week_ago}"),
            ("admin", f"/stock/ledger?after={deep}"),
            ("manager", f"/stock/ledger?after={deep}"),
            ("manager", "/stock/low"),
            ("admin", "/stock/low"),
            ("admin", "/stock/locations"),
            ("manager", "/stock/transfers"),
        ]
        client = app.test_client()
        rows = []
        for user, url in pages:
            log_in(client, user)
            row = measure(client, url, runs=15)
            rows.append({"user": user, **row})
        app_engine = db.engine
        app_engine.dispose()

    print(f"{'user':<9}{'page':<64}{'rows':>5}{'median ms':>11}{'p95 ms':>10}")
    for row in rows:
        url = row["url"] if len(row["url"]) < 62 else row["url"][:59] + "..."
        print(f"{row['user']:<9}{url:<64}{row['rows']:>5}{row['median_ms']:>11}{row['p95_ms']:>10}")
    worst = max(row["median_ms"] for row in rows)
    passed = worst < MEDIAN_TARGET_MS
    print(
        f"slowest median {worst} ms, target < {MEDIAN_TARGET_MS} ms: {'PASS' if passed else 'FAIL'}"
    )
    RESULTS.write_text(
        json.dumps({"parts": PARTS, "movements": MOVEMENTS, "rows": rows, "pass": passed}, indent=2)
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
