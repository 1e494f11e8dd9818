"""The workflow table: every (from, to) pair and every guard, without the app."""

from __future__ import annotations

import itertools

import pytest

from servicecenter.domain import workflow
from servicecenter.domain.enums import OrderKind, OrderStatus, Outcome, Role
from servicecenter.domain.errors import DomainError, IllegalTransition, NotPermitted
from servicecenter.domain.workflow import OrderFacts, Request, check_transition, options

S = OrderStatus
NOTE = Request(note="because")
# As the handover service asks when it sends the device (the only way it leaves the office).
SENT = Request(note="because", handover=True)

# The table as a reader of DESIGN.md expects it, written out by hand, so that a careless edit of
# TRANSITIONS shows up here.
EXPECTED_EDGES = {
    (S.RECEIVED, S.TO_WORKSHOP),
    (S.RECEIVED, S.DIAGNOSING),
    (S.RECEIVED, S.CANCELLED),
    (S.TO_WORKSHOP, S.DIAGNOSING),
    (S.TO_WORKSHOP, S.RECEIVED),
    (S.DIAGNOSING, S.AWAITING_APPROVAL),
    (S.DIAGNOSING, S.AWAITING_PARTS),
    (S.DIAGNOSING, S.IN_REPAIR),
    (S.DIAGNOSING, S.TO_OFFICE),
    (S.DIAGNOSING, S.READY),
    (S.AWAITING_APPROVAL, S.AWAITING_PARTS),
    (S.AWAITING_APPROVAL, S.IN_REPAIR),
    (S.AWAITING_APPROVAL, S.TO_OFFICE),
    (S.AWAITING_APPROVAL, S.READY),
    (S.AWAITING_PARTS, S.IN_REPAIR),
    (S.AWAITING_PARTS, S.AWAITING_APPROVAL),
    (S.AWAITING_PARTS, S.TO_OFFICE),
    (S.AWAITING_PARTS, S.READY),
    (S.IN_REPAIR, S.REPAIRED),
    (S.IN_REPAIR, S.AWAITING_PARTS),
    (S.IN_REPAIR, S.AWAITING_APPROVAL),
    (S.IN_REPAIR, S.TO_OFFICE),
    (S.IN_REPAIR, S.READY),
    (S.REPAIRED, S.TO_OFFICE),
    (S.REPAIRED, S.READY),
    (S.TO_OFFICE, S.READY),
    (S.READY, S.COLLECTED),
}


def facts(status: OrderStatus, **changes) -> OrderFacts:
    """An order that satisfies every guard unless told otherwise."""
    values = dict(
        status=status,
        kind=OrderKind.PAID,
        estimate=10_000,
        approval_limit=50_000,
        price=20_000,
        outcome=Outcome.REPAIRED,
        balance_due=0,
        workshop_in_office=False,
    )
    values.update(changes)
    return OrderFacts(**values)


def allowed_somewhere(source: OrderStatus, target: OrderStatus) -> bool:
    """Whether any role can take the edge with guards satisfied, for either workshop placement and
    a price within or beyond what the customer allowed."""
    for role, in_office, price in itertools.product(Role, (False, True), (20_000, 90_000)):
        try:
            order = facts(source, workshop_in_office=in_office, price=price)
            check_transition(order, target, role, SENT)
        except (IllegalTransition, NotPermitted):
            continue
        return True
    return False


def test_table_matches_the_design():
    actual = {(s, t) for s, targets in workflow.TRANSITIONS.items() for t in targets}
    assert actual == EXPECTED_EDGES


@pytest.mark.parametrize(("source", "target"), list(itertools.product(S, S)))
def test_every_pair_is_allowed_exactly_when_the_table_says(source, target):
    assert allowed_somewhere(source, target) == ((source, target) in EXPECTED_EDGES)


def test_a_missing_edge_names_both_statuses():
    with pytest.raises(IllegalTransition) as error:
        check_transition(facts(S.RECEIVED), S.COLLECTED, Role.ADMIN)
    assert "received" in str(error.value) and "collected" in str(error.value)


def test_final_statuses_lead_nowhere():
    for status in workflow.FINAL_STATUSES:
        assert workflow.TRANSITIONS[status] == {}


@pytest.mark.parametrize(
    ("source", "target", "role"),
    [
        (S.RECEIVED, S.TO_WORKSHOP, Role.TECHNICIAN),
        (S.DIAGNOSING, S.IN_REPAIR, Role.RECEPTIONIST),
        (S.READY, S.COLLECTED, Role.TECHNICIAN),
        (S.READY, S.COLLECTED, Role.MANAGER),
        (S.TO_WORKSHOP, S.RECEIVED, Role.TECHNICIAN),  # only a manager refuses an order
        (S.TO_OFFICE, S.READY, Role.TECHNICIAN),
    ],
)
def test_roles_are_enforced(source, target, role):
    with pytest.raises(NotPermitted):
        check_transition(facts(source), target, role, NOTE)


