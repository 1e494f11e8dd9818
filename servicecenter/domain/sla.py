"""The SLA watch: which open orders are late or close to a deadline, and the penalty they expose.

Three watches: the promised date (overdue, due today or tomorrow) and, for free repairs, the
45-day legal limit (art. 20 of the consumer protection law: near it, or past it). A device that
is ready stops every clock: the repair is done and the customer has been told.

Penalty exposure, what the customer may claim if they ask (the law, not a computed debt):
- a free (warranty) repair past the 45-day limit: 1% of the goods' price per day late (art. 23),
  taken from the declared value of the device; unknown when none was declared;
- paid work past its promised date: 3% of the work's price per day (art. 28 §5), never more than
  that price; the price once set, else the estimate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .enums import OrderKind, OrderStatus
from .warranty import LEGAL_REPAIR_LIMIT_DAYS, legal_deadline

# Days before the legal limit at which a free repair is put on the watch (config overrides).
SLA_LEGAL_WARNING_DAYS = 7
# "Due soon": promised for today or for the next this many days.
DUE_SOON_DAYS = 1

GOODS_PENALTY_PERCENT = 1  # art. 23, per day of the goods' price
WORK_PENALTY_PERCENT = 3  # art. 28 §5, per day of the work's price, capped at that price

# Ready stops the clock; collected and cancelled orders are closed.
CLOCK_STOPPED = frozenset({OrderStatus.READY, OrderStatus.COLLECTED, OrderStatus.CANCELLED})
WATCHED_STATUSES = tuple(status for status in OrderStatus if status not in CLOCK_STOPPED)


class Watch(StrEnum):
    OVERDUE = "overdue"  # the promised date has passed
    DUE_SOON = "due_soon"  # promised for today or tomorrow
    LEGAL_NEAR = "legal_near"  # a free repair within the warning days of its legal limit
    LEGAL_PASSED = "legal_passed"  # a free repair past its legal limit


class Basis(StrEnum):
    """What a penalty is counted from."""

    GOODS = "goods"  # art. 23: the price of the goods (the declared value)
    WORK = "work"  # art. 28: the price of the work


@dataclass(frozen=True)
class OrderFacts:
    """What the watch needs of an order. Amounts in minor units; dates in the local calendar."""

    status: OrderStatus
    kind: OrderKind
    received_on: date
    promised_date: date
    declared_value: int | None = None
    price: int | None = None
    estimate: int | None = None


@dataclass(frozen=True)
class Exposure:
    """A penalty the customer may claim: `amount` is None when its base is unknown."""

    basis: Basis
    days_late: int
    percent_per_day: int
    base: int | None
    amount: int | None
    capped: bool = False  # art. 28: the penalty reached the price of the work


@dataclass(frozen=True)
class Assessment:
    watches: frozenset[Watch]
    days_to_promise: int  # negative once the promised date has passed
    legal_deadline: date | None  # free repairs only
    legal_days_left: int | None  # negative once the legal limit has passed
    exposure: Exposure | None

    @property
    def watched(self) -> bool:
        return bool(self.watches)

    @property
    def days_overdue(self) -> int:
        return max(-self.days_to_promise, 0)

    @property
    def legal_days_late(self) -> int:
        return max(-(self.legal_days_left or 0), 0)


def is_watched_status(status: OrderStatus) -> bool:
    """Whether the order's clocks run: open and not yet ready."""
    return status not in CLOCK_STOPPED


def legal_warning_cutoff(today: date, warning_days: int = SLA_LEGAL_WARNING_DAYS) -> date:
    """The latest day of intake whose free repair is on the legal watch today: its deadline
    (intake + 45 days) is at most `warning_days` away."""
    return today - timedelta(days=LEGAL_REPAIR_LIMIT_DAYS - warning_days)


def penalty(facts: OrderFacts, *, today: date) -> Exposure | None:
    """The penalty exposure of an open order today, or None when nothing is late.

    A free repair past its legal limit: 1% of the declared value per day past day 45 (day 45
    itself is on time). Paid work past its promised date: 3% of its price (else estimate) per
    day, capped at that price. Rounded half up to the minor unit.
    """
    if not is_watched_status(facts.status):
        return None
    if facts.kind.is_free:
        deadline = legal_deadline(facts.kind, facts.received_on)
        late = (today - deadline).days
        if late <= 0:
            return None
        base = facts.declared_value
        amount = None if base is None else _percent(base, GOODS_PENALTY_PERCENT * late)
        return Exposure(Basis.GOODS, late, GOODS_PENALTY_PERCENT, base, amount)
    late = (today - facts.promised_date).days
    if late <= 0:
        return None
    base = facts.price if facts.price is not None else facts.estimate
    if base is None:
        return Exposure(Basis.WORK, late, WORK_PENALTY_PERCENT, None, None)
    uncapped = _percent(base, WORK_PENALTY_PERCENT * late)
    return Exposure(
        Basis.WORK, late, WORK_PENALTY_PERCENT, base, min(uncapped, base), uncapped >= base
    )


def assess(
    facts: OrderFacts, *, today: date, warning_days: int = SLA_LEGAL_WARNING_DAYS
) -> Assessment:
    """Which watches the order is on today (none once it is ready, collected or cancelled), with
    the days to its promise and to its legal limit and the penalty it exposes."""
    days_to_promise = (facts.promised_date - today).days
    deadline = legal_deadline(facts.kind, facts.received_on)
    legal_left = None if deadline is None else (deadline - today).days
    watches: set[Watch] = set()
    if is_watched_status(facts.status):
        if days_to_promise < 0:
            watches.add(Watch.OVERDUE)
        elif days_to_promise <= DUE_SOON_DAYS:
            watches.add(Watch.DUE_SOON)
        if legal_left is not None:
            if legal_left < 0:
                watches.add(Watch.LEGAL_PASSED)
            elif legal_left <= warning_days:
                watches.add(Watch.LEGAL_NEAR)
    return Assessment(
        frozenset(watches), days_to_promise, deadline, legal_left, penalty(facts, today=today)
    )


def _percent(base: int, percent: int) -> int:
    """`percent` % of `base`, rounded half up, in integers (no float drift on large sums)."""
    return (base * percent + 50) // 100
