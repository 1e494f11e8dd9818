"""The customer's ratings after collection, once per order, and the follow-up a low rating opens
for the office until someone records what was done."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import force_locale, gettext
from sqlalchemy.exc import IntegrityError

from ..domain.enums import OrderStatus, Role
from ..domain.errors import N_, DomainError, NotPermitted, StaleEdit
from ..domain.feedback import Scores, check_scores
from ..domain.notifications import Event
from ..extensions import db
from ..models import Feedback, FollowUp, Office, RepairOrder, User
from ..models._types import utcnow
from ..queries.public_status import get_order_by_token, has_feedback
from . import digests, notifications
from .atomic import atomic
from .links import public_url
from .quotes import MAX_IP, MAX_USER_AGENT, UnknownLink

MAX_ACTION = 2000


class AlreadyRated(DomainError):
    """The order has its ratings already: a second submission changes nothing."""


class NotCollectedYet(DomainError):
    """Ratings are asked for once the customer has the device back."""


def _already() -> AlreadyRated:
    return AlreadyRated(N_("Thank you, we already have your answers."))


@atomic
def submit(
    token: str,
    scores: Scores,
    *,
    ip: str,
    user_agent: str,
    now: datetime | None = None,
) -> Feedback:
    """Record the ratings of a collected order, once. A low one (CSAT 2 or less, or NPS 6 or
    less) opens a follow-up for the office in the same transaction and mails the office's
    manager address.

    Raises UnknownLink, NotCollectedYet, AlreadyRated, DomainError on a score out of range.
    """
    now = now or utcnow()
    order = get_order_by_token(token)
    if order is None:
        raise UnknownLink(N_("This link is not valid."))
    if order.status is not OrderStatus.COLLECTED:
        raise NotCollectedYet(
            N_("You can rate our service once you have collected your device. Thank you!")
        )
    if has_feedback(order.id):
        raise _already()
    scores = check_scores(scores)
    feedback = Feedback(
        order_id=order.id,
        csat=scores.csat,
        nps=scores.nps,
        effort=scores.effort,
        comment=scores.comment,
        created_at=now,
        ip_address=(ip or "")[:MAX_IP],
        user_agent=(user_agent or "")[:MAX_USER_AGENT],
    )
    try:
        with db.session.begin_nested():
            db.session.add(feedback)
            db.session.flush()
    except IntegrityError:  # sent twice at once: the other one is kept
        raise _already() from None
    if scores.is_low:
        follow_up = FollowUp(order_id=order.id, feedback_id=feedback.id, opened_at=now)
        db.session.add(follow_up)
        db.session.flush()
        _tell_office(order, feedback, follow_up, now)
    return feedback


def _tell_office(order: RepairOrder, feedback: Feedback, follow_up: FollowUp, now) -> None:
    place = digests.office_place(db.session.get(Office, order.office_id))
    if not place.email:
        return
    with force_locale(place.locale):
        subject = gettext("Low rating of order %(number)s", number=order.number)
        body = "\n".join(
            [
                gettext(
                    "Satisfaction %(csat)s of 5, would recommend %(nps)s of 10, "
                    "ease %(effort)s of 5.",
                    csat=feedback.csat,
                    nps=feedback.nps,
                    effort=feedback.effort,
                ),
                feedback.comment,
                "",
                gettext(
                    "Get back to the customer and record what was done: %(link)s",
                    link=f"{public_url('followups.index')}#follow-up-{follow_up.id}",
                ),
            ]
        )
    notifications.queue_digest(
        event=Event.LOW_RATING,
        to=place.email,
        locale=place.locale,
        subject=subject,
        body=body,
        key=f"{Event.LOW_RATING.value}:{follow_up.id}",
        now=now,
    )


def may_close(user: User, order: RepairOrder) -> bool:
    """Admins, and the receptionists of the order's office."""
    return user.role is Role.ADMIN or (
        user.role is Role.RECEPTIONIST and user.office_id == order.office_id
    )


@atomic
def close_follow_up(
    follow_up: FollowUp,
    *,
    actor: User,
    action: str,
    expected_version: int,
    now: datetime | None = None,
) -> None:
    """Record what was done about a low rating and close its follow-up.

    Raises NotPermitted outside the order's office, DomainError on the `action` field when it
    is empty or too long, StaleEdit when someone closed or changed it since the page showed it.
    """
    order = db.session.get(RepairOrder, follow_up.order_id)
    if not may_close(actor, order):
        raise NotPermitted(N_("Only the order's office closes its follow-ups."))
    action = (action or "").strip().replace("\r\n", "\n")
    if not action:
        raise DomainError(N_("Say what was done for the customer."), field="action")
    if len(action) > MAX_ACTION:
        raise DomainError(
            N_("The text is too long: %(max)s characters at most."), field="action", max=MAX_ACTION
        )
    stale = StaleEdit(
        N_("Someone else closed or changed this follow-up meanwhile. Check it and try again.")
    )
    if follow_up.closed_at is not None or follow_up.version != expected_version:
        raise stale
    # One guarded UPDATE: of two people closing at once, only one row change wins.
    changed = db.session.execute(
        sa.update(FollowUp)
        .where(
            FollowUp.id == follow_up.id,
            FollowUp.version == expected_version,
            FollowUp.closed_at.is_(None),
        )
        .values(
            closed_at=now or utcnow(),
            closed_by_id=actor.id,
            action_taken=action,
            version=FollowUp.version + 1,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise stale
    db.session.expire(follow_up)
