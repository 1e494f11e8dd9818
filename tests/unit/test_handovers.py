"""Handover rules and the custody trail, without the app."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from servicecenter.domain.enums import OrderKind, OrderStatus, Outcome, Role
from servicecenter.domain.errors import IllegalTransition
from servicecenter.domain.handovers import (
    Arrival,
    Direction,
    HandoverError,
    ItemState,
    Leg,
    Place,
    check_arrival,
    check_sendable,
    custody_trail,
    place_after,
)
from servicecenter.domain.workflow import OrderFacts, Request, check_transition, options

S = OrderStatus
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def leg(direction, state, *, hours=0, note=""):
    answered = T0 + timedelta(hours=hours + 1) if state is not ItemState.PACKED else None
    return Leg(
        handover_number=f"H-2026-00000{hours}",
        direction=direction,
        office_name="MSK",
        workshop_name="FixPro",
        sent_at=T0 + timedelta(hours=hours),
        sent_by="Olga",
        state=state,
        answered_at=answered,
        answered_by="Anna" if answered else None,
        note=note,
    )


@pytest.mark.parametrize(
    ("state", "direction", "place"),
    [
        (ItemState.PACKED, Direction.TO_WORKSHOP, Place.IN_TRANSIT),
        (ItemState.RECEIVED, Direction.TO_WORKSHOP, Place.WORKSHOP),
        (ItemState.MISSING, Direction.TO_WORKSHOP, Place.MISSING),
        (ItemState.RETURNED, Direction.TO_WORKSHOP, Place.OFFICE),
        (ItemState.PACKED, Direction.TO_OFFICE, Place.IN_TRANSIT),
        (ItemState.RECEIVED, Direction.TO_OFFICE, Place.OFFICE),
    ],
)
def test_where_a_device_is_after_its_last_handover(state, direction, place):
    assert place_after(state, direction) is place


def test_the_trail_follows_every_leg_and_ends_with_the_customer():
    trail = custody_trail(
        office_name="MSK",
        received_at=T0 - timedelta(hours=1),
        received_by="Olga",
        legs=[
            leg(Direction.TO_WORKSHOP, ItemState.RECEIVED, note="No charger"),
            leg(Direction.TO_OFFICE, ItemState.RECEIVED, hours=48),
        ],
        collected_at=T0 + timedelta(days=3),
        collected_by="Olga",
    )
    assert [(step.place, step.name) for step in trail] == [
        (Place.OFFICE, "MSK"),
        (Place.IN_TRANSIT, "MSK → FixPro"),
        (Place.WORKSHOP, "FixPro"),
        (Place.IN_TRANSIT, "FixPro → MSK"),
        (Place.OFFICE, "MSK"),
        (Place.CUSTOMER, ""),
    ]
    assert trail[2].note == "No charger" and trail[2].signed_by == "Anna"
    assert [step.since for step in trail] == sorted(step.since for step in trail)


def test_a_device_on_its_way_ends_the_trail_in_transit():
    trail = custody_trail(
        office_name="MSK",
        received_at=T0,
        received_by="Olga",
        legs=[leg(Direction.TO_WORKSHOP, ItemState.PACKED)],
    )
    assert trail[-1].place is Place.IN_TRANSIT and trail[-1].handover_number == "H-2026-000000"


def test_only_what_waits_at_the_right_end_may_be_packed():
    fine = dict(number="MSK-1", same_office=True, same_workshop=True, workshop_in_office=False)
    check_sendable(Direction.TO_WORKSHOP, status=S.RECEIVED, **fine)
    check_sendable(Direction.TO_OFFICE, status=S.TO_OFFICE, **fine)
    with pytest.raises(HandoverError, match="not finished at the workshop"):
        check_sendable(Direction.TO_OFFICE, status=S.IN_REPAIR, **fine)
    with pytest.raises(HandoverError, match="not waiting at the office"):
        check_sendable(Direction.TO_WORKSHOP, status=S.DIAGNOSING, **fine)
    with pytest.raises(HandoverError, match="inside the office"):
        check_sendable(
            Direction.TO_WORKSHOP, status=S.RECEIVED, **{**fine, "workshop_in_office": True}
        )
    with pytest.raises(HandoverError, match="another office or workshop"):
        check_sendable(Direction.TO_WORKSHOP, status=S.RECEIVED, **{**fine, "same_workshop": False})


def test_a_device_that_did_not_arrive_is_explained():
    check_arrival(Arrival(True), number="MSK-1")
    check_arrival(Arrival(False, "Courier called: tomorrow"), number="MSK-1")
    with pytest.raises(HandoverError, match="did not arrive"):
        check_arrival(Arrival(False, "  "), number="MSK-1")
    with pytest.raises(HandoverError, match="longer than 300"):
        check_arrival(Arrival(True, "x" * 301), number="MSK-1")


def facts(status, **changes):
    values = dict(
        status=status,
        kind=OrderKind.PAID,
        price=10_000,
        approval_limit=50_000,
        outcome=Outcome.REPAIRED,
    )
    return OrderFacts(**{**values, **changes})


def test_a_device_leaves_the_office_only_in_a_handover():
    # No button on the order page: sending is the handover's.
    assert [o.target for o in options(facts(S.RECEIVED), Role.RECEPTIONIST)] == [S.CANCELLED]
    with pytest.raises(IllegalTransition, match="in a handover"):
        check_transition(facts(S.RECEIVED), S.TO_WORKSHOP, Role.RECEPTIONIST)
    check_transition(facts(S.RECEIVED), S.TO_WORKSHOP, Role.RECEPTIONIST, Request(handover=True))


@pytest.mark.parametrize(
    ("status", "target", "place", "role", "message"),
    [
        (S.TO_WORKSHOP, S.DIAGNOSING, Place.IN_TRANSIT, Role.TECHNICIAN, "not arrived yet"),
        (S.TO_WORKSHOP, S.DIAGNOSING, Place.MISSING, Role.TECHNICIAN, "not arrived yet"),
        (S.TO_WORKSHOP, S.RECEIVED, Place.WORKSHOP, Role.MANAGER, "signed for the device"),
        (S.TO_OFFICE, S.READY, Place.WORKSHOP, Role.RECEPTIONIST, "not back yet"),
        (S.TO_OFFICE, S.READY, Place.IN_TRANSIT, Role.RECEPTIONIST, "not back yet"),
    ],
)
def test_custody_guards(status, target, place, role, message):
    with pytest.raises(IllegalTransition, match=message):
        check_transition(facts(status, place=place), target, role, Request(note="n"))
    # A device that never travelled in a handover (kept before handovers) is not held back.
    check_transition(facts(status, place=None), target, role, Request(note="n"))


def test_an_order_in_a_handover_is_taken_out_before_it_is_cancelled():
    with pytest.raises(IllegalTransition, match="packed in a handover"):
        check_transition(
            facts(S.RECEIVED, in_handover=True), S.CANCELLED, Role.RECEPTIONIST, Request(note="n")
        )


def test_a_device_in_a_return_handover_is_ready_only_once_signed_for():
    # Even one that travelled before handovers were kept (no place known).
    with pytest.raises(IllegalTransition, match="not back yet"):
        check_transition(facts(S.TO_OFFICE, in_handover=True), S.READY, Role.RECEPTIONIST)
