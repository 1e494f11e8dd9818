"""Intake: customers, devices, order kinds, promised dates, numbering under concurrency."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from servicecenter.domain.enums import DeviceCategory, OrderKind, OrderStatus, PaymentKind
from servicecenter.domain.errors import (
    InvalidPhone,
    PaymentError,
    PromisedDateError,
    WarrantyNotApplicable,
)
from servicecenter.models import OrderStatusChange, Payment, RepairOrder
from servicecenter.services import intake
from servicecenter.services.clock import local_date

from .workers import intake_worker


def receive(make, device, *, office=None, now=None, **data):
    """Open an order at office A (or `office`) for the remote workshop."""
    net = make.net
    office = office or net.office_a
    values = dict(kind=OrderKind.PAID, complaint="No power", condition="Worn")
    values.update(data)
    return intake.receive_device(
        customer=device.customer,
        device=device,
        office=office,
        workshop=net.remote,
        actor=net.reception_a if office is net.office_a else net.reception_b,
        data=intake.OrderData(**values),
        now=now,
    )


def test_customer_phone_is_normalised_and_validated(db):
    customer = intake.register_customer(
        intake.CustomerData(name=" Анна ", phone="8 (916) 000-11-22")
    )
    assert (customer.name, customer.phone) == ("Анна", "+79160001122")
    with pytest.raises(InvalidPhone):
        intake.register_customer(intake.CustomerData(name="X", phone="12"))


def test_an_order_gets_a_number_token_history_and_prepayment(make, db):
    device = make.device()
    order = receive(make, device, prepayment=100_000, estimate=300_000)
    db.session.commit()
    year = local_date().year
    assert order.number == f"AAA-{year}-000001"
    assert len(order.tracking_token) >= 20
    [change] = db.session.scalars(sa.select(OrderStatusChange)).all()
    assert (change.from_status, change.to_status) == (None, OrderStatus.RECEIVED)
    [payment] = db.session.scalars(sa.select(Payment)).all()
    assert (payment.kind, payment.amount) == (PaymentKind.PREPAYMENT, 100_000)
    assert order.promised_date == local_date() + timedelta(days=make.net.remote.turnaround_days)


def test_numbers_are_per_office_and_year(make, db):
    device = make.device()
    first = receive(make, device)
    second = receive(make, device)
    other_office = receive(make, device, office=make.net.office_b)
    third = receive(make, device)
    next_year = receive(make, device, now=datetime(2031, 1, 2, 12, tzinfo=UTC))
    sequences = [first.sequence, second.sequence, other_office.sequence, third.sequence]
    assert sequences == [1, 2, 1, 3]
    assert other_office.number.startswith("BBB-")
    assert next_year.number == "AAA-2031-000001"


def test_a_warranty_order_needs_manufacturer_cover(make):
    today = local_date()
    covered = make.device(purchase_date=today - timedelta(days=100), warranty_months=12)
    order = receive(make, covered, kind=OrderKind.WARRANTY, estimate=5000, approval_limit=100)
    assert order.kind is OrderKind.WARRANTY
    assert order.estimate is None and order.approval_limit is None  # free: nothing to approve
    expired = make.device(purchase_date=today - timedelta(days=800), warranty_months=12)
    with pytest.raises(WarrantyNotApplicable):
        receive(make, expired, kind=OrderKind.WARRANTY)


def test_a_warranty_order_is_promised_within_45_days(make):
    today = local_date()
    device = make.device(purchase_date=today - timedelta(days=10), warranty_months=12)
    with pytest.raises(PromisedDateError):
        receive(make, device, kind=OrderKind.WARRANTY, promised_date=today + timedelta(days=46))
    order = receive(make, device, kind=OrderKind.WARRANTY, promised_date=today + timedelta(days=45))
    assert order.promised_date == today + timedelta(days=45)


def test_warranty_orders_take_no_prepayment(make):
    today = local_date()
    device = make.device(purchase_date=today - timedelta(days=10), warranty_months=12)
    with pytest.raises(PaymentError):
        receive(make, device, kind=OrderKind.WARRANTY, prepayment=1000)


def test_a_prepayment_cannot_exceed_the_estimate(make, db):
    device = make.device()
    with pytest.raises(PaymentError, match=r"cannot exceed the estimate \(3000.00\)") as error:
        receive(make, device, estimate=300_000, prepayment=300_001)
    assert error.value.field == "prepayment"
    db.session.rollback()
    assert receive(make, device, estimate=300_000, prepayment=300_000).id
    assert receive(make, device, estimate=None, prepayment=500_000).id  # no estimate: no bound


def test_a_repeat_order_links_to_the_original_under_our_warranty(make, db):
    original = make.order(OrderStatus.COLLECTED)
    device = original.device
    suggestion, history = intake.assess_device(device, today=local_date())
    assert (suggestion.kind, suggestion.original_order_id) == (OrderKind.REPEAT, original.id)
    repeat = receive(make, device, kind=OrderKind.REPEAT, original_order_id=original.id)
    assert repeat.original_order_id == original.id
    with pytest.raises(WarrantyNotApplicable):
        receive(make, device, kind=OrderKind.REPEAT, original_order_id=None)


def test_no_repeat_once_our_warranty_has_run_out(make, app):
    long_ago = datetime.now(UTC) - timedelta(days=app.config["REPAIR_WARRANTY_DAYS"] + 30)
    original = make.order(OrderStatus.COLLECTED, now=long_ago)
    suggestion, _ = intake.assess_device(original.device, today=local_date())
    assert suggestion.kind is OrderKind.PAID
    with pytest.raises(WarrantyNotApplicable):
        receive(make, original.device, kind=OrderKind.REPEAT, original_order_id=original.id)


def test_a_device_of_another_customer_is_refused(make):
    device = make.device()
    other = make.customer(name="Someone Else")
    with pytest.raises(Exception, match="another customer"):
        intake.receive_device(
            customer=other,
            device=device,
            office=make.net.office_a,
            workshop=make.net.remote,
            actor=make.net.reception_a,
            data=intake.OrderData(kind=OrderKind.PAID, complaint="c", condition="c"),
        )


def test_future_purchase_date_is_refused(make):
    customer = make.customer()
    with pytest.raises(Exception, match="future"):
        intake.register_device(
            customer,
            intake.DeviceData(
                category=DeviceCategory.PHONE,
                brand="A",
                model="B",
                serial="SN1234",
                purchase_date=date.today() + timedelta(days=3),
            ),
        )


@pytest.mark.slow
def test_concurrent_intakes_get_numbers_without_gaps_or_duplicates(make, db, database_url):
    """Four processes open orders at once; every fifth is rolled back after taking a number."""
    device = make.device()
    net = make.net
    ids = dict(
        customer=device.customer_id,
        device=device.id,
        office=net.office_a.id,
        workshop=net.remote.id,
        actor=net.reception_a.id,
    )
    processes, per_process, rollback_every = 4, 15, 5
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        start = manager.Event()
        with context.Pool(processes) as pool:
            results = [
                pool.apply_async(
                    intake_worker, (database_url, ids, per_process, rollback_every, start)
                )
                for _ in range(processes)
            ]
            start.set()
            committed = sum(result.get(timeout=120) for result in results)
    assert committed == processes * (per_process - per_process // rollback_every)
    db.session.rollback()
    sequences = db.session.scalars(
        sa.select(RepairOrder.sequence).where(RepairOrder.office_id == net.office_a.id)
    ).all()
    assert sorted(sequences) == list(range(1, committed + 1))
    numbers = db.session.scalars(sa.select(RepairOrder.number)).all()
    assert len(set(numbers)) == len(numbers) == committed
