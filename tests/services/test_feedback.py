"""Ratings after collection: once per order, only once collected; a low one opens a follow-up for
the office, which stays open until someone of the office records what was done."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from servicecenter.domain.enums import OrderStatus
from servicecenter.domain.errors import DomainError, NotPermitted, StaleEdit
from servicecenter.domain.feedback import Scores
from servicecenter.domain.notifications import Event
from servicecenter.models import Feedback, FollowUp, Notification
from servicecenter.services import feedback

from ..web.helpers import database_snapshot

S = OrderStatus
NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
HAPPY = Scores(csat=5, nps=9, effort=4, comment="Fast and polite")


def rate(order, scores=HAPPY, now=NOW):
    return feedback.submit(
        order.tracking_token, scores, ip="198.51.100.4", user_agent="Firefox", now=now
    )


def follow_ups(db) -> list[FollowUp]:
    return db.session.scalars(sa.select(FollowUp).order_by(FollowUp.id)).all()


def test_a_collected_order_is_rated_once(make, db):
    order = make.order(S.COLLECTED)
    given = rate(order)
    db.session.commit()
    assert (given.csat, given.nps, given.effort, given.comment) == (5, 9, 4, "Fast and polite")
    assert (given.ip_address, given.user_agent) == ("198.51.100.4", "Firefox")
    assert given.created_at == NOW
    assert follow_ups(db) == []  # a happy customer needs no call back

    before = database_snapshot()
    with pytest.raises(feedback.AlreadyRated, match="already have your answers"):
        rate(order, Scores(1, 0, 1))
    db.session.commit()
    assert database_snapshot() == before


@pytest.mark.parametrize("status", [S.READY, S.IN_REPAIR, S.CANCELLED])
def test_only_a_collected_order_is_rated(make, db, status):
    order = make.order(status)
    with pytest.raises(feedback.NotCollectedYet):
        rate(order)
    assert db.session.scalar(sa.select(sa.func.count(Feedback.id))) == 0


@pytest.mark.parametrize(
    ("scores", "low"),
    [
        (Scores(csat=2, nps=9, effort=5), True),  # unhappy
        (Scores(csat=4, nps=6, effort=5), True),  # a detractor
        (Scores(csat=3, nps=7, effort=1), False),  # passive, hard but not low by the rule
        (Scores(csat=1, nps=0, effort=1, comment="Scratched my screen"), True),
    ],
)
def test_a_low_rating_opens_a_follow_up(make, db, scores, low):
    order = make.order(S.COLLECTED)
    given = rate(order, scores)
    db.session.commit()
    opened = follow_ups(db)
    if not low:
        assert opened == []
        return
    [follow_up] = opened
    assert (follow_up.order_id, follow_up.feedback_id, follow_up.opened_at) == (
        order.id,
        given.id,
        NOW,
    )
    assert follow_up.is_open and follow_up.closed_by_id is None


@pytest.mark.parametrize(
    ("scores", "field"),
    [
        (Scores(csat=0, nps=5, effort=3), "csat"),
        (Scores(csat=6, nps=5, effort=3), "csat"),
        (Scores(csat=3, nps=11, effort=3), "nps"),
        (Scores(csat=3, nps=-1, effort=3), "nps"),
        (Scores(csat=3, nps=5, effort=0), "effort"),
        (Scores(csat=3, nps=5, effort=3, comment="x" * 2001), "comment"),
    ],
)
def test_scores_out_of_range_are_refused_on_their_field(make, db, scores, field):
    order = make.order(S.COLLECTED)
    with pytest.raises(DomainError) as error:
        rate(order, scores)
    assert error.value.field == field
    assert db.session.scalar(sa.select(sa.func.count(Feedback.id))) == 0


def test_the_office_is_mailed_a_low_rating(make, db):
    order = make.order(S.COLLECTED)
    order.office.digest_email = "office@example.com"
    db.session.commit()
    rate(order, Scores(csat=1, nps=2, effort=2, comment="Nobody called me"))
    db.session.commit()
    mail = db.session.scalars(
        sa.select(Notification).where(Notification.event == Event.LOW_RATING)
    ).one()
    assert mail.recipient == "office@example.com" and order.number in mail.subject
    assert "Nobody called me" in mail.body and "/follow-ups#follow-up-" in mail.body


def open_follow_up(make, db, office=None) -> FollowUp:
    order = make.order(S.COLLECTED, office=office)
    rate(order, Scores(csat=1, nps=3, effort=2, comment="Too slow"))
    db.session.commit()
    return follow_ups(db)[-1]


def test_the_office_closes_a_follow_up_with_what_was_done(make, db):
    follow_up = open_follow_up(make, db)
    desk = make.net.reception_a
    feedback.close_follow_up(
        follow_up,
        actor=desk,
        action="  Called back, refunded the delivery  ",
        expected_version=follow_up.version,
        now=NOW,
    )
    db.session.commit()
    assert not follow_up.is_open and follow_up.closed_at == NOW
    assert (follow_up.closed_by_id, follow_up.action_taken) == (
        desk.id,
        "Called back, refunded the delivery",
    )


def test_closing_needs_what_was_done(make, db):
    follow_up = open_follow_up(make, db)
    with pytest.raises(DomainError) as error:
        feedback.close_follow_up(
            follow_up, actor=make.net.admin, action="  ", expected_version=follow_up.version
        )
    assert error.value.field == "action" and follow_up.is_open


def test_only_the_orders_office_closes_it(make, db):
    follow_up = open_follow_up(make, db)
    for outsider in (make.net.reception_b, make.net.manager, make.net.tech):
        with pytest.raises(NotPermitted):
            feedback.close_follow_up(
                follow_up, actor=outsider, action="x", expected_version=follow_up.version
            )
    assert follow_up.is_open
    feedback.close_follow_up(
        follow_up, actor=make.net.admin, action="Called", expected_version=follow_up.version
    )
    assert not follow_up.is_open


def test_two_people_closing_at_once_the_second_is_told(make, db):
    follow_up = open_follow_up(make, db)
    shown = follow_up.version
    feedback.close_follow_up(
        follow_up, actor=make.net.reception_a, action="Called", expected_version=shown
    )
    db.session.commit()
    before = database_snapshot()
    with pytest.raises(StaleEdit):
        feedback.close_follow_up(
            follow_up, actor=make.net.admin, action="Me too", expected_version=shown
        )
    db.session.commit()
    assert database_snapshot() == before
    assert follow_up.action_taken == "Called"


def test_the_guarded_update_stops_a_close_the_check_missed(make, db):
    """As if the other close committed between this one's read and its write."""
    follow_up = open_follow_up(make, db)
    shown = follow_up.version
    db.session.execute(
        sa.update(FollowUp)
        .where(FollowUp.id == follow_up.id)
        .values(closed_at=NOW, action_taken="Other desk", version=FollowUp.version + 1)
        .execution_options(synchronize_session=False)
    )  # the loaded object still says open, at the version shown
    with pytest.raises(StaleEdit):
        feedback.close_follow_up(
            follow_up, actor=make.net.reception_a, action="Mine", expected_version=shown
        )
    db.session.expire_all()
    assert follow_up.action_taken == "Other desk"
