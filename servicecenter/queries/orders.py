"""Reading repair orders: scoped lookups, the filtered order list, the workshop queue, search."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ..domain import workflow
from ..domain.contact import normalize_phone, phone_digits
from ..domain.customers import name_prefix, phone_prefixes
from ..domain.enums import OrderKind, OrderStatus, PaymentKind, Role, WorkshopKind
from ..domain.errors import DomainError
from ..domain.numbering import canonical_number
from ..extensions import db
from ..models import Device, Document, OrderStatusChange, Payment, RepairOrder, User, Workshop
from ..services.clock import local_zone
from .customers import customer_has_key, customer_ids_by_keys
from .pagination import Page, keyset_page
from .prefix import starts_with
from .scope import order_scope

# Many-to-one neighbours shown with every order row: one JOIN, not one query per row.
_ROW_NEIGHBOURS = (
    joinedload(RepairOrder.customer),
    joinedload(RepairOrder.device),
    joinedload(RepairOrder.office),
    joinedload(RepairOrder.workshop),
)


def get_order_for(user: User, number: str) -> RepairOrder | None:
    """The order with this number if the user may see it; None otherwise (the view answers 404)."""
    canonical = canonical_number(number)
    if canonical is None:
        return None
    statement = (
        sa.select(RepairOrder)
        .options(
            *_ROW_NEIGHBOURS,
            joinedload(RepairOrder.technician),
            joinedload(RepairOrder.received_by),
            joinedload(RepairOrder.accepted_by),
            joinedload(RepairOrder.original_order),
            selectinload(RepairOrder.history).joinedload(OrderStatusChange.actor),
            # Joined rather than one query each: a few rows apiece, so the repeated order
            # columns cost less than three more round trips on every order page.
            joinedload(RepairOrder.payments).joinedload(Payment.taken_by),
            joinedload(RepairOrder.documents).joinedload(Document.issued_by),
            joinedload(RepairOrder.reminders),
        )
        .where(RepairOrder.number == canonical, order_scope(user))
    )
    return db.session.execute(statement).unique().scalar_one_or_none()


def paid_total(order_id: int) -> int:
    """Money received on an order, refunds deducted (minor units)."""
    return payment_totals(order_id)[0]


_SIGNED = sa.case((Payment.kind == PaymentKind.REFUND, -Payment.amount), else_=Payment.amount)


def paid_column(order_id: sa.ColumnElement[int]) -> sa.ScalarSelect:
    """`paid_total` of the order `order_id` as a column, read with the order itself."""
    paid = sa.func.coalesce(sa.func.sum(_SIGNED), 0)
    return sa.select(paid).where(Payment.order_id == order_id).scalar_subquery()


def payment_totals(order_id: int) -> tuple[int, int]:
    """Money received on an order (refunds deducted) and the part of it taken as prepayment
    (`totals_of` for payments loaded already)."""
    prepaid = sa.case((Payment.kind == PaymentKind.PREPAYMENT, Payment.amount), else_=0)
    total, prepayments = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(_SIGNED), 0), sa.func.coalesce(sa.func.sum(prepaid), 0)
        ).where(Payment.order_id == order_id)
    ).one()
    return int(total), int(prepayments)


def totals_of(payments) -> tuple[int, int]:
    """`payment_totals` of an order's payments in hand (the order page loads them anyway)."""
    total = sum(payment.signed_amount for payment in payments)
    prepaid = sum(p.amount for p in payments if p.kind is PaymentKind.PREPAYMENT)
    return total, prepaid


@dataclass(frozen=True)
class OrderFilter:
    q: str = ""
    status: OrderStatus | None = None
    kind: OrderKind | None = None
    office_id: int | None = None
    workshop_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    open_only: bool = False


def _day_start(day: date) -> datetime:
    """Midnight of a day of the offices' calendar (the dates the lists show), in UTC."""
    return datetime.combine(day, time.min, tzinfo=local_zone()).astimezone(UTC)


# A search made only of what people type in a phone number: +, digits, spaces, brackets, dashes.
_PHONE_TYPED = re.compile(r"\+?[\d\s().\-]+")


# Past this many customers (or devices) found, a search walks the newest orders and keeps
# those that match, soon done when so many match; up to it, it collects their orders' ids by
# key and sorts those. The collection grows with the matches and the walk shrinks with them.
# Measured at a million orders (SQLite, a desk's scope): 8,700 customers found, the walk took
# 43 ms and the collection 74-97 ms; 41,000 found, 22-46 ms against 225-350 ms. They meet
# around 6,000 (about 9,000 orders to sort).
DENSE = 6_000


