"""Reading customers and devices for intake: find by phone or serial, device repair history."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..domain.contact import normalize_phone, normalize_serial, phone_digits
from ..domain.errors import DomainError
from ..domain.warranty import EarlierOrder
from ..extensions import db
from ..models import Customer, Device, RepairOrder

SEARCH_LIMIT = 20


def find_customers(text: str) -> list[Customer]:
    """Customers whose phone matches what was typed (whole number, or at least 4 digits of it)."""
    digits = phone_digits(text)
    if len(digits) < 4:
        return []
    try:
        condition = Customer.phone == normalize_phone(text)
    except DomainError:
        condition = Customer.phone.contains(digits, autoescape=True)
    return list(
        db.session.execute(
            sa.select(Customer)
            .where(condition)
            .order_by(Customer.name, Customer.id)
            .limit(SEARCH_LIMIT)
        ).scalars()
    )


def get_customer(customer_id: int) -> Customer | None:
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
    return db.session.execute(
        sa.select(Device).options(joinedload(Device.customer)).where(Device.id == device_id)
    ).scalar_one_or_none()


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
