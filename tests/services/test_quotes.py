"""The customer's own answer to a quote: recorded once with where it came from, the order moved on
through the workflow without a staff user, the workshop told; a second answer, a stale page or an
order that moved on changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from servicecenter.domain.enums import OrderStatus, Outcome
from servicecenter.domain.errors import DomainError, StaleEdit
from servicecenter.domain.feedback import Decision
from servicecenter.domain.notifications import Event
from servicecenter.domain.stock import LineState, MovementKind
from servicecenter.models import (
    Notification,
    OrderStatusChange,
    Part,
    QuoteDecision,
    StockMovement,
)
from servicecenter.services import order_lines, orders, quotes, stock

from ..web.helpers import database_snapshot

S = OrderStatus
NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) " + "x" * 400


def answer(order, decision=Decision.APPROVE, *, version=None, comment="", now=NOW):
    return quotes.decide(
        order.tracking_token,
        decision,
        shown_version=order.version if version is None else version,
        ip="203.0.113.7",
        user_agent=BROWSER,
        comment=comment,
        now=now,
    )


def last_change(db, order) -> OrderStatusChange:
    return db.session.scalars(
        sa.select(OrderStatusChange)
        .where(OrderStatusChange.order_id == order.id)
        .order_by(OrderStatusChange.id.desc())
    ).first()


def test_an_approval_starts_the_repair_and_is_recorded_once(make, db):
    order = make.order(S.AWAITING_APPROVAL, price=500_000, approval_limit=100_000)
    asked = last_change(db, order)
    decision = answer(order)
    db.session.commit()

    assert order.status is S.IN_REPAIR  # nothing to wait for: no parts
    assert order.approved_amount == 500_000
    change = last_change(db, order)
    assert (change.from_status, change.to_status) == (S.AWAITING_APPROVAL, S.IN_REPAIR)
    assert change.actor_id is None and change.note == "Approved by the customer online"
    assert not change.note_public
    assert (decision.asked_change_id, decision.decision, decision.amount) == (
        asked.id,
        Decision.APPROVE,
        500_000,
    )
    assert decision.decided_at == NOW and decision.ip_address == "203.0.113.7"
    assert decision.user_agent == BROWSER[:300]


def test_an_approval_waits_for_parts_not_in_stock(make, db):
    net = make.net
    display = Part(sku="LCD-9", name="Display", unit_cost=10_000, sale_price=300_000)
    db.session.add(display)
    db.session.commit()
    order = make.order(S.DIAGNOSING, price=None, approval_limit=100_000)
    line = order_lines.add_part(order, display, 1, actor=net.tech)  # none in stock
    orders.change_status(order, S.AWAITING_APPROVAL, actor=net.tech)
    db.session.commit()

    answer(order)
    db.session.commit()
    assert order.status is S.AWAITING_PARTS and line.state is LineState.PENDING


def test_an_approval_reserves_the_parts_in_stock_without_a_user(make, db):
    net = make.net
    display = Part(sku="LCD-8", name="Display", unit_cost=10_000, sale_price=300_000)
    db.session.add(display)
    db.session.flush()
    stock.receive(display, stock.location_for(workshop=net.remote), 1, actor=net.manager)
    order = make.order(S.DIAGNOSING, price=None, approval_limit=100_000)
    line = order_lines.add_part(order, display, 1, actor=net.tech)
    orders.change_status(order, S.AWAITING_APPROVAL, actor=net.tech)
    db.session.commit()

    answer(order)
    db.session.commit()
    assert order.status is S.IN_REPAIR and line.state is LineState.RESERVED
    reserve = db.session.scalars(
        sa.select(StockMovement).where(StockMovement.kind == MovementKind.RESERVE)
    ).one()
    assert reserve.actor_id is None and reserve.order_id == order.id
    assert stock.reconcile() == []


def test_a_decline_sends_the_device_back_unrepaired(make, db):
    order = make.order(S.AWAITING_APPROVAL)
    answer(order, Decision.DECLINE, comment="  Too  expensive,\n I will buy a new one ")
    db.session.commit()
    assert order.status is S.TO_OFFICE and order.outcome is Outcome.NOT_REPAIRED
    assert order.approved_amount is None
    change = last_change(db, order)
    assert change.note == "Declined by the customer online: Too expensive, I will buy a new one"
    assert change.actor_id is None


def test_a_decline_at_an_in_office_workshop_is_ready_at_once(make, db):
    order = make.order(S.AWAITING_APPROVAL, workshop=make.net.in_office)
    answer(order, Decision.DECLINE)
    db.session.commit()
    assert order.status is S.READY and order.outcome is Outcome.NOT_REPAIRED
    assert order.ready_at == NOW
    assert last_change(db, order).note == "Declined by the customer online"


def test_a_second_answer_changes_nothing_and_says_when(make, db):
    order = make.order(S.AWAITING_APPROVAL)
    version = order.version
    answer(order)
    db.session.commit()
    before = database_snapshot()
    for decision in (Decision.APPROVE, Decision.DECLINE):
        with pytest.raises(quotes.AlreadyAnswered) as error:
            answer(order, decision, version=version)  # the same page, clicked again
        assert error.value.decided_at == NOW and error.value.decision is Decision.APPROVE
    db.session.commit()
    assert database_snapshot() == before


def test_a_stale_page_changes_nothing(make, db):
    order = make.order(S.AWAITING_APPROVAL, price=500_000)
    shown = order.version
    # The workshop corrects the price while the customer has the page open.
    orders.record_work(order, actor=make.net.tech, diagnosis="x", work_done="", price=550_000)
    db.session.commit()
    before = database_snapshot()
    with pytest.raises(StaleEdit):
        answer(order, version=shown)
    db.session.commit()
    assert database_snapshot() == before
    assert order.status is S.AWAITING_APPROVAL


def test_an_order_that_moved_on_cannot_be_answered(make, db):
    order = make.order(S.AWAITING_APPROVAL)
    # The customer answered by phone: the office recorded it.
    orders.change_status(order, S.IN_REPAIR, actor=make.net.reception_a)
    db.session.commit()
    before = database_snapshot()
    with pytest.raises(DomainError, match="no longer waiting"):
        answer(order)
    assert database_snapshot() == before
    with pytest.raises(DomainError, match="no longer waiting"):
        answer(make.order(S.DIAGNOSING))  # never asked


def test_an_unknown_link_is_refused(make, db):
    make.network()
    with pytest.raises(quotes.UnknownLink):
        quotes.decide("nope", Decision.APPROVE, shown_version=1, ip="", user_agent="")


def test_two_answers_racing_are_stopped_by_the_unique_constraint(make, db, monkeypatch):
    """The check before the insert cannot see an answer committed a moment ago by another click
    (on PostgreSQL both read before either writes): the unique key turns the second one away."""
    order = make.order(S.AWAITING_APPROVAL)
    asked = last_change(db, order)
    db.session.add(
        QuoteDecision(
            order_id=order.id,
            asked_change_id=asked.id,
            decision=Decision.DECLINE,
            amount=order.price,
            decided_at=NOW,
        )
    )
    db.session.commit()
    before = database_snapshot()
    monkeypatch.setattr(quotes, "_answer_of", lambda _asked_id: None)  # as if not seen yet
    with pytest.raises(quotes.AlreadyAnswered):
        answer(order)
    db.session.commit()
    assert database_snapshot() == before
    assert order.status is S.AWAITING_APPROVAL


def test_a_price_rise_asks_again_in_a_new_round(make, db):
    order = make.order(S.AWAITING_APPROVAL, price=500_000, approval_limit=100_000)
    answer(order)
    tech = make.net.tech
    orders.record_work(order, actor=tech, diagnosis="x", work_done="", price=700_000)
    orders.change_status(order, S.AWAITING_APPROVAL, actor=tech, note="Second fault found")
    db.session.commit()

    answer(order, Decision.DECLINE)
    db.session.commit()
    rounds = db.session.scalars(sa.select(QuoteDecision).order_by(QuoteDecision.id)).all()
    assert [(r.decision, r.amount) for r in rounds] == [
        (Decision.APPROVE, 500_000),
        (Decision.DECLINE, 700_000),
    ]
    assert rounds[0].asked_change_id != rounds[1].asked_change_id
    assert order.status is S.TO_OFFICE


def test_the_workshop_is_mailed_the_answer(make, db):
    order = make.order(S.AWAITING_APPROVAL)
    order.workshop.digest_email = "workshop@example.com"
    db.session.commit()
    answer(order, Decision.DECLINE, comment="Too expensive")
    db.session.commit()
    mail = db.session.scalars(
        sa.select(Notification).where(Notification.event == Event.QUOTE_ANSWERED)
    ).one()
    assert mail.recipient == "workshop@example.com" and mail.order_id is None
    assert order.number in mail.subject and "declined" in mail.subject
    assert "Too expensive" in mail.body and f"/orders/{order.number}" in mail.body


def test_no_mail_without_the_workshops_address(make, db):
    answer(make.order(S.AWAITING_APPROVAL))
    db.session.commit()
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Notification.id)).where(
                Notification.event == Event.QUOTE_ANSWERED
            )
        )
        == 0
    )
