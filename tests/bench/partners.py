"""Benchmark: how long the partner pages take on a large network (make bench). Not a test.

Builds a scratch SQLite file under instance/bench/ with 1,000,000 orders of 5 partner workshops
over the last 24 months, their service and parts lines and some refusals (bulk INSERT ... SELECT
with a recursive CTE), then opens the figures page of a year, its CSV and one month's settlement
draft through the app's test client as the admin, and reports the median and the 95th percentile
against the targets. `--reuse` keeps a database built by an earlier run.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from servicecenter.domain.enums import DeviceCategory, WorkshopKind
from servicecenter.extensions import db
from servicecenter.models import Part, Workshop, WorkshopContract
from servicecenter.services import stock

from ..factories import Factory
from .common import bench_app, log_in, measure, report

ROOT = Path(__file__).resolve().parents[2]
DATABASE = ROOT / "instance" / "bench" / "partners.sqlite3"
RESULTS = ROOT / "instance" / "bench" / "partners.json"
ORDERS = 1_000_000
PARTNERS = 5
MONTHS = 24
PARTS = 50
FIGURES_TARGET_MS = 500
SETTLEMENT_TARGET_MS = 300


def _partners() -> list[int]:
    """The factory's two partners and three more, each under a contract for the whole period."""
    net = Factory().network()
    names = [f"Partner {n}" for n in range(3, PARTNERS + 1)]
    extra = [Workshop(name=name, kind=WorkshopKind.PARTNER, turnaround_days=7) for name in names]
    db.session.add_all(extra)
    db.session.flush()
    for workshop in extra:
        db.session.add(
            WorkshopContract(
                workshop_id=workshop.id,
                number=f"C-{workshop.id}",
                starts_on=date(2020, 1, 1),
                ends_on=date(2099, 12, 31),
                categories=",".join(category.value for category in DeviceCategory),
                labour_share_percent=55,
            )
        )
    db.session.add_all(
        Part(sku=f"P-{n:03d}", name=f"Part {n}", unit_cost=1_000 + 37 * n, sale_price=9_000)
        for n in range(PARTS)
    )
    stock.ensure_locations()
    db.session.commit()
    return [net.remote.id, net.other.id, *(workshop.id for workshop in extra)]