def test_admin_may_take_every_edge():
    for source, target in EXPECTED_EDGES:
        assert Role.ADMIN in workflow.TRANSITIONS[source][target].roles


def test_a_remote_workshop_needs_transit_and_an_in_office_one_skips_it():
    with pytest.raises(IllegalTransition):
        check_transition(
            facts(S.RECEIVED, workshop_in_office=True), S.TO_WORKSHOP, Role.RECEPTIONIST
        )
    with pytest.raises(IllegalTransition):
        check_transition(facts(S.RECEIVED), S.DIAGNOSING, Role.TECHNICIAN)
    check_transition(facts(S.RECEIVED, workshop_in_office=True), S.DIAGNOSING, Role.TECHNICIAN)
    with pytest.raises(IllegalTransition):
        check_transition(facts(S.REPAIRED), S.READY, Role.TECHNICIAN)
    check_transition(facts(S.REPAIRED, workshop_in_office=True), S.READY, Role.TECHNICIAN)


def test_paid_order_over_the_approval_limit_must_be_approved_first():
    over = facts(S.DIAGNOSING, price=60_000, approval_limit=50_000)
    for target in (S.IN_REPAIR, S.AWAITING_PARTS):
        with pytest.raises(IllegalTransition, match="approval"):
            check_transition(over, target, Role.TECHNICIAN)
    check_transition(over, S.AWAITING_APPROVAL, Role.TECHNICIAN)
    # Once approved the customer's answer moves it on.
    check_transition(facts(S.AWAITING_APPROVAL, price=60_000), S.IN_REPAIR, Role.RECEPTIONIST)


def test_unknown_price_counts_as_over_the_limit():
    with pytest.raises(IllegalTransition):
        check_transition(
            facts(S.DIAGNOSING, price=None, estimate=None), S.IN_REPAIR, Role.TECHNICIAN
        )
    # the intake estimate stands in for the price until diagnosis sets one
    check_transition(facts(S.DIAGNOSING, price=None, estimate=100), S.IN_REPAIR, Role.TECHNICIAN)


@pytest.mark.parametrize("kind", [OrderKind.WARRANTY, OrderKind.REPEAT])
def test_warranty_orders_never_wait_for_approval(kind):
    free = facts(S.DIAGNOSING, kind=kind, price=None, estimate=None, approval_limit=None)
    with pytest.raises(IllegalTransition, match="never wait"):
        check_transition(free, S.AWAITING_APPROVAL, Role.TECHNICIAN)
    check_transition(free, S.IN_REPAIR, Role.TECHNICIAN)


def test_asking_for_approval_needs_a_price():
    with pytest.raises(IllegalTransition, match="price"):
        check_transition(facts(S.DIAGNOSING, price=None), S.AWAITING_APPROVAL, Role.TECHNICIAN)


def test_ready_needs_an_outcome():
    with pytest.raises(IllegalTransition, match="repaired"):
        check_transition(facts(S.TO_OFFICE, outcome=None), S.READY, Role.RECEPTIONIST)


def test_collection_needs_the_balance_paid():
    with pytest.raises(IllegalTransition, match="balance"):
        check_transition(facts(S.READY, balance_due=1), S.COLLECTED, Role.RECEPTIONIST)
    check_transition(facts(S.READY, balance_due=0), S.COLLECTED, Role.RECEPTIONIST)


def test_collection_needs_the_price_of_a_repaired_paid_order():
    unpriced = facts(S.READY, price=None, outcome=Outcome.REPAIRED)
    with pytest.raises(IllegalTransition, match="price of the repair is not recorded"):
        check_transition(unpriced, S.COLLECTED, Role.RECEPTIONIST)
    # Returned unrepaired, the charge is the diagnostic fee; under warranty, nothing.
    check_transition(
        facts(S.READY, price=None, outcome=Outcome.NOT_REPAIRED), S.COLLECTED, Role.RECEPTIONIST
    )
    check_transition(
        facts(S.READY, price=None, kind=OrderKind.WARRANTY), S.COLLECTED, Role.RECEPTIONIST
    )


def test_a_paid_repair_is_finished_only_with_its_price_within_what_was_allowed():
    with pytest.raises(IllegalTransition, match="Enter the price"):
        check_transition(facts(S.IN_REPAIR, price=None), S.REPAIRED, Role.TECHNICIAN)
    with pytest.raises(IllegalTransition, match="exceeds what the customer allowed"):
        check_transition(facts(S.IN_REPAIR, price=60_000), S.REPAIRED, Role.TECHNICIAN)
    approved = facts(S.IN_REPAIR, price=60_000, approved_amount=60_000)
    check_transition(approved, S.REPAIRED, Role.TECHNICIAN)
    free = facts(S.IN_REPAIR, kind=OrderKind.WARRANTY, price=None, approval_limit=None)
    check_transition(free, S.REPAIRED, Role.TECHNICIAN)


