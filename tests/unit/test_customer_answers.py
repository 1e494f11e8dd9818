"""The customer's answers, without the app: where an online answer to a quote takes the order,
what the customer may not do, and which ratings need the office's attention."""

from __future__ import annotations

import pytest

from servicecenter.domain import workflow
from servicecenter.domain.enums import OrderStatus, Role
from servicecenter.domain.errors import DomainError, IllegalTransition, NotPermitted
from servicecenter.domain.feedback import Scores, check_scores

from .test_workflow import NOTE, facts

S = OrderStatus
CUSTOMER = workflow.CUSTOMER


@pytest.mark.parametrize(
    ("changes", "approve", "target"),
    [
        ({}, True, S.IN_REPAIR),  # every part can be reserved now
        ({"pending_parts": 1}, True, S.AWAITING_PARTS),
        ({}, False, S.TO_OFFICE),
        ({"workshop_in_office": True}, False, S.READY),
    ],
)
def test_an_online_answer_takes_the_order_on(changes, approve, target):
    order = facts(S.AWAITING_APPROVAL, **changes)
    assert workflow.customer_answer(order, approve=approve) is target
    rule = workflow.check_transition(order, target, CUSTOMER, NOTE)
    assert rule.records_approval is approve


def test_only_an_order_awaiting_approval_is_answered():
    for status in S:
        if status is S.AWAITING_APPROVAL:
            continue
        with pytest.raises(IllegalTransition):
            workflow.customer_answer(facts(status), approve=True)


def test_the_customer_only_answers_quotes():
    """No other edge of the table is open to the customer, and no staff role is the customer."""
    for source, targets in workflow.TRANSITIONS.items():
        for target, rule in targets.items():
            if CUSTOMER in rule.roles:
                assert source is S.AWAITING_APPROVAL, (source, target)
    with pytest.raises(NotPermitted):
        workflow.check_transition(facts(S.READY), S.COLLECTED, CUSTOMER)
    assert CUSTOMER not in set(Role)


def test_declining_needs_a_reason_from_the_customer_too():
    with pytest.raises(IllegalTransition):
        workflow.check_transition(facts(S.AWAITING_APPROVAL), S.TO_OFFICE, CUSTOMER)


@pytest.mark.parametrize(
    ("csat", "nps", "low"),
    [(1, 10, True), (2, 10, True), (3, 10, False), (5, 6, True), (5, 7, False), (3, 0, True)],
)
def test_a_low_rating_is_csat_2_or_nps_6_at_most(csat, nps, low):
    assert Scores(csat, nps, 3).is_low is low


def test_scores_are_checked_and_the_comment_trimmed():
    assert check_scores(Scores(5, 10, 5, "  Great\r\nthanks ")).comment == "Great\nthanks"
    with pytest.raises(DomainError) as error:
        check_scores(Scores(5, 10, 6))
    assert error.value.field == "effort" and "1 to 5" in str(error.value)
