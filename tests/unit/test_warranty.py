"""Warranty dates and the 45-day legal limit, without the app."""

from __future__ import annotations

from datetime import date

import pytest

from servicecenter.domain import warranty
from servicecenter.domain.enums import OrderKind, Outcome
from servicecenter.domain.errors import PromisedDateError, WarrantyNotApplicable
from servicecenter.domain.warranty import EarlierOrder

TODAY = date(2026, 11, 23)


def test_add_months_clamps_to_the_end_of_the_month():
    assert warranty.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert warranty.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert warranty.add_months(date(2025, 11, 23), 12) == date(2026, 11, 23)
    assert warranty.add_months(date(2025, 12, 15), 13) == date(2027, 1, 15)


def test_manufacturer_cover_runs_to_the_last_day_inclusive():
    covered = warranty.manufacturer_coverage(date(2025, 11, 23), 12, today=TODAY)
    assert covered == warranty.Coverage(True, date(2026, 11, 23))
    ended = warranty.manufacturer_coverage(date(2025, 11, 22), 12, today=TODAY)
    assert not ended.covered and ended.ends_on == date(2026, 11, 22)


def test_unknown_purchase_means_no_known_cover():
    assert warranty.manufacturer_coverage(None, 12, today=TODAY) == warranty.Coverage(False, None)
    assert warranty.manufacturer_coverage(date(2026, 1, 1), None, today=TODAY).ends_on is None


def test_days_in_warranty_repair_extend_the_manufacturer_period():
    earlier = [
        EarlierOrder(1, OrderKind.WARRANTY, Outcome.REPAIRED, date(2026, 3, 1), date(2026, 3, 10)),
        # a paid repair does not extend the manufacturer's warranty
        EarlierOrder(2, OrderKind.PAID, Outcome.REPAIRED, date(2026, 5, 1), date(2026, 5, 20)),
    ]
    assert warranty.days_in_warranty_repair(earlier) == 10
    suggestion = warranty.suggest_kind(
        purchase_date=date(2025, 11, 20),
        warranty_months=12,
        earlier_orders=earlier,
        today=TODAY,
        repair_warranty_days=0,
    )
    assert suggestion.manufacturer.ends_on == date(2026, 11, 30)
    assert suggestion.kind is OrderKind.WARRANTY


def test_our_warranty_suggests_a_repeat_linked_to_the_original():
    earlier = [
        EarlierOrder(7, OrderKind.PAID, Outcome.REPAIRED, date(2026, 9, 1), date(2026, 9, 10)),
    ]
    suggestion = warranty.suggest_kind(
        purchase_date=None,
        warranty_months=None,
        earlier_orders=earlier,
        today=TODAY,
        repair_warranty_days=90,
    )
    assert (suggestion.kind, suggestion.original_order_id) == (OrderKind.REPEAT, 7)


def test_a_repeat_visit_does_not_restart_the_original_period():
    original = EarlierOrder(
        7, OrderKind.PAID, Outcome.REPAIRED, date(2026, 7, 1), date(2026, 7, 10)
    )
    repeat = EarlierOrder(
        8, OrderKind.REPEAT, Outcome.REPAIRED, date(2026, 9, 1), date(2026, 9, 20)
    )
    # 90 days from 10 July is 8 October: the repeat collected on 20 September extends nothing.
    assert (
        warranty.orders_under_our_warranty([original, repeat], today=TODAY, warranty_days=90) == []
    )
    assert warranty.orders_under_our_warranty(
        [original, repeat], today=date(2026, 10, 8), warranty_days=90
    ) == [original]


def test_unrepaired_or_uncollected_orders_give_no_repair_warranty():
    orders = [
        EarlierOrder(1, OrderKind.PAID, Outcome.NOT_REPAIRED, date(2026, 11, 1), date(2026, 11, 5)),
        EarlierOrder(2, OrderKind.PAID, Outcome.REPAIRED, date(2026, 11, 1), None),
    ]
    assert warranty.orders_under_our_warranty(orders, today=TODAY, warranty_days=90) == []


def test_check_kind_refuses_a_warranty_order_without_cover():
    suggestion = warranty.suggest_kind(
        purchase_date=date(2020, 1, 1),
        warranty_months=12,
        earlier_orders=[],
        today=TODAY,
        repair_warranty_days=90,
    )
    with pytest.raises(WarrantyNotApplicable, match="ended on 2021-01-01"):
        warranty.check_kind(
            OrderKind.WARRANTY, suggestion, original_order_id=None, eligible_original_ids=set()
        )
    with pytest.raises(WarrantyNotApplicable, match="repeat"):
        warranty.check_kind(
            OrderKind.REPEAT, suggestion, original_order_id=5, eligible_original_ids={6}
        )
    warranty.check_kind(
        OrderKind.REPEAT, suggestion, original_order_id=6, eligible_original_ids={6}
    )
    warranty.check_kind(
        OrderKind.PAID, suggestion, original_order_id=None, eligible_original_ids=set()
    )


@pytest.mark.parametrize("kind", [OrderKind.WARRANTY, OrderKind.REPEAT])
def test_a_warranty_repair_is_promised_within_45_days(kind):
    warranty.check_promised_date(kind, TODAY, date(2027, 1, 7))  # day 45
    with pytest.raises(PromisedDateError, match="45 days"):
        warranty.check_promised_date(kind, TODAY, date(2027, 1, 8))


def test_a_paid_repair_may_be_promised_later_but_not_in_the_past_or_years_ahead():
    warranty.check_promised_date(OrderKind.PAID, TODAY, date(2027, 3, 1))
    with pytest.raises(PromisedDateError):
        warranty.check_promised_date(OrderKind.PAID, TODAY, date(2026, 11, 22))
    with pytest.raises(PromisedDateError):
        warranty.check_promised_date(OrderKind.PAID, TODAY, date(2028, 1, 1))


def test_default_promise_never_exceeds_the_legal_limit():
    assert warranty.default_promised_date(OrderKind.WARRANTY, TODAY, 60) == date(2027, 1, 7)
    assert warranty.default_promised_date(OrderKind.PAID, TODAY, 60) == date(2027, 1, 22)
    assert warranty.legal_deadline(OrderKind.PAID, TODAY) is None