def test_a_repair_that_costs_more_goes_back_for_approval():
    dearer = facts(S.IN_REPAIR, price=90_000, approved_amount=60_000)
    with pytest.raises(IllegalTransition, match="exceeds"):
        check_transition(dearer, S.REPAIRED, Role.TECHNICIAN)
    check_transition(dearer, S.AWAITING_APPROVAL, Role.TECHNICIAN)
    offered = {option.target for option in options(dearer, Role.TECHNICIAN)}
    assert S.AWAITING_APPROVAL in offered
    within = facts(S.IN_REPAIR, price=60_000, approved_amount=60_000)
    with pytest.raises(IllegalTransition, match="no new approval is needed"):
        check_transition(within, S.AWAITING_APPROVAL, Role.TECHNICIAN)
    assert S.AWAITING_APPROVAL not in {option.target for option in options(within, Role.TECHNICIAN)}
    waiting = facts(S.AWAITING_PARTS, price=90_000, approved_amount=60_000)
    with pytest.raises(IllegalTransition, match="exceeds"):
        check_transition(waiting, S.IN_REPAIR, Role.TECHNICIAN)
    assert workflow.TRANSITIONS[S.AWAITING_APPROVAL][S.IN_REPAIR].records_approval
    assert workflow.TRANSITIONS[S.AWAITING_APPROVAL][S.AWAITING_PARTS].records_approval


@pytest.mark.parametrize(
    ("status", "price", "message"),
    [
        (S.AWAITING_APPROVAL, None, "instead of clearing it"),
        (S.IN_REPAIR, None, "instead of clearing it"),
        (S.REPAIRED, None, "instead of clearing it"),
        (S.REPAIRED, 50_001, "cannot exceed what the customer allowed (500.00)"),
    ],
)
def test_a_price_the_workshop_may_not_set(status, price, message):
    with pytest.raises(DomainError, match=message.replace("(", r"\(").replace(")", r"\)")) as error:
        workflow.check_new_price(facts(status), price)
    assert error.value.field == "price"


def test_prices_the_workshop_may_set():
    workflow.check_new_price(facts(S.DIAGNOSING, price=20_000), None)  # not quoted yet
    workflow.check_new_price(facts(S.IN_REPAIR), 90_000)  # then asks for approval again
    workflow.check_new_price(facts(S.REPAIRED), 50_000)
    workflow.check_new_price(facts(S.REPAIRED, kind=OrderKind.WARRANTY), None)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (S.RECEIVED, S.CANCELLED),
        (S.TO_WORKSHOP, S.RECEIVED),
        (S.DIAGNOSING, S.TO_OFFICE),
        (S.AWAITING_APPROVAL, S.TO_OFFICE),
        (S.IN_REPAIR, S.TO_OFFICE),
    ],
)
def test_cancelling_refusing_and_returning_unrepaired_need_a_reason(source, target):
    with pytest.raises(IllegalTransition) as error:
        check_transition(facts(source), target, Role.ADMIN, Request(note="  "))
    assert error.value.field == "note"
    check_transition(facts(source), target, Role.ADMIN, NOTE)


def test_outcomes_set_by_transitions():
    assert workflow.TRANSITIONS[S.IN_REPAIR][S.REPAIRED].sets_outcome is Outcome.REPAIRED
    for source in (S.DIAGNOSING, S.AWAITING_APPROVAL, S.AWAITING_PARTS, S.IN_REPAIR):
        for target in (S.TO_OFFICE, S.READY):
            assert workflow.TRANSITIONS[source][target].sets_outcome is Outcome.NOT_REPAIRED


def test_options_show_only_what_the_role_may_do_and_say_what_blocks_it():
    ready = facts(S.READY, balance_due=500)
    assert options(ready, Role.TECHNICIAN) == []
    [collect] = options(ready, Role.RECEPTIONIST)
    assert collect.target is S.COLLECTED and not collect.allowed
    assert "balance" in collect.blocked_by


def test_options_leave_out_transit_that_does_not_fit_the_workshop():
    remote = {o.target for o in options(facts(S.REPAIRED), Role.TECHNICIAN)}
    in_office = {
        o.target for o in options(facts(S.REPAIRED, workshop_in_office=True), Role.TECHNICIAN)
    }
    assert remote == {S.TO_OFFICE}
    assert in_office == {S.READY}


def test_options_agree_with_check_transition():
    for status, role, in_office in itertools.product(S, Role, (False, True)):
        order = facts(status, workshop_in_office=in_office)
        for option in options(order, role):
            if option.allowed:
                check_transition(order, option.target, role, NOTE)
            else:
                with pytest.raises(IllegalTransition):
                    check_transition(order, option.target, role, NOTE)