def search_condition(q: str) -> sa.ColumnElement[bool] | None:
    """Match an order by number, customer (a word start of the name, the start or end of the
    phone) or device serial, each found through an index (number, search keys, serial).

    When few customers and devices match, their orders are named by id (the list sorts a few);
    when many do, each order the list walks is checked against them by key.
    """
    text = q.strip()
    if not text:
        return None
    number_match = None
    number = canonical_number(text)
    if number:
        number_match = RepairOrder.number == number
    elif len(text) >= 3:
        number_match = starts_with(RepairOrder.number, text.upper())
    digits = phone_digits(text)
    typed_as_phone = _PHONE_TYPED.fullmatch(text) is not None
    if typed_as_phone:
        with contextlib.suppress(DomainError):
            digits = normalize_phone(text)[1:]  # "8 (903) 111-22-33" is stored as +79031112233
    prefixes = []
    if typed_as_phone or len(digits) >= len(text.replace(" ", "")) - 4:
        prefixes += phone_prefixes(digits)
    if (prefix := name_prefix(text)) is not None:
        prefixes.append(prefix)
    serial = text.replace(" ", "").upper()
    serial_match = starts_with(Device.serial, serial) if len(serial) >= 3 else None
    devices = sa.select(Device.id).where(serial_match) if serial_match is not None else None
    customers = customer_ids_by_keys(prefixes) if prefixes else None
    parents = [found for found in (devices, customers) if found is not None]
    if number_match is None and not parents:
        return sa.false()
    if parents and _many(parents):
        walked = [] if number_match is None else [number_match]
        if serial_match is not None:
            walked.append(sa.exists().where(Device.id == RepairOrder.device_id, serial_match))
        if prefixes:
            walked.append(customer_has_key(RepairOrder.customer_id, prefixes))
        return sa.or_(*walked)
    named = [] if number_match is None else [sa.select(RepairOrder.id).where(number_match)]
    if devices is not None:
        named.append(sa.select(RepairOrder.id).where(RepairOrder.device_id.in_(devices)))
    if customers is not None:
        named.append(sa.select(RepairOrder.id).where(RepairOrder.customer_id.in_(customers)))
    return RepairOrder.id.in_(sa.union_all(*named))


def _many(found: list[sa.Select]) -> bool:
    """Whether any of these finds more than DENSE rows (counted no further), in one query."""
    counts = [
        sa.select(sa.func.count()).select_from(ids.limit(DENSE + 1).subquery()).scalar_subquery()
        for ids in found
    ]
    return any(count > DENSE for count in db.session.execute(sa.select(*counts)).one())


def list_orders(
    user: User, filters: OrderFilter, *, cursor: str | None = None, limit: int = 50
) -> Page[RepairOrder]:
    """Orders the user may see, newest intake first, filtered; one page after `cursor`."""
    statement = sa.select(RepairOrder).where(order_scope(user))
    if (condition := search_condition(filters.q)) is not None:
        statement = statement.where(condition)
    if filters.status is not None:
        statement = statement.where(RepairOrder.status == filters.status)
    elif filters.open_only:
        statement = statement.where(RepairOrder.status.in_(workflow.OPEN_STATUSES))
    if filters.kind is not None:
        statement = statement.where(RepairOrder.kind == filters.kind)
    if filters.office_id is not None:
        statement = statement.where(RepairOrder.office_id == filters.office_id)
    if filters.workshop_id is not None:
        statement = statement.where(RepairOrder.workshop_id == filters.workshop_id)
    if filters.date_from is not None:
        statement = statement.where(RepairOrder.received_at >= _day_start(filters.date_from))
    if filters.date_to is not None:
        statement = statement.where(
            RepairOrder.received_at < _day_start(filters.date_to + timedelta(days=1))
        )
    return keyset_page(
        db.session,
        statement,
        key_columns=(RepairOrder.received_at, RepairOrder.id),
        descending=True,
        cursor=cursor,
        limit=limit,
        key_of=lambda order: (order.received_at, order.id),
        narrow_by=RepairOrder.id,
        options=_ROW_NEIGHBOURS,
    )


def list_queue(user: User, *, cursor: str | None = None, limit: int = 50) -> Page[RepairOrder]:
    """The workshop's open jobs, the soonest promised date first (ties: oldest order first)."""
    statement = sa.select(RepairOrder).where(
        order_scope(user), RepairOrder.status.in_(workflow.WORKSHOP_STATUSES)
    )
    if user.role is Role.RECEPTIONIST:
        statement = statement.where(sa.false())
    return keyset_page(
        db.session,
        statement,
        key_columns=(RepairOrder.promised_date, RepairOrder.id),
        descending=False,
        cursor=cursor,
        limit=limit,
        key_of=lambda order: (order.promised_date, order.id),
        narrow_by=RepairOrder.id,
        options=(*_ROW_NEIGHBOURS, joinedload(RepairOrder.technician)),
    )


def list_inbox(user: User, *, cursor: str | None = None, limit: int = 50) -> Page[RepairOrder]:
    """Orders sent to the user's partner workshop that its manager has not answered yet, the
    longest waiting first."""
    statement = (
        sa.select(RepairOrder)
        .options(*_ROW_NEIGHBOURS)
        .join(Workshop, Workshop.id == RepairOrder.workshop_id)
        .where(
            order_scope(user),
            RepairOrder.status == OrderStatus.TO_WORKSHOP,
            RepairOrder.accepted_at.is_(None),
            Workshop.kind == WorkshopKind.PARTNER,
        )
    )
    return keyset_page(
        db.session,
        statement,
        key_columns=(RepairOrder.status_changed_at, RepairOrder.id),
        descending=False,
        cursor=cursor,
        limit=limit,
        key_of=lambda order: (order.status_changed_at, order.id),
    )
