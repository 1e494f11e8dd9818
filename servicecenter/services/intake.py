"""Intake at the counter: customers, devices, and receiving a device into a new repair order."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app

from ..database import insert_ignoring_conflicts
from ..domain import warranty
from ..domain.contact import normalize_phone, normalize_serial
from ..domain.contracts import WORKSHOP_INACTIVE
from ..domain.enums import (
    CustomerKind,
    DeviceCategory,
    OrderKind,
    OrderStatus,
    PaymentKind,
    PaymentMethod,
)
from ..domain.errors import N_, DomainError, PaymentError
from ..domain.notifications import Event
from ..domain.numbering import format_number
from ..domain.payments import check_payment
from ..extensions import db
from ..models import (
    Customer,
    Device,
    Office,
    OrderNumberCounter,
    OrderStatusChange,
    Payment,
    RepairOrder,
    User,
    Workshop,
)
from ..models._types import utcnow
from ..queries.customers import as_earlier_orders, device_history
from . import network, notifications
from .clock import local_date, local_zone
from .customer_keys import index_customer


@dataclass(frozen=True)
class CustomerData:
    name: str
    phone: str
    email: str | None = None
    kind: CustomerKind = CustomerKind.INDIVIDUAL
    consent_sms: bool = False
    consent_email: bool = False


def register_customer(data: CustomerData) -> Customer:
    """Create a customer. Raises InvalidPhone for a phone that cannot be a phone number."""
    customer = Customer(
        name=data.name.strip(),
        phone=normalize_phone(data.phone),
        email=(data.email or "").strip() or None,
        kind=data.kind,
        consent_sms=data.consent_sms,
        consent_email=data.consent_email,
    )
    db.session.add(customer)
    index_customer(customer, new=True)
    return customer


@dataclass(frozen=True)
class DeviceData:
    category: DeviceCategory
    brand: str
    model: str
    serial: str
    purchase_date: date | None = None
    seller: str | None = None
    warranty_months: int | None = None


def register_device(customer: Customer, data: DeviceData, *, today: date | None = None) -> Device:
    """Add a device to a customer. Raises InvalidSerial, or DomainError for a future purchase."""
    if data.purchase_date and data.purchase_date > (today or local_date()):
        raise DomainError(N_("The purchase date cannot be in the future."), field="purchase_date")
    device = Device(
        customer_id=customer.id,
        category=data.category,
        brand=data.brand.strip(),
        model=data.model.strip(),
        serial=normalize_serial(data.serial),
        purchase_date=data.purchase_date,
        seller=(data.seller or "").strip() or None,
        warranty_months=data.warranty_months,
    )
    db.session.add(device)
    db.session.flush()
    return device


def assess_device(
    device: Device, *, today: date
) -> tuple[warranty.KindSuggestion, list[RepairOrder]]:
    """The device's history and the order kind its warranties suggest today."""
    history = device_history(device.id)
    suggestion = warranty.suggest_kind(
        purchase_date=device.purchase_date,
        warranty_months=device.warranty_months,
        earlier_orders=as_earlier_orders(history, local_zone()),
        today=today,
        repair_warranty_days=current_app.config["REPAIR_WARRANTY_DAYS"],
    )
    return suggestion, history


def eligible_originals(history: list[RepairOrder], *, today: date) -> list[RepairOrder]:
    """Earlier orders whose repair warranty covers a repeat visit today, most recent first."""
    ids = [
        order.id
        for order in warranty.orders_under_our_warranty(
            as_earlier_orders(history, local_zone()),
            today=today,
            warranty_days=current_app.config["REPAIR_WARRANTY_DAYS"],
        )
    ]
    by_id = {order.id: order for order in history}
    return [by_id[i] for i in ids]


@dataclass(frozen=True)
class OrderData:
    kind: OrderKind
    complaint: str
    condition: str
    accessories: str = ""
    passcode: str | None = None
    declared_value: int | None = None
    estimate: int | None = None
    approval_limit: int | None = None
    diagnostic_fee: int | None = None
    prepayment: int | None = None
    prepayment_method: PaymentMethod = PaymentMethod.CASH
    promised_date: date | None = None
    original_order_id: int | None = None


