"""Reading customers and devices: find by phone, name or serial, device repair history, and the
customer's profile for the desk."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..domain import workflow
from ..domain.contact import normalize_phone, normalize_serial, phone_digits
from ..domain.customers import MIN_DIGITS_TYPED, name_prefix, phone_prefixes
from ..domain.enums import PaymentKind
from ..domain.errors import DomainError
from ..domain.payments import balance_due
from ..domain.warranty import EarlierOrder
from ..extensions import db
from ..models import (
    Customer,
    CustomerMerge,
    CustomerSearchKey,
    Device,
    Feedback,
    FollowUp,
    Payment,
    RepairOrder,
    User,
)
from .prefix import starts_with
from .scope import order_scope

SEARCH_LIMIT = 20


def customer_ids_by_keys(prefixes: list[str]) -> sa.Select:
    """Ids of the customers with a search key starting with any of `prefixes` (may repeat).

    One range per prefix, joined by UNION ALL rather than OR: each stays a range on the index,
    where PostgreSQL, asked for a few rows of an OR, may walk the whole index instead.
    """
    ranges = [
        sa.select(CustomerSearchKey.customer_id).where(starts_with(CustomerSearchKey.key, prefix))
        for prefix in prefixes
    ]
    return ranges[0] if len(ranges) == 1 else sa.select(sa.union_all(*ranges).subquery().c[0])


def customer_has_key(customer_id: sa.ColumnElement[int], prefixes: list[str]) -> sa.Exists:
    """Whether the customer `customer_id` has a search key starting with any of `prefixes`:
    checked on the customer's few keys, for a walk over many orders."""
    return sa.exists().where(
        CustomerSearchKey.customer_id == customer_id,
        sa.or_(*(starts_with(CustomerSearchKey.key, prefix) for prefix in prefixes)),
    )


def _customers_by_keys(prefixes: list[str]) -> list[Customer]:
    if not prefixes:
        return []
    return list(
        db.session.execute(
            sa.select(Customer)
            .where(Customer.id.in_(customer_ids_by_keys(prefixes)))
            .order_by(Customer.name, Customer.id)
            .limit(SEARCH_LIMIT)
        ).scalars()
    )


def find_customers(text: str) -> list[Customer]:
    """Customers whose phone matches what was typed: the whole number, or at least 4 digits of
    its start or its end."""
    digits = phone_digits(text)
    if len(digits) < MIN_DIGITS_TYPED:
        return []
    try:
        whole = normalize_phone(text)
    except DomainError:
        return _customers_by_keys(phone_prefixes(digits))
    return list(
        db.session.execute(
            sa.select(Customer)
            .where(Customer.phone == whole)
            .order_by(Customer.name, Customer.id)
            .limit(SEARCH_LIMIT)
        ).scalars()
    )


def search_customers(text: str, *, exclude_id: int | None = None) -> list[Customer]:
    """Customers by phone (at least 4 digits typed) or else by the start of a word of the name."""
    if len(phone_digits(text)) >= MIN_DIGITS_TYPED:
        found = find_customers(text)
    else:
        prefix = name_prefix(text)
        found = _customers_by_keys([prefix] if prefix else [])
    return [customer for customer in found if customer.id != exclude_id]


def get_customer(customer_id: int) -> Customer | None:
    if not 0 < customer_id < 2**63:  # an id typed into an address can be any size
        return None
    return db.session.get(Customer, customer_id)


def list_devices_of(customer_id: int) -> list[Device]:
    return list(
        db.session.execute(
            sa.select(Device).where(Device.customer_id == customer_id).order_by(Device.id.desc())
        ).scalars()
    )


def find_devices(serial_text: str) -> list[Device]:
    """Devices with exactly this serial or IMEI, whoever owns them now."""
    try:
        serial = normalize_serial(serial_text)
    except DomainError:
        return []
    return list(
        db.session.execute(
            sa.select(Device)
            .options(joinedload(Device.customer))
            .where(Device.serial == serial)
            .order_by(Device.id.desc())
            .limit(SEARCH_LIMIT)
        ).scalars()
    )


def get_device(device_id: int) -> Device | None:
    if not 0 < device_id < 2**63:  # an id typed into an address can be any size
        return None
    # with its customer; one already in the session is not read again
    return db.session.get(Device, device_id, options=[joinedload(Device.customer)])


def device_history(device_id: int) -> list[RepairOrder]:
    """Every order of the device across the network, newest first."""
    return list(
        db.session.execute(
            sa.select(RepairOrder)
            .options(joinedload(RepairOrder.office), joinedload(RepairOrder.workshop))
            .where(RepairOrder.device_id == device_id)
            .order_by(RepairOrder.received_at.desc(), RepairOrder.id.desc())
        ).scalars()
    )


def as_earlier_orders(orders: list[RepairOrder], tz) -> list[EarlierOrder]:
    """The device's orders as the warranty rules see them, with local calendar dates."""
    return [
        EarlierOrder(
            id=order.id,
            kind=order.kind,
            outcome=order.outcome,
            received_on=order.received_at.astimezone(tz).date(),
            collected_on=order.collected_at.astimezone(tz).date() if order.collected_at else None,
        )
        for order in orders
    ]


