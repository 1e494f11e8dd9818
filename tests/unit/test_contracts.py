"""Partner contracts without the database: in force, coverage, refusals, overlaps."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from servicecenter.domain.contracts import (
    ContractError,
    Terms,
    check_no_overlap,
    check_terms,
    overlaps,
    routing_refusal,
    split_brands,
)
from servicecenter.domain.enums import DeviceCategory as C

TERMS = Terms(
    number="FP-1",
    starts_on=date(2026, 1, 1),
    ends_on=date(2026, 12, 31),
    categories=frozenset({C.PHONE, C.TABLET}),
    brands=("Apple", "Samsung"),
)


def test_in_force_between_its_dates_while_active():
    assert TERMS.in_force(date(2026, 1, 1)) and TERMS.in_force(date(2026, 12, 31))
    assert not TERMS.in_force(date(2025, 12, 31)) and not TERMS.in_force(date(2027, 1, 1))
    assert not replace(TERMS, active=False).in_force(date(2026, 6, 1))


def test_coverage_by_category_and_brand_ignoring_case():
    assert TERMS.covers(C.PHONE, " apple ")
    assert not TERMS.covers(C.PHONE, "Xiaomi")
    assert not TERMS.covers(C.LAPTOP, "Apple")
    assert replace(TERMS, brands=()).covers(C.TABLET, "Anything")


def test_brands_are_split_and_deduplicated():
    assert split_brands("Apple, samsung\nAPPLE,, Xiaomi ") == ("Apple", "samsung", "Xiaomi")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"number": " "}, "number"),
        ({"ends_on": date(2025, 12, 31)}, "ends_on"),
        ({"categories": frozenset()}, "categories"),
        ({"turnaround_days": 0}, "turnaround_days"),
        ({"turnaround_days": 366}, "turnaround_days"),
        ({"labour_share_percent": 101}, "labour_share_percent"),
        ({"labour_share_percent": -1}, "labour_share_percent"),
    ],
)
def test_impossible_terms_are_refused_on_their_field(changes, field):
    with pytest.raises(ContractError) as error:
        check_terms(replace(TERMS, **changes))
    assert error.value.field == field


def test_two_active_contracts_of_a_workshop_never_share_a_day():
    later = replace(TERMS, number="FP-2", starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31))
    touching = replace(later, starts_on=date(2026, 12, 31))
    assert not overlaps(TERMS, later)
    assert overlaps(TERMS, touching)
    assert not overlaps(TERMS, replace(touching, active=False))  # a suspended one is no rival
    check_no_overlap(later, [TERMS])
    with pytest.raises(ContractError, match="FP-1") as error:
        check_no_overlap(touching, [TERMS])
    assert error.value.field == "starts_on"


def test_why_an_order_cannot_be_routed():
    assert routing_refusal(TERMS, date(2026, 6, 1)) is None
    assert "no contract" in routing_refusal(None, date(2026, 6, 1))
    assert "suspended" in routing_refusal(replace(TERMS, active=False), date(2026, 6, 1))
    assert "not started" in routing_refusal(TERMS, date(2025, 6, 1))
    assert "expired" in routing_refusal(TERMS, date(2027, 1, 1))
