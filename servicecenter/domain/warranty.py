"""Warranty dates: the manufacturer's cover, our own repair warranty, and the 45-day legal limit.

Russian consumer protection law: a warranty repair must be finished within 45 days of handing in
(art. 20 §1); the warranty period of the goods is extended by the days they spent in repair
(art. 20 §3); a repeat repair under our warranty does not restart the original period.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from .enums import OrderKind, Outcome
from .errors import N_, PromisedDateError, WarrantyNotApplicable

LEGAL_REPAIR_LIMIT_DAYS = 45
# A promise further out than this is a typing mistake, not a plan.
MAX_PROMISE_DAYS = 365


def add_months(start: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Coverage:
    covered: bool
    ends_on: date | None


def manufacturer_coverage(
    purchase_date: date | None, months: int | None, *, today: date, days_in_repair: int = 0
) -> Coverage:
    """Whether the manufacturer's warranty covers the device today.

    The period runs from the purchase date for `months`, extended by the days the device spent
    in earlier warranty repairs. Without a purchase date or a period there is no known cover.
    """
    if purchase_date is None or not months:
        return Coverage(False, None)
    ends_on = add_months(purchase_date, months) + timedelta(days=days_in_repair)
    return Coverage(purchase_date <= today <= ends_on, ends_on)


def repair_warranty_end(collected_on: date, warranty_days: int) -> date:
    """Last day of our own repair warranty, counted from the day of collection."""
    return collected_on + timedelta(days=warranty_days)


@dataclass(frozen=True)
class EarlierOrder:
    """An earlier order of the same device, as far as warranty decisions go."""

    id: int
    kind: OrderKind
    outcome: Outcome | None
    received_on: date
    collected_on: date | None


def days_in_warranty_repair(orders: Iterable[EarlierOrder]) -> int:
    """Days spent in manufacturer's warranty repairs (hand-in to collection, inclusive)."""
    return sum(
        (order.collected_on - order.received_on).days + 1
        for order in orders
        if order.kind is OrderKind.WARRANTY and order.collected_on is not None
    )


def orders_under_our_warranty(
    orders: Iterable[EarlierOrder], *, today: date, warranty_days: int
) -> list[EarlierOrder]:
    """Earlier repairs of ours whose labour warranty still runs today, most recent first.

    Only original repairs count: a repeat order extends nothing, so the original's period is
    never restarted by a repeat visit.
    """
    eligible = [
        order
        for order in orders
        if order.kind is not OrderKind.REPEAT
        and order.outcome is Outcome.REPAIRED
        and order.collected_on is not None
        and today <= repair_warranty_end(order.collected_on, warranty_days)
    ]
    return sorted(eligible, key=lambda order: order.collected_on, reverse=True)


@dataclass(frozen=True)
class KindSuggestion:
    kind: OrderKind
    original_order_id: int | None
    manufacturer: Coverage


def suggest_kind(
    *,
    purchase_date: date | None,
    warranty_months: int | None,
    earlier_orders: list[EarlierOrder],
    today: date,
    repair_warranty_days: int,
) -> KindSuggestion:
    """Suggest the order kind: repeat if our warranty runs, else warranty if the maker covers it."""
    coverage = manufacturer_coverage(
        purchase_date,
        warranty_months,
        today=today,
        days_in_repair=days_in_warranty_repair(earlier_orders),
    )
    ours = orders_under_our_warranty(
        earlier_orders, today=today, warranty_days=repair_warranty_days
    )
    if ours:
        return KindSuggestion(OrderKind.REPEAT, ours[0].id, coverage)
    if coverage.covered:
        return KindSuggestion(OrderKind.WARRANTY, None, coverage)
    return KindSuggestion(OrderKind.PAID, None, coverage)


def check_kind(
    kind: OrderKind,
    suggestion: KindSuggestion,
    *,
    original_order_id: int | None,
    eligible_original_ids: set[int],
) -> None:
    """A free repair must be backed by a warranty that covers the device today.

    Raises WarrantyNotApplicable otherwise.
    """
    if kind is OrderKind.WARRANTY and not suggestion.manufacturer.covered:
        if suggestion.manufacturer.ends_on is None:
            raise WarrantyNotApplicable(
                N_("The manufacturer's warranty is unknown: enter the purchase date and period.")
            )
        raise WarrantyNotApplicable(
            N_("The manufacturer's warranty ended on %(date)s."),
            date=suggestion.manufacturer.ends_on.isoformat(),
        )
    if kind is OrderKind.REPEAT and original_order_id not in eligible_original_ids:
        raise WarrantyNotApplicable(
            N_("A repeat repair needs an earlier repair of ours that is still under warranty.")
        )


def legal_deadline(kind: OrderKind, received_on: date) -> date | None:
    """The last day a free (warranty) repair may take, or None for paid work."""
    if kind.is_free:
        return received_on + timedelta(days=LEGAL_REPAIR_LIMIT_DAYS)
    return None


def check_promised_date(kind: OrderKind, received_on: date, promised: date) -> None:
    """The promise must lie between intake and the legal limit (45 days for warranty repairs).

    Raises PromisedDateError.
    """
    if promised < received_on:
        raise PromisedDateError(N_("The promised date cannot be before the day of intake."))
    deadline = legal_deadline(kind, received_on)
    if deadline is not None and promised > deadline:
        raise PromisedDateError(
            N_("A warranty repair must be promised within 45 days, by %(date)s at the latest."),
            date=deadline.isoformat(),
        )
    if promised > received_on + timedelta(days=MAX_PROMISE_DAYS):
        raise PromisedDateError(N_("The promised date is more than a year away."))


def default_promised_date(kind: OrderKind, received_on: date, turnaround_days: int) -> date:
    """The workshop's usual turnaround, never beyond the legal limit."""
    promised = received_on + timedelta(days=turnaround_days)
    deadline = legal_deadline(kind, received_on)
    return min(promised, deadline) if deadline else promised


def days_left(deadline: date, today: date) -> int:
    """Days remaining until a deadline; negative once it has passed."""
    return (deadline - today).days