def allocate_number(office: Office, year: int) -> int:
    """Take the next sequence number of the office for the year, in the caller's transaction.

    One UPDATE increments the counter and locks its row until commit, so concurrent intakes
    queue for it and a rolled-back intake leaves no gap. The row is created on the year's first
    use (ON CONFLICT DO NOTHING copes with two first uses at once).
    """
    increment = (
        sa.update(OrderNumberCounter)
        .where(OrderNumberCounter.office_id == office.id, OrderNumberCounter.year == year)
        .values(last_value=OrderNumberCounter.last_value + 1)
        .returning(OrderNumberCounter.last_value)
    )
    taken = db.session.execute(increment).scalar_one_or_none()
    if taken is not None:
        return taken
    db.session.execute(
        insert_ignoring_conflicts(OrderNumberCounter)
        .values(office_id=office.id, year=year, last_value=0)
        .on_conflict_do_nothing()
    )
    return db.session.execute(increment).scalar_one()


def receive_device(
    *,
    customer: Customer,
    device: Device,
    office: Office,
    workshop: Workshop,
    actor: User,
    data: OrderData,
    now: datetime | None = None,
) -> RepairOrder:
    """Open a repair order for a device handed in at an office.

    Checks that a free order is backed by a warranty that covers the device today, that the
    promised date lies within the legal limit, and that the prepayment fits the estimate.
    Raises WarrantyNotApplicable, PromisedDateError, PaymentError or DomainError.
    """
    now = now or utcnow()
    today = local_date(now)
    if device.customer_id != customer.id:
        raise DomainError(N_("This device belongs to another customer."))
    if not workshop.active:
        raise DomainError(WORKSHOP_INACTIVE, field="workshop_id")
    contract = network.check_routable(workshop, today)
    suggestion, history = assess_device(device, today=today)
    warranty.check_kind(
        data.kind,
        suggestion,
        original_order_id=data.original_order_id,
        eligible_original_ids={order.id for order in eligible_originals(history, today=today)},
    )
    promised = data.promised_date or warranty.default_promised_date(
        data.kind, today, network.promised_turnaround(workshop, today, contract=contract)
    )
    warranty.check_promised_date(data.kind, today, promised)
    if data.prepayment:
        try:
            check_payment(
                PaymentKind.PREPAYMENT,
                data.prepayment,
                status=OrderStatus.RECEIVED,
                free=data.kind.is_free,
                charged=None,
                paid=0,
                estimate=data.estimate,
            )
        except PaymentError as error:
            error.field = "prepayment"  # the intake form's field, not the payment form's
            raise
    messages = notifications.drafts_for(customer, Event.ACCEPTED, office.locale)

    # From the number on, every other intake of the office waits for this one to commit: only
    # writes follow, so that wait is short.
    sequence = allocate_number(office, today.year)
    order = RepairOrder(
        number=format_number(office.code, today.year, sequence),
        office_id=office.id,
        year=today.year,
        sequence=sequence,
        tracking_token=secrets.token_urlsafe(16),
        customer_id=customer.id,
        device_id=device.id,
        workshop_id=workshop.id,
        received_by_id=actor.id,
        kind=data.kind,
        original_order_id=data.original_order_id if data.kind is OrderKind.REPEAT else None,
        status=OrderStatus.RECEIVED,
        status_changed_at=now,
        complaint=data.complaint.strip(),
        condition=data.condition.strip(),
        accessories=data.accessories.strip(),
        passcode=(data.passcode or "").strip() or None,
        declared_value=data.declared_value,
        estimate=None if data.kind.is_free else data.estimate,
        approval_limit=None if data.kind.is_free else data.approval_limit,
        diagnostic_fee=None if data.kind.is_free else data.diagnostic_fee,
        received_at=now,
        promised_date=promised,
        updated_at=now,
    )
    db.session.add(order)
    db.session.flush()
    db.session.add(
        OrderStatusChange(
            order_id=order.id,
            from_status=None,
            to_status=OrderStatus.RECEIVED,
            actor_id=actor.id,
            created_at=now,
        )
    )
    if data.prepayment:
        db.session.add(
            Payment(
                order_id=order.id,
                kind=PaymentKind.PREPAYMENT,
                method=data.prepayment_method,
                amount=data.prepayment,
                taken_by_id=actor.id,
                created_at=now,
            )
        )
    notifications.queue_drafts(
        order,
        Event.ACCEPTED,
        messages,
        locale=office.locale,
        now=now,
        paid=data.prepayment or 0,
    )
    return order
