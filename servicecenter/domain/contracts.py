"""Contracts with partner workshops: when one is in force, what it covers, and what is refused
(dates the wrong way round, shares out of range, two contracts of one workshop at once)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .enums import DeviceCategory
from .errors import N_, DomainError

MAX_TURNAROUND_DAYS = 365


class ContractError(DomainError):
    pass


def brand_key(brand: str) -> str:
    """Brands compare without case or surrounding spaces ("apple " is Apple)."""
    return " ".join(brand.split()).casefold()


def split_brands(text: str) -> tuple[str, ...]:
    """Brands typed separated by commas or new lines, in the order typed, without repeats."""
    seen: dict[str, str] = {}
    for piece in text.replace("\n", ",").split(","):
        brand = " ".join(piece.split())
        if brand and brand_key(brand) not in seen:
            seen[brand_key(brand)] = brand
    return tuple(seen.values())


@dataclass(frozen=True)
class Terms:
    """What a contract says, in plain values. No brands means every brand of its categories."""

    number: str
    starts_on: date
    ends_on: date
    categories: frozenset[DeviceCategory]
    brands: tuple[str, ...] = ()
    turnaround_days: int = 7
    labour_share_percent: int = 50
    active: bool = True

    def in_force(self, today: date) -> bool:
        return self.active and self.starts_on <= today <= self.ends_on

    def covers(self, category: DeviceCategory, brand: str) -> bool:
        if category not in self.categories:
            return False
        return not self.brands or brand_key(brand) in {brand_key(b) for b in self.brands}


def check_terms(terms: Terms) -> None:
    """Refuse terms no contract can have. Raises ContractError on the field concerned."""
    if not terms.number.strip():
        raise ContractError(N_("Enter the contract number."), field="number")
    if terms.ends_on < terms.starts_on:
        raise ContractError(N_("The contract cannot end before it starts."), field="ends_on")
    if not terms.categories:
        raise ContractError(N_("Choose at least one kind of device."), field="categories")
    if not 1 <= terms.turnaround_days <= MAX_TURNAROUND_DAYS:
        raise ContractError(
            N_("The promised turnaround is from 1 to %(max)s days."),
            field="turnaround_days",
            max=MAX_TURNAROUND_DAYS,
        )
    if not 0 <= terms.labour_share_percent <= 100:
        raise ContractError(
            N_("The labour share is a percentage from 0 to 100."), field="labour_share_percent"
        )


def overlaps(a: Terms, b: Terms) -> bool:
    """Whether two active contracts run on a common day."""
    return a.active and b.active and a.starts_on <= b.ends_on and b.starts_on <= a.ends_on


def check_no_overlap(terms: Terms, others: list[Terms]) -> None:
    """One workshop has one contract in force on any day. Raises ContractError."""
    for other in others:
        if overlaps(terms, other):
            raise ContractError(
                N_("Contract %(other)s of this workshop runs on some of these days already."),
                field="starts_on",
                other=other.number,
            )


class ContractStatus(StrEnum):
    IN_FORCE = "in_force"
    NOT_STARTED = "not_started"
    EXPIRED = "expired"
    SUSPENDED = "suspended"
    NONE = "none"  # the partner has no contract at all


def status_of(terms: Terms | None, today: date) -> ContractStatus:
    """Where a contract stands today."""
    if terms is None:
        return ContractStatus.NONE
    if not terms.active:
        return ContractStatus.SUSPENDED
    if today < terms.starts_on:
        return ContractStatus.NOT_STARTED
    if today > terms.ends_on:
        return ContractStatus.EXPIRED
    return ContractStatus.IN_FORCE


_REFUSALS = {
    ContractStatus.NONE: N_(
        "This partner workshop has no contract in force: choose another workshop."
    ),
    ContractStatus.SUSPENDED: N_(
        "The contract with this workshop is suspended: choose another workshop."
    ),
    ContractStatus.NOT_STARTED: N_(
        "The contract with this workshop has not started yet: choose another workshop."
    ),
    ContractStatus.EXPIRED: N_(
        "The contract with this workshop has expired: choose another workshop."
    ),
}


def routing_refusal(terms: Terms | None, today: date) -> str | None:
    """Why a new order cannot go to a partner workshop under these terms today, if it cannot."""
    return _REFUSALS.get(status_of(terms, today))


WORKSHOP_INACTIVE = N_("This workshop does not take orders now.")


def workshop_refusal(
    *, active: bool, partner: bool, terms: Terms | None, today: date
) -> str | None:
    """Why a new order cannot go to a workshop today (inactive, or a partner without a contract
    in force: `terms` is its contract in force, else its latest), if it cannot."""
    if not active:
        return WORKSHOP_INACTIVE
    return routing_refusal(terms, today) if partner else None
