"""The settlement arithmetic: half-up shares, the contract of the completion day, the repeat rule,
totals, numbers and which months may be confirmed."""

from __future__ import annotations

from datetime import date

import pytest

from servicecenter.domain.settlements import (
    Contract,
    OrderFigures,
    Reason,
    SettlementError,
    check_confirmable,
    contract_on,
    next_month,
    settle,
    settlement_number,
    share_of,
    totals,
    valid_period,
)

CONTRACT = Contract("C-1", date(2026, 1, 1), date(2026, 12, 31), 60, True)


def figures(**overrides) -> OrderFigures:
    values = dict(
        order_id=1,
        number="AAA-2026-000001",
        completed_on=date(2026, 6, 10),
        labour=100_000,
        network_units=1,
        workshop_units=2,
        workshop_parts=5_000,
        own_repeat=False,
    )
    return OrderFigures(**{**values, **overrides})


@pytest.mark.parametrize(
    ("labour", "percent", "due"),
    [
        (100_000, 60, 60_000),
        (123_455, 60, 74_073),  # 74 073.0
        (1, 50, 1),  # half a kopeck rounds up
        (3, 50, 2),  # 1.5 → 2
        (101, 33, 33),  # 33.33 → 33
        (199, 50, 100),  # 99.5 → 100
        (0, 60, 0),
        (100_000, 0, 0),
        (100_000, 100, 100_000),
    ],
)
def test_the_share_is_rounded_half_up_to_minor_units(labour, percent, due):
    assert share_of(labour, percent) == due


def test_the_contract_covering_the_day_is_chosen_an_active_one_first():
    old = Contract("C-0", date(2025, 1, 1), date(2026, 6, 30), 40, False)
    new = Contract("C-2", date(2026, 6, 1), date(2027, 5, 31), 70, True)
    assert contract_on([old, new], date(2026, 6, 15)) is new
    assert contract_on([old, new], date(2026, 5, 15)) is old
    assert contract_on([old, new], date(2027, 6, 1)) is None
    assert contract_on([], date(2026, 6, 1)) is None
    both_inactive = Contract("C-3", date(2026, 6, 10), date(2026, 6, 30), 80, False)
    assert contract_on([old, both_inactive], date(2026, 6, 15)) is both_inactive  # the later


def test_an_order_is_settled_at_its_contracts_share():
    line = settle(figures(), [CONTRACT])
    assert (line.share_percent, line.labour_due, line.contract_number) == (60, 60_000, "C-1")
    assert line.reason is Reason.NONE and line.due == 65_000


def test_without_a_contract_the_share_is_zero_and_said_so():
    line = settle(figures(completed_on=date(2027, 1, 5)), [CONTRACT])
    assert (line.share_percent, line.labour_due, line.reason) == (0, 0, Reason.NO_CONTRACT)
    assert line.workshop_parts == 5_000  # its own parts are still reimbursed


def test_redoing_its_own_repair_earns_the_workshop_no_labour():
    line = settle(figures(own_repeat=True), [CONTRACT])
    assert (line.labour, line.labour_due, line.reason) == (100_000, 0, Reason.OWN_REPEAT)
    assert line.due == 5_000


def test_totals_add_the_rounded_lines():
    lines = [settle(figures(order_id=n, labour=101), [CONTRACT]) for n in range(3)]
    result = totals(lines)
    # 60.6 → 61 per order: the total is the sum of the rounded lines, not 181.8 → 182.
    assert (result.orders, result.labour, result.labour_due) == (3, 303, 183)
    assert (result.network_units, result.workshop_units, result.workshop_parts) == (3, 6, 15_000)
    assert result.total_due == 183 + 15_000
    assert totals([]).total_due == 0


def test_numbers_and_periods():
    assert settlement_number(7, 2026, 3) == "ST-7-2026-03"
    assert next_month(2026, 12) == (2027, 1) and next_month(2026, 3) == (2026, 4)
    assert valid_period(2026, 12) and not valid_period(2026, 13) and not valid_period(2026, 0)
    assert not valid_period(None) and not valid_period(1999) and not valid_period(2101)


def test_only_a_month_that_is_over_and_has_orders_is_confirmed():
    check_confirmable(2026, 6, today=date(2026, 7, 1), orders=1)
    with pytest.raises(SettlementError, match="once it is over"):
        check_confirmable(2026, 6, today=date(2026, 6, 30), orders=1)
    with pytest.raises(SettlementError, match="once it is over"):
        check_confirmable(2027, 1, today=date(2026, 7, 1), orders=1)
    with pytest.raises(SettlementError, match="no orders"):
        check_confirmable(2026, 6, today=date(2026, 7, 1), orders=0)
    with pytest.raises(SettlementError, match="confirmed already"):
        check_confirmable(2026, 6, today=date(2026, 7, 1), orders=1, confirmed=True)
