"""What the public status page may show about an order: no name, phone, address or passcode."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ..domain.contact import phone_ends_with
from ..domain.enums import OrderKind, OrderStatus
from ..domain.numbering import canonical_number
from ..domain.payments import balance_due
from ..domain.public_status import STAGE_OF, Stage, public_timeline
from ..extensions import db
from ..models import Office, RepairOrder
from .orders import paid_total


@dataclass(frozen=True)
class TimelineEntry:
    stage: Stage
    at: datetime
    notes: tuple[str, ...]


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


def _load(condition) -> RepairOrder | None:
    return (
        db.session.execute(
            sa.select(RepairOrder)
            .options(
                joinedload(RepairOrder.office),
                joinedload(RepairOrder.device),
                joinedload(RepairOrder.customer),
                selectinload(RepairOrder.history),
            )
            .where(condition)
        )
        .unique()
        .scalar_one_or_none()
    )


def _public(order: RepairOrder) -> PublicOrder:
    stages = public_timeline([(change.to_status, change.created_at) for change in order.history])
    notes: dict[Stage, list[str]] = {}
    for change in order.history:
        if change.note_public and change.note:
            notes.setdefault(STAGE_OF[change.to_status], []).append(change.note)
    due = 0
    if order.status not in (OrderStatus.CANCELLED, OrderStatus.COLLECTED):
        due = max(balance_due(order.amount_charged, paid_total(order.id)), 0)
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
    )


def find_by_number(number: str, phone_last4: str) -> PublicOrder | None:
    """The order if the number exists and the customer's phone ends with these 4 digits.

    Both failures give None, so the page cannot tell which one it was.
    """
    canonical = canonical_number(number or "")
    order = _load(RepairOrder.number == canonical) if canonical else None
    if order is None or not phone_ends_with(order.customer.phone, (phone_last4 or "").strip()):
        return None
    return _public(order)


def find_by_token(token: str) -> PublicOrder | None:
    if not token or len(token) > 64:
        return None
    order = _load(RepairOrder.tracking_token == token)
    # Compare again in constant time: the lookup above is by index, the check is the secret.
    if order is None or not hmac.compare_digest(order.tracking_token, token):
        return None
    return _public(order)