# The profile lists this many of the latest orders; the totals count every order.
PROFILE_ORDERS = 100


@dataclass(frozen=True)
class ProfileOrder:
    order: RepairOrder
    paid: int
    # Whether the viewer may open the order's page (another office's order is shown unlinked).
    linkable: bool


@dataclass(frozen=True)
class ProfileDevice:
    device: Device
    orders: list[ProfileOrder]


@dataclass(frozen=True)
class Profile:
    customer: Customer
    devices: list[ProfileDevice]
    order_count: int
    orders_shown: int
    total_paid: int
    open_balance: int
    feedback: list[Feedback]
    open_follow_ups: list[FollowUp]
    merges: list[CustomerMerge]


def _signed_amount():
    return sa.case((Payment.kind == PaymentKind.REFUND, -Payment.amount), else_=Payment.amount)


def get_profile(customer: Customer, viewer: User) -> Profile:
    """Everything the desk knows of a customer across the network, in a fixed number of queries
    whatever the number of orders: devices, the latest orders with what was paid on each, the
    totals of all orders, ratings, open follow-ups and the records merged into this one."""
    of_customer = RepairOrder.customer_id == customer.id
    devices = list_devices_of(customer.id)
    # The viewer's scope as a column: one rule (queries.scope) decides what links to the page.
    linkable = order_scope(viewer).label("linkable")
    recent = db.session.execute(
        sa.select(RepairOrder, linkable)
        .options(joinedload(RepairOrder.office), joinedload(RepairOrder.device))
        .where(of_customer)
        .order_by(RepairOrder.received_at.desc(), RepairOrder.id.desc())
        .limit(PROFILE_ORDERS)
    ).all()
    paid_by_order = dict(
        db.session.execute(
            sa.select(Payment.order_id, sa.func.sum(_signed_amount()))
            .join(RepairOrder, RepairOrder.id == Payment.order_id)
            .where(of_customer)
            .group_by(Payment.order_id)
        ).all()
    )
    order_count = db.session.scalar(sa.select(sa.func.count(RepairOrder.id)).where(of_customer))
    # The balance counts every open order, listed or not (few are open at a time).
    open_orders = db.session.scalars(
        sa.select(RepairOrder).where(of_customer, RepairOrder.status.in_(workflow.OPEN_STATUSES))
    ).all()
    open_balance = sum(
        max(balance_due(order.amount_charged, int(paid_by_order.get(order.id, 0))), 0)
        for order in open_orders
        if order.charge_is_known
    )
    rows: dict[int, list[ProfileOrder]] = {device.id: [] for device in devices}
    for order, may_open in recent:
        if order.device_id not in rows:
            # A device that changed hands since: registered to someone else now, but these
            # orders were this customer's.
            devices.append(order.device)
            rows[order.device_id] = []
        rows[order.device_id].append(
            ProfileOrder(order, int(paid_by_order.get(order.id, 0)), bool(may_open))
        )
    feedback = db.session.scalars(
        sa.select(Feedback)
        .join(RepairOrder, RepairOrder.id == Feedback.order_id)
        .options(joinedload(Feedback.order))
        .where(of_customer)
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
        .limit(PROFILE_ORDERS)
    ).all()
    follow_ups = db.session.scalars(
        sa.select(FollowUp)
        .join(RepairOrder, RepairOrder.id == FollowUp.order_id)
        .options(joinedload(FollowUp.order), joinedload(FollowUp.feedback))
        .where(of_customer, FollowUp.closed_at.is_(None))
        .order_by(FollowUp.opened_at, FollowUp.id)
    ).all()
    return Profile(
        customer=customer,
        devices=[ProfileDevice(device, rows[device.id]) for device in devices],
        order_count=order_count,
        orders_shown=len(recent),
        total_paid=int(sum(paid_by_order.values())),
        open_balance=open_balance,
        feedback=list(feedback),
        open_follow_ups=list(follow_ups),
        merges=list_merges_into(customer.id),
    )


def list_merges_into(customer_id: int) -> list[CustomerMerge]:
    """The records merged into this customer, newest first, with who merged them."""
    return list(
        db.session.scalars(
            sa.select(CustomerMerge)
            .options(joinedload(CustomerMerge.actor))
            .where(CustomerMerge.survivor_id == customer_id)
            .order_by(CustomerMerge.id.desc())
        )
    )


def count_orders_and_devices(customer_id: int) -> tuple[int, int]:
    """How many orders and devices a record holds (the merge confirmation's side by side)."""
    orders = db.session.scalar(
        sa.select(sa.func.count(RepairOrder.id)).where(RepairOrder.customer_id == customer_id)
    )
    devices = db.session.scalar(
        sa.select(sa.func.count(Device.id)).where(Device.customer_id == customer_id)
    )
    return orders, devices


def survivor_of(merged_id: int) -> int | None:
    """The record a deleted duplicate was merged into (the last merge of it), if any."""
    if not 0 < merged_id < 2**63:
        return None
    return db.session.scalar(
        sa.select(CustomerMerge.survivor_id)
        .where(CustomerMerge.merged_id == merged_id)
        .order_by(CustomerMerge.id.desc())
        .limit(1)
    )
