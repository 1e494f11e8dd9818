"""The customer's own answer to a quote, from the status page: recorded once, then the order
moves on through the workflow and the workshop is told."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import force_locale, gettext
from sqlalchemy.exc import IntegrityError

from .. import labels
from ..domain import workflow
from ..domain.enums import OrderStatus
from ..domain.errors import N_, DomainError, StaleEdit
from ..domain.feedback import MAX_DECLINE_COMMENT, Decision
from ..domain.notifications import Event
from ..extensions import db
from ..models import QuoteDecision, RepairOrder, Workshop
from ..models._types import utcnow
from ..queries.public_status import asking_change, get_order_by_token
from . import digests, notifications, orders
from .atomic import atomic
from .links import public_url

APPROVED_NOTE = N_("Approved by the customer online")
DECLINED_NOTE = N_("Declined by the customer online")
MAX_USER_AGENT = 300
MAX_IP = 45


class UnknownLink(DomainError):
    """No order has this status link (the page answers 404, as for any bad link)."""


class AlreadyAnswered(DomainError):
    """This request for approval has its answer already; `decided_at` says when (None when a
    concurrent click won the race and its row cannot be read yet)."""

    def __init__(self, decided: QuoteDecision | None) -> None:
        super().__init__(N_("You answered this quote already."))
        self.decision = decided.decision if decided is not None else None
        self.decided_at = decided.decided_at if decided is not None else None


def _answer_of(asked_change_id: int) -> QuoteDecision | None:
    return db.session.execute(
        sa.select(QuoteDecision).where(QuoteDecision.asked_change_id == asked_change_id)
    ).scalar_one_or_none()


@atomic
def decide(
    token: str,
    decision: Decision,
    *,
    shown_version: int,
    ip: str,
    user_agent: str,
    comment: str = "",
    now: datetime | None = None,
) -> QuoteDecision:
    """Record the customer's answer to the quote their page showed and move the order on.

    Approved: into repair when every part can be reserved now, else waiting for parts; the
    price becomes the approved amount. Declined: back to the office unrepaired (ready at once
    for a workshop inside the office). The change is recorded without a user, with the answer's
    time, address and browser; the workshop's manager address gets a message.

    Raises UnknownLink for a bad token; AlreadyAnswered for a second answer to the same request;
    StaleEdit when the page showed another version of the order (the price changed); DomainError
    when the order no longer waits for approval. Nothing is changed in any of these cases.
    """
    now = now or utcnow()
    order = get_order_by_token(token)
    if order is None:
        raise UnknownLink(N_("This link is not valid."))
    asked = asking_change(order.id)
    if asked is not None and (earlier := _answer_of(asked.id)) is not None:
        raise AlreadyAnswered(earlier)
    if order.status is not OrderStatus.AWAITING_APPROVAL or asked is None:
        raise DomainError(
            N_("This quote is no longer waiting for your answer: see where the repair is below.")
        )
    if shown_version != order.version:
        raise StaleEdit(
            N_("The quote changed after you opened the page. Check it below and answer again.")
        )
    approve = decision is Decision.APPROVE
    target = workflow.customer_answer(orders.order_facts(order), approve=approve)
    comment = " ".join((comment or "").split())[:MAX_DECLINE_COMMENT] if not approve else ""
    answer = QuoteDecision(
        order_id=order.id,
        asked_change_id=asked.id,
        decision=decision,
        amount=order.price,
        comment=comment,
        decided_at=now,
        ip_address=(ip or "")[:MAX_IP],
        user_agent=(user_agent or "")[:MAX_USER_AGENT],
    )
    try:
        with db.session.begin_nested():
            db.session.add(answer)
            db.session.flush()
    except IntegrityError:  # two clicks at once: the other one's answer came first
        raise AlreadyAnswered(None) from None
    # The history note is for staff, in English like every stored note; the comment is the
    # customer's own words.
    note = APPROVED_NOTE if approve else DECLINED_NOTE
    if comment:
        note = f"{note}: {comment}"
    orders.change_status(
        order,
        target,
        actor=workflow.CUSTOMER,
        note=note,
        expected_version=shown_version,
        now=now,
    )
    _tell_workshop(order, answer, target, now)
    return answer


def _tell_workshop(
    order: RepairOrder, answer: QuoteDecision, target: OrderStatus, now: datetime
) -> None:
    """Mail the workshop's manager address, if it has one: the order moved without anybody at
    the workshop pressing a button (the history row and the queue show it too)."""
    place = digests.workshop_place(db.session.get(Workshop, order.workshop_id))
    if not place.email:
        return
    with force_locale(place.locale):
        number = order.number
        if answer.decision is Decision.APPROVE:
            subject = gettext("Order %(number)s: the customer approved the quote", number=number)
        else:
            subject = gettext("Order %(number)s: the customer declined the quote", number=number)
        lines = [
            subject + ".",
            gettext("Status now: %(status)s.", status=labels.STATUS[target]),
        ]
        if answer.comment:
            lines.append(gettext("The customer's comment: %(comment)s", comment=answer.comment))
        lines += ["", public_url("orders.detail", number=order.number)]
    notifications.queue_digest(
        event=Event.QUOTE_ANSWERED,
        to=place.email,
        locale=place.locale,
        subject=subject,
        body="\n".join(lines),
        key=f"{Event.QUOTE_ANSWERED.value}:{answer.id}",
        now=now,
    )
