"""The SLA watch and the penalty exposure, without the app: boundary days of each watch."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from servicecenter.domain import sla
from servicecenter.domain.enums import OrderKind, OrderStatus
from servicecenter.domain.sla import Basis, OrderFacts, Watch

S = OrderStatus
RECEIVED = date(2026, 10, 1)
DAY_45 = RECEIVED + timedelta(days=45)  # the legal limit: the last day on time


def day(n: int) -> date:
    return RECEIVED + timedelta(days=n)


def facts(**changes) -> OrderFacts:
    values = {
        "status": S.IN_REPAIR,
        "kind": OrderKind.PAID,
        "received_on": RECEIVED,
        "promised_date": day(7),
        "declared_value": 3_000_000,
        "price": 500_000,
        "estimate": 400_000,
    }
    values.update(changes)
    return OrderFacts(**values)


def warranty(**changes) -> OrderFacts:
    values = {"kind": OrderKind.WARRANTY, "promised_date": DAY_45, "price": None, "estimate": None}
    return facts(**{**values, **changes})


# --- the promised date -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "watches"),
    [
        (day(5), set()),  # two days ahead: not yet
        (day(6), {Watch.DUE_SOON}),  # tomorrow
        (day(7), {Watch.DUE_SOON}),  # today: still on time
        (day(8), {Watch.OVERDUE}),
    ],
)
def test_the_promised_date_watch(today, watches):
    assessment = sla.assess(facts(), today=today)
    assert assessment.watches == watches
    assert assessment.days_to_promise == (day(7) - today).days


def test_overdue_days_count_from_the_day_after_the_promise():
    assert sla.assess(facts(), today=day(7)).days_overdue == 0
    assert sla.assess(facts(), today=day(10)).days_overdue == 3


@pytest.mark.parametrize("status", [S.READY, S.COLLECTED, S.CANCELLED])
def test_ready_collected_and_cancelled_orders_are_on_no_watch(status):
    late = sla.assess(warranty(status=status, promised_date=day(7)), today=day(60))
    assert late.watches == frozenset()
    assert late.exposure is None
    assert sla.penalty(facts(status=status), today=day(30)) is None


@pytest.mark.parametrize("status", [s for s in S if s not in (S.READY, S.COLLECTED, S.CANCELLED)])
def test_every_other_status_runs_the_clock(status):
    assert sla.assess(facts(status=status), today=day(8)).watches == {Watch.OVERDUE}


# --- the 45-day legal limit ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "watches", "left"),
    [
        (day(37), set(), 8),  # eight days left: not yet
        (day(38), {Watch.LEGAL_NEAR}, 7),  # the default warning: 7 days
        (day(44), {Watch.LEGAL_NEAR, Watch.DUE_SOON}, 1),
        (day(45), {Watch.LEGAL_NEAR, Watch.DUE_SOON}, 0),  # day 45 itself is not late
        (day(46), {Watch.LEGAL_PASSED, Watch.OVERDUE}, -1),  # day 46: one day late
    ],
)
def test_the_legal_limit_watch(today, watches, left):
    assessment = sla.assess(warranty(), today=today)
    assert assessment.watches == watches
    assert assessment.legal_deadline == DAY_45
    assert assessment.legal_days_left == left
    assert assessment.legal_days_late == max(-left, 0)


def test_the_warning_days_are_a_setting():
    assert sla.assess(warranty(), today=day(34), warning_days=11).watches == {Watch.LEGAL_NEAR}
    assert sla.assess(warranty(), today=day(34), warning_days=10).watches == frozenset()


def test_repeat_repairs_are_free_and_have_the_legal_limit_too():
    repeat = warranty(kind=OrderKind.REPEAT)
    assert sla.assess(repeat, today=day(50)).watches == {Watch.LEGAL_PASSED, Watch.OVERDUE}


def test_paid_work_has_no_legal_limit():
    assessment = sla.assess(facts(promised_date=day(60)), today=day(50))
    assert assessment.legal_deadline is None and assessment.legal_days_left is None
    assert assessment.watches == frozenset()


def test_the_cutoff_of_the_legal_watch_is_the_last_day_of_intake_on_it():
    today = day(38)
    assert sla.legal_warning_cutoff(today) == RECEIVED
    assert sla.legal_warning_cutoff(today, 10) == day(3)


# --- penalty exposure ------------------------------------------------------------------------


def test_no_penalty_on_day_45_of_a_warranty_repair():
    assert sla.penalty(warranty(), today=DAY_45) is None


def test_one_percent_of_the_goods_price_per_day_after_day_45():
    one = sla.penalty(warranty(), today=day(46))
    assert one == sla.Exposure(Basis.GOODS, 1, 1, 3_000_000, 30_000)
    ten = sla.penalty(warranty(), today=day(55))
    assert (ten.days_late, ten.amount) == (10, 300_000)
    # art. 23 has no cap: past 100 days it exceeds the goods' price
    long = sla.penalty(warranty(), today=day(45 + 150))
    assert long.amount == 4_500_000 and not long.capped


def test_a_warranty_penalty_without_a_declared_value_is_unknown():
    exposure = sla.penalty(warranty(declared_value=None), today=day(50))
    assert exposure.days_late == 5 and exposure.base is None and exposure.amount is None


def test_a_warranty_promise_passed_before_day_45_exposes_no_penalty():
    early = warranty(promised_date=day(20))
    assessment = sla.assess(early, today=day(30))
    assert assessment.watches == {Watch.OVERDUE}
    assert assessment.exposure is None


def test_three_percent_of_the_work_price_per_day_after_the_promise():
    assert sla.penalty(facts(), today=day(7)) is None  # the promised day is on time
    one = sla.penalty(facts(), today=day(8))
    assert one == sla.Exposure(Basis.WORK, 1, 3, 500_000, 15_000)
    assert sla.penalty(facts(), today=day(17)).amount == 150_000


def test_the_work_penalty_is_capped_at_the_price():
    # 34 days × 3% = 102%: capped at the price
    capped = sla.penalty(facts(), today=day(7 + 34))
    assert capped.amount == 500_000 and capped.capped
    below = sla.penalty(facts(), today=day(7 + 33))
    assert below.amount == 495_000 and not below.capped


def test_the_work_penalty_uses_the_estimate_until_there_is_a_price():
    assert sla.penalty(facts(price=None), today=day(8)).amount == 12_000
    unknown = sla.penalty(facts(price=None, estimate=None), today=day(8))
    assert unknown.base is None and unknown.amount is None


def test_the_penalty_rounds_half_up_to_the_minor_unit():
    # 3% of 150 kopecks is 4.5 kopecks
    assert sla.penalty(facts(price=150), today=day(8)).amount == 5
    assert sla.penalty(warranty(declared_value=149), today=day(46)).amount == 1