def build() -> None:
    partner_ids = _partners()
    factory = Factory()
    device = factory.device()
    ids = db.session.execute(
        sa.text(
            "SELECT (SELECT id FROM offices WHERE code = 'AAA'),"
            " (SELECT id FROM users WHERE username = 'reception_a'),"
            " (SELECT id FROM users WHERE username = 'admin'),"
            " (SELECT min(id) FROM parts)"
        )
    ).one()
    office_id, desk_id, admin_id, first_part = ids
    workshop_of = " ".join(f"WHEN {n} THEN {wid}" for n, wid in enumerate(partner_ids))
    # One order every ~63 seconds over the 24 months that end now; 9 in 10 made ready 1-9 days
    # after intake (3 in 4 of those on time), every 30th a repeat of an order 1,000 earlier.
    end = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    start = end - timedelta(days=MONTHS * 365 / 12)
    step = (end - start).total_seconds() / ORDERS
    connection = db.session.connection()
    connection.exec_driver_sql(
        f"""
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {ORDERS}),
        o(i, received, ready) AS (
            SELECT i,
                   datetime('{start:%Y-%m-%d %H:%M:%S}', '+' || CAST(i * {step} AS INTEGER)
                            || ' seconds'),
                   CASE WHEN i % 10 = 0 THEN NULL ELSE 1 + i % 9 END
            FROM n)
        INSERT INTO repair_orders (
            id, version, number, office_id, year, sequence, tracking_token, customer_id, device_id,
            workshop_id, accepted_at, accepted_by_id, received_by_id, kind, original_order_id,
            status, status_changed_at, outcome, complaint, condition, accessories, price,
            diagnosis, work_done, received_at, promised_date, ready_at, ready_on_time,
            updated_at)
        SELECT
            i, 1, 'BEN-' || printf('%09d', i), {office_id}, 2000 + i / 100000, i,
            printf('%032d', i), {device.customer_id}, {device.id},
            CASE i / 7 % {len(partner_ids)} {workshop_of} END,
            strftime('%Y-%m-%d %H:%M:%S.000000', received, '+2 hours'), {admin_id}, {desk_id},
            CASE WHEN i % 30 = 0 AND i > 1000 THEN 'repeat' ELSE 'paid' END,
            CASE WHEN i % 30 = 0 AND i > 1000 THEN i - 1000 END,
            CASE WHEN ready IS NULL THEN 'diagnosing' ELSE 'collected' END,
            strftime('%Y-%m-%d %H:%M:%S.000000', received),
            CASE WHEN ready IS NULL THEN NULL ELSE 'repaired' END,
            'Does not turn on', 'Used', '', 10000 + i % 50 * 1000, '', '',
            strftime('%Y-%m-%d %H:%M:%S.000000', received),
            date(received, '+7 days'),
            CASE WHEN ready IS NULL THEN NULL
                 ELSE strftime('%Y-%m-%d %H:%M:%S.000000', received, '+' || ready || ' days') END,
            CASE WHEN ready IS NULL THEN NULL ELSE ready <= 7 END,
            strftime('%Y-%m-%d %H:%M:%S.000000', received)
        FROM o
        """
    )
    # Every order one service line; every third a fitted part: 1-3 units, some the network's.
    connection.exec_driver_sql(
        f"""
        INSERT INTO order_lines (order_id, kind, description, quantity, unit_price, state,
                                 serials, network_quantity, added_by_id, created_at)
        SELECT id, 'service', 'Labour', 1, price, 'active', '', 0, {admin_id}, received_at
        FROM repair_orders
        """
    )
    connection.exec_driver_sql(
        f"""
        INSERT INTO order_lines (order_id, kind, part_id, location_id, description, quantity,
                                 unit_price, state, serials, network_quantity, added_by_id,
                                 created_at)
        SELECT o.id, 'part', {first_part} + o.id % {PARTS}, l.id, 'Part', 1 + o.id / 3 % 3, 9000,
               'consumed', '', o.id / 5 % 2, {admin_id}, o.received_at
        FROM repair_orders o JOIN stock_locations l ON l.workshop_id = o.workshop_id
        WHERE o.id % 3 = 0 AND o.ready_at IS NOT NULL
        """
    )
    # One refusal for every 40 orders, by the workshop the order went to.
    connection.exec_driver_sql(
        f"""
        INSERT INTO workshop_refusals (order_id, workshop_id, actor_id, created_at, reason)
        SELECT id, workshop_id, {admin_id}, received_at, 'No capacity'
        FROM repair_orders WHERE id % 40 = 0
        """
    )
    connection.exec_driver_sql("ANALYZE")
    db.session.commit()


def main(argv: list[str]) -> int:
    app, reuse = bench_app(DATABASE, argv)
    with app.app_context():
        if not reuse:
            db.create_all()
            started = time.perf_counter()
            build()
            print(f"built {ORDERS} orders in {time.perf_counter() - started:.1f} s")
        remote = db.session.scalar(
            sa.text("SELECT id FROM workshops WHERE name = 'Remote Partner'")
        )
        counts = db.session.execute(
            sa.text(
                "SELECT (SELECT count(*) FROM repair_orders), (SELECT count(*) FROM order_lines),"
                " (SELECT count(*) FROM workshop_refusals)"
            )
        ).one()
        db.session.rollback()
        today = datetime.now(UTC).date()
        year = today.year
        last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        pages = [
            ("figures", f"/partners?year={year}", FIGURES_TARGET_MS),
            ("figures csv", f"/partners/figures.csv?year={year}", FIGURES_TARGET_MS),
            (
                "settlement",
                f"/partners/{remote}/{last_month.year}/{last_month.month}",
                SETTLEMENT_TARGET_MS,
            ),
        ]
        client = app.test_client()
        log_in(client, "admin")
        rows = []
        for name, url, target in pages:
            row = measure(client, url, runs=15)
            rows.append({"page": name, **row, "target_ms": target})
        settlement_html = client.get(pages[2][1]).get_data(as_text=True)
        lines = settlement_html.count('class="settlement-line"')
        db.engine.dispose()

    print(f"orders {counts[0]}, order lines {counts[1]}, refusals {counts[2]}")
    passed = report(rows, page_width=13, with_url=True)
    print(f"settlement page shows {lines} lines of its month: {'PASS' if passed else 'FAIL'}")
    RESULTS.write_text(
        json.dumps(
            {
                "orders": counts[0],
                "order_lines": counts[1],
                "refusals": counts[2],
                "rows": rows,
                "pass": passed,
            },
            indent=2,
        )
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
