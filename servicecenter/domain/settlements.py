"""The arithmetic of a partner's monthly settlement: shares, rounding, the repeat rule, totals."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .errors import N_, DomainError

FIRST_YEAR, LAST_YEAR = 2000, 2100  # periods anyone may ask for; beyond them is a typo


class SettlementError(DomainError):
    """The settlement cannot be confirmed (month not over, nothing to settle, done already)."""


class Reason(StrEnum):
    """Why an order earns less than its labour share."""

    NONE = ""
    NO_CONTRACT = "no_contract"  # no contract of the workshop covered the completion day
    OWN_REPEAT = "own_repeat"  # the workshop redid its own repair under our warranty
    NOT_REPAIRED = "not_repaired"  # returned unrepaired: the diagnostic fee is all there was
    NO_LABOUR = "no_labour"  # no work priced on the order (a warranty repair without lines)


# Lines that earn nothing, whatever their labour.
UNPAID = (Reason.NO_CONTRACT, Reason.OWN_REPEAT)


@dataclass(frozen=True)
class Contract:
    number: str
    starts_on: date
    ends_on: date
    share_percent: int
    active: bool


@dataclass(frozen=True)
class OrderFigures:
    """One completed order as the database gathered it (amounts in minor units)."""

    order_id: int
    number: str
    completed_on: date
    labour: int
    network_units: int
    workshop_units: int
    workshop_parts: int  # the workshop's own parts at catalogue cost
    own_repeat: bool
    not_repaired: bool = False


def labour_of(
    *,
    not_repaired: bool,
    lines: int,
    services: int,
    price: int | None,
    diagnostic_fee: int | None,
) -> int:
    """What the workshop's work on one order is worth: its service lines (an order without
    lines was priced by hand: that price); for a device returned unrepaired only the diagnostic
    fee the customer pays, not the repair that was quoted and not done."""
    if not_repaired:
        return diagnostic_fee or 0
    return services if lines else (price or 0)


@dataclass(frozen=True)
class Line:
    order_id: int
    number: str
    completed_on: date
    contract_number: str | None
    share_percent: int
    labour: int
    labour_due: int
    network_units: int
    workshop_units: int
    workshop_parts: int
    reason: Reason

    @property
    def due(self) -> int:
        return self.labour_due + self.workshop_parts


@dataclass(frozen=True)
class Totals:
    orders: int = 0
    labour: int = 0
    labour_due: int = 0
    network_units: int = 0
    workshop_units: int = 0
    workshop_parts: int = 0

    @property
    def total_due(self) -> int:
        return self.labour_due + self.workshop_parts


def valid_period(year: int | None, month: int | None = 1) -> bool:
    return (
        year is not None
        and month is not None
        and FIRST_YEAR <= year <= LAST_YEAR
        and 1 <= month <= 12
    )


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def settlement_number(workshop_id: int, year: int, month: int) -> str:
    """`ST-<workshop>-<YYYY>-<MM>`: one settlement per workshop and month, so never a clash."""
    return f"ST-{workshop_id}-{year:04d}-{month:02d}"


def share_of(labour: int, percent: int) -> int:
    """`labour × percent / 100` in minor units, rounded half up (amounts are never negative)."""
    return (labour * percent + 50) // 100


def contract_on(contracts: Iterable[Contract], day: date) -> Contract | None:
    """The workshop's contract whose dates cover the day: an active one first, then the latest."""
    covering = [c for c in contracts if c.starts_on <= day <= c.ends_on]
    return max(covering, key=lambda c: (c.active, c.starts_on), default=None)


def settle(figures: OrderFigures, contracts: Sequence[Contract]) -> Line:
    """The settlement line of one order: its labour share under the contract of its completion
    day (none: share 0), nothing for the workshop redoing its own repair; its own parts are
    reimbursed either way. An unrepaired device or an order with no labour priced says so."""
    contract = contract_on(contracts, figures.completed_on)
    percent = contract.share_percent if contract is not None else 0
    reason = Reason.NONE
    if contract is None:
        reason = Reason.NO_CONTRACT
    elif figures.own_repeat:
        reason = Reason.OWN_REPEAT
    elif figures.not_repaired:
        reason = Reason.NOT_REPAIRED
    elif figures.labour == 0:
        reason = Reason.NO_LABOUR  # shown, so that the missing price is noticed before confirming
    due = 0 if reason in UNPAID else share_of(figures.labour, percent)
    return Line(
        order_id=figures.order_id,
        number=figures.number,
        completed_on=figures.completed_on,
        contract_number=contract.number if contract is not None else None,
        share_percent=percent,
        labour=figures.labour,
        labour_due=due,
        network_units=figures.network_units,
        workshop_units=figures.workshop_units,
        workshop_parts=figures.workshop_parts,
        reason=reason,
    )


def totals(lines: Iterable[Line]) -> Totals:
    """Sums of the lines; the total due is the labour due (rounded per order) plus own parts."""
    lines = list(lines)
    return Totals(
        orders=len(lines),
        labour=sum(line.labour for line in lines),
        labour_due=sum(line.labour_due for line in lines),
        network_units=sum(line.network_units for line in lines),
        workshop_units=sum(line.workshop_units for line in lines),
        workshop_parts=sum(line.workshop_parts for line in lines),
    )


@dataclass(frozen=True)
class Sheet:
    """Everything the settlement PDF prints, in its language (pdf.settlement renders it)."""

    locale: str
    currency: str
    number: str
    year: int
    month: int
    network_name: str
    network_tax_id: str
    workshop_name: str
    contracts: tuple[str, ...]  # "C-17 · 60 %", the contracts the lines were settled under
    lines: tuple[Line, ...]
    totals: Totals
    draft: bool
    confirmed_on: date | None = None
    confirmed_by: str = ""


def check_confirmable(
    year: int,
    month: int,
    *,
    today: date,
    orders: int,
    confirmed: bool = False,
    without_contract: int = 0,
) -> None:
    """A month is settled once, after it is over, only if the workshop completed something, and
    only once every completion day is covered by a contract (a frozen share of 0 for want of
    one could not be corrected).

    Raises SettlementError.
    """
    if confirmed:
        raise SettlementError(N_("This month is confirmed already."))
    if (today.year, today.month) <= (year, month):
        raise SettlementError(N_("A month can be confirmed only once it is over."))
    if orders == 0:
        raise SettlementError(N_("The workshop completed no orders in this month."))
    if without_contract:
        raise SettlementError(
            N_(
                "%(count)s orders were completed on days no contract covered: enter the "
                "workshop's contract for those days first."
            ),
            count=without_contract,
        )
