"""Shared by the SLA watch tests: orders put on each watch relative to a day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from servicecenter.domain.enums import OrderKind, OrderStatus
from servicecenter.extensions import db
from servicecenter.models import RepairOrder
from servicecenter.services.clock import local_date, local_zone

S = OrderStatus


def dated(order: RepairOrder, *, received: date, promised: date) -> RepairOrder:
    """Put an order's intake and promise where a test needs them (the workflow stamps 'now')."""
    order.received_at = datetime.combine(received, time(12), tzinfo=local_zone()).astimezone(UTC)
    order.promised_date = promised
    db.session.commit()
    return order


def covered_device(make):
    """Covered by the maker's warranty on the real day of intake (the factory takes it in now)."""
    return make.device(purchase_date=local_date() - timedelta(days=100), warranty_months=24)


@dataclass
class Watched:
    overdue: RepairOrder  # paid, promised 3 days ago: 3% × 3 days of 5 000.00
    due_tomorrow: RepairOrder  # paid, promised tomorrow
    legal_near: RepairOrder  # warranty, handed in 40 days ago: 5 days left
    legal_passed: RepairOrder  # warranty, handed in 48 days ago: 3 days late, overdue too
    ready_late: RepairOrder  # ready (the clock stopped), promised long ago: on no watch
    calm: RepairOrder  # promised in a week: on no watch

    @property
    def on_watch(self) -> list[RepairOrder]:
        return [self.overdue, self.due_tomorrow, self.legal_near, self.legal_passed]


def watched_orders(make, today: date, *, office=None, workshop=None, status=S.IN_REPAIR):
    """One order on each watch (and two on none) at `office` and `workshop`."""

    def order(kind=OrderKind.PAID, order_status=status):
        device = covered_device(make) if kind.is_free else None
        return make.order(order_status, kind=kind, office=office, workshop=workshop, device=device)

    day = lambda n: today + timedelta(days=n)  # noqa: E731
    return Watched(
        overdue=dated(order(), received=day(-10), promised=day(-3)),
        due_tomorrow=dated(order(), received=day(-6), promised=day(1)),
        legal_near=dated(order(OrderKind.WARRANTY), received=day(-40), promised=day(5)),
        legal_passed=dated(order(OrderKind.WARRANTY), received=day(-48), promised=day(-3)),
        ready_late=dated(order(order_status=S.READY), received=day(-30), promised=day(-20)),
        calm=dated(order(), received=day(-1), promised=day(7)),
    )
