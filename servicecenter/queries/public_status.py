"""What the public status page may show about an order: no name, phone, address or passcode."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ..domain.contact import phone_ends_with
from ..domain.enums import OrderKind, OrderStatus
from ..domain.feedback import Decision
from ..domain.numbering import canonical_number
from ..domain.payments import balance_due
from ..domain.public_status import STAGE_OF, Stage, public_timeline
from ..extensions import db
from ..models import Feedback, Office, OrderLine, OrderStatusChange, QuoteDecision, RepairOrder
from .orders import paid_column


@dataclass(frozen=True)
class TimelineEntry:
    stage: Stage
    at: datetime
    notes: tuple[str, ...]


@dataclass(frozen=True)
class QuoteLine:
    """A line of the quote as the customer reads it: no serial numbers, no stock details."""

    description: str  # empty: the repair as a whole (an order priced without lines)
    quantity: int
    unit_price: int

    @property
    def total(self) -> int:
        return self.quantity * self.unit_price


@dataclass(frozen=True)
class PublicQuote:
    """The price waiting for the customer's answer, and the page version the answer must match."""

    lines: tuple[QuoteLine, ...]
    total: int
    approval_limit: int | None  # "repair without asking up to", agreed at intake
    approved_amount: int | None  # an earlier approval the new price outgrew
    diagnostic_fee: int | None  # what declining costs, agreed at intake
    version: int


@dataclass(frozen=True)
class PublicAnswer:
    """The customer's latest online answer to a quote."""

    decision: Decision
    amount: int
    decided_at: datetime


@dataclass(frozen=True)
class PublicOrder:
    number: str
    token: str
    stage: Stage
    kind: OrderKind
    device: str
    received_at: datetime
    promised_date: date
    amount_due: int
    timeline: list[TimelineEntry]
    office: Office
    quote: PublicQuote | None = None
    answer: PublicAnswer | None = None
    # After collection: whether the customer may still rate the service, or has rated it.
    feedback_open: bool = False
    feedback_given: bool = False


@dataclass(frozen=True)
class _Loaded:
    order: RepairOrder
    rated: bool
    paid: int


def _load(condition, *, customer: bool = False) -> _Loaded | None:
    """The order with what its public page shows, in two queries: the order with its office,
    device, whether it was rated and what was paid; then its history."""
    neighbours = [joinedload(RepairOrder.office), joinedload(RepairOrder.device)]
    if customer:  # the lookup by number checks the phone
        neighbours.append(joinedload(RepairOrder.customer))
    rated = sa.exists().where(Feedback.order_id == RepairOrder.id)
    row = (
        db.session.execute(
            sa.select(RepairOrder, rated, paid_column(RepairOrder.id))
            .options(*neighbours, selectinload(RepairOrder.history))
            .where(condition)
        )
        .unique()
        .one_or_none()
    )
    return None if row is None else _Loaded(row[0], bool(row[1]), int(row[2]))


def _quote(order: RepairOrder) -> PublicQuote | None:
    """The quote of an order awaiting approval: its live lines, or its price as one line."""
    if order.status is not OrderStatus.AWAITING_APPROVAL or order.price is None:
        return None
    rows = db.session.execute(
        sa.select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.id)
    ).scalars()
    lines = tuple(
        QuoteLine(line.description, line.quantity, line.unit_price) for line in rows if line.is_live
    )
    return PublicQuote(
        # Without lines the price is for the work found, as the printed quote shows it.
        lines=lines
        or (QuoteLine((order.work_done or order.diagnosis).strip()[:200], 1, order.price),),
        total=order.price,
        approval_limit=order.approval_limit,
        approved_amount=order.approved_amount,
        diagnostic_fee=order.diagnostic_fee,
        version=order.version,
    )


def _answer(order: RepairOrder) -> PublicAnswer | None:
    # Only an order that was asked for approval can have an answer (its history is loaded).
    if not any(change.to_status is OrderStatus.AWAITING_APPROVAL for change in order.history):
        return None
    row = db.session.execute(
        sa.select(QuoteDecision.decision, QuoteDecision.amount, QuoteDecision.decided_at)
        .where(QuoteDecision.order_id == order.id)
        .order_by(QuoteDecision.id.desc())
        .limit(1)
    ).first()
    return PublicAnswer(*row) if row is not None else None


def has_feedback(order_id: int) -> bool:
    return (
        db.session.execute(sa.select(Feedback.id).where(Feedback.order_id == order_id)).first()
        is not None
    )


def _public(loaded: _Loaded) -> PublicOrder:
    order = loaded.order
    stages = public_timeline([(change.to_status, change.created_at) for change in order.history])
    notes: dict[Stage, list[str]] = {}
    for change in order.history:
        if change.note_public and change.note:
            notes.setdefault(STAGE_OF[change.to_status], []).append(change.note)
    collected = order.status is OrderStatus.COLLECTED
    rated = collected and loaded.rated
    due = 0
    if order.status not in (OrderStatus.CANCELLED, OrderStatus.COLLECTED):
        due = max(balance_due(order.amount_charged, loaded.paid), 0)
    return PublicOrder(
        number=order.number,
        token=order.tracking_token,
        stage=STAGE_OF[order.status],
        kind=order.kind,
        device=order.device.title,
        received_at=order.received_at,
        promised_date=order.promised_date,
        amount_due=due,
        timeline=[TimelineEntry(stage, at, tuple(notes.get(stage, ()))) for stage, at in stages],
        office=order.office,
        quote=_quote(order),
        answer=_answer(order),
        feedback_open=collected and not rated,
        feedback_given=rated,
    )


def find_by_number(number: str, phone_last4: str) -> PublicOrder | None:
    """The order if the number exists and the customer's phone ends with these 4 digits.

    Both failures give None, so the page cannot tell which one it was.
    """
    canonical = canonical_number(number or "")
    loaded = _load(RepairOrder.number == canonical, customer=True) if canonical else None
    if loaded is None or not phone_ends_with(
        loaded.order.customer.phone, (phone_last4 or "").strip()
    ):
        return None
    return _public(loaded)


def _load_by_token(token: str) -> _Loaded | None:
    if not token or len(token) > 64:
        return None
    loaded = _load(RepairOrder.tracking_token == token)
    # Compare again in constant time: the lookup above is by index, the check is the secret.
    if loaded is None or not hmac.compare_digest(loaded.order.tracking_token, token):
        return None
    return loaded


def get_order_by_token(token: str) -> RepairOrder | None:
    """The order of a signed status link (for the customer's answers), or None."""
    loaded = _load_by_token(token)
    return loaded.order if loaded is not None else None


def find_by_token(token: str) -> PublicOrder | None:
    loaded = _load_by_token(token)
    return _public(loaded) if loaded is not None else None


def asking_change(order_id: int) -> OrderStatusChange | None:
    """The latest status change that asked the customer to approve a price (its answer is
    recorded against it: a price rise asks again, in a new round)."""
    return db.session.execute(
        sa.select(OrderStatusChange)
        .where(
            OrderStatusChange.order_id == order_id,
            OrderStatusChange.to_status == OrderStatus.AWAITING_APPROVAL,
        )
        .order_by(OrderStatusChange.id.desc())
        .limit(1)
    ).scalar_one_or_none()
