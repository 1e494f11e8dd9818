"""Two people packing the same devices at the same moment: one handover gets them, the others are
told so, and every device travels in exactly one handover (several processes, SQLite file or
PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

import multiprocessing
from collections import Counter

import pytest
import sqlalchemy as sa

from servicecenter.domain.enums import OrderStatus
from servicecenter.domain.handovers import HandoverStatus
from servicecenter.models import Handover, HandoverItem

from .workers import handover_worker

PROCESSES = 4


@pytest.mark.slow
def test_the_same_devices_go_in_one_handover_only(make, db, fresh, database_url):
    net = make.net
    orders = [make.order() for _ in range(3)]
    ids = dict(
        office=net.office_a.id,
        workshop=net.remote.id,
        desk=net.reception_a.id,
        orders=[order.id for order in orders],
    )
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        start = manager.Event()
        with context.Pool(PROCESSES) as pool:
            results = [
                pool.apply_async(handover_worker, (database_url, ids, start))
                for _ in range(PROCESSES)
            ]
            start.set()
            outcomes = Counter(result.get(timeout=180) for result in results)
    assert outcomes == Counter(sent=1, refused=PROCESSES - 1)
    fresh()
    handovers = db.session.scalars(sa.select(Handover)).all()
    assert [handover.status for handover in handovers] == [HandoverStatus.SENT]
    items = db.session.scalars(sa.select(HandoverItem)).all()
    assert sorted(item.order_id for item in items) == sorted(ids["orders"])
    assert {order.status for order in orders} == {OrderStatus.TO_WORKSHOP}
