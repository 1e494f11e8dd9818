"""Customer records at the desk: consent per channel, and merging a duplicate record into the one
kept (everything pointing at the duplicate moves, the merge is recorded, the duplicate goes)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from servicecenter.domain.customers import MergeRefused
from servicecenter.domain.enums import OrderStatus
from servicecenter.domain.errors import DomainError, NotPermitted, StaleEdit
from servicecenter.domain.feedback import Scores
from servicecenter.domain.notifications import Channel, Event
from servicecenter.extensions import db as _db
from servicecenter.models import (
    Customer,
    CustomerMerge,
    CustomerSearchKey,
    Device,
    Feedback,
    Notification,
    OrderStatusChange,
    RepairOrder,
)
from servicecenter.queries.customers import search_customers
from servicecenter.services import customers, feedback

from ..web.helpers import database_snapshot

S = OrderStatus


def merge(survivor, duplicate, actor, **versions):
    return customers.merge(
        survivor,
        duplicate,
        actor=actor,
        survivor_version=versions.get("survivor_version", survivor.version),
        duplicate_version=versions.get("duplicate_version", duplicate.version),
    )


def message_to(customer, order=None) -> Notification:
    message = Notification(
        order_id=order.id if order else None,
        customer_id=customer.id,
        event=Event.READY,
        channel=Channel.SMS,
        recipient=customer.phone,
        locale="en",
        body="Your device is ready",
    )
    _db.session.add(message)
    _db.session.commit()
    return message


@pytest.fixture
def pair(make):
    """The desk's usual duplicate: the same person registered twice at two offices."""
    survivor = make.customer(name="Ivan Petrov", phone="+79161110001")
    duplicate = make.customer(name="Ivan Petrov (2)", phone="+79162220002")
    return survivor, duplicate


def test_every_foreign_key_to_customers_is_handled_by_the_merge(db):
    """A new table pointing at customers must be moved by the merge (or the merge decide
    otherwise): a merge that left it behind would lose the row or fail on the delete."""
    referencing = {
        (fk.parent.table.name, fk.parent.name)
        for table in db.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table.name == "customers"
    }
    handled = {
        (column.table.name, column.name)
        for column in customers.CUSTOMER_REFERENCES + customers.CUSTOMER_DERIVED
    }
    assert referencing == handled


def test_a_merge_moves_devices_orders_ratings_and_messages(make, db, pair):
    survivor, duplicate = pair
    kept_device = make.device(survivor)
    own = make.order(S.RECEIVED, device=kept_device)
    device = make.device(duplicate)
    collected = make.order(S.COLLECTED, device=device, office=make.net.office_b)
    other = make.order(S.IN_REPAIR, device=device)
    rating = feedback.submit(
        collected.tracking_token,
        Scores(csat=2, nps=3, effort=2, comment="Slow"),
        ip="198.51.100.4",
        user_agent="Firefox",
    )
    message = message_to(duplicate, other)
    history_before = db.session.execute(
        sa.select(OrderStatusChange.id, OrderStatusChange.order_id, OrderStatusChange.to_status)
    ).all()
    versions = {order.id: order.version for order in (collected, other)}
    db.session.commit()
    duplicate_id, survivor_version = duplicate.id, survivor.version

    record = merge(survivor, duplicate, make.net.reception_a)
    db.session.commit()
    db.session.expire_all()

    assert db.session.get(Customer, duplicate_id) is None
    assert {
        d.id for d in db.session.scalars(sa.select(Device).where(Device.customer_id == survivor.id))
    } == {kept_device.id, device.id}
    assert {o.customer_id for o in (own, collected, other)} == {survivor.id}
    assert {o.device_id for o in (collected, other)} == {device.id}
    # the orders themselves are as they were: history, versions, ratings
    assert (
        db.session.execute(
            sa.select(OrderStatusChange.id, OrderStatusChange.order_id, OrderStatusChange.to_status)
        ).all()
        == history_before
    )
    assert {o.id: o.version for o in (collected, other)} == versions
    assert (
        db.session.get(RepairOrder, db.session.get(Feedback, rating.id).order_id).customer_id
        == survivor.id
    )
    assert db.session.get(Notification, message.id).customer_id == survivor.id
    assert survivor.version == survivor_version + 1

    saved = db.session.get(CustomerMerge, record.id)
    assert (saved.survivor_id, saved.merged_id) == (survivor.id, duplicate_id)
    assert (saved.merged_name, saved.merged_phone) == ("Ivan Petrov (2)", "+79162220002")
    assert (saved.devices_moved, saved.orders_moved) == (1, 2)
    assert saved.actor_id == make.net.reception_a.id and saved.created_at is not None


def test_after_a_merge_search_finds_the_survivor_only(make, db, pair):
    survivor, duplicate = pair
    db.session.commit()
    assert {c.id for c in search_customers("Petrov")} == {survivor.id, duplicate.id}
    assert [c.id for c in search_customers("0002")] == [duplicate.id]
    duplicate_id = duplicate.id
    merge(survivor, duplicate, make.net.reception_a)
    db.session.commit()
    assert [c.id for c in search_customers("Petrov")] == [survivor.id]
    assert search_customers("0002") == []
    assert not db.session.scalar(
        sa.select(sa.func.count()).where(CustomerSearchKey.customer_id == duplicate_id)
    )


def test_the_survivor_keeps_its_fields_and_consent_and_fills_an_empty_email(make, db, pair):
    survivor, duplicate = pair
    survivor.consent_sms, survivor.consent_email = False, False
    duplicate.email, duplicate.consent_sms, duplicate.consent_email = "ivan@example.com", True, True
    db.session.commit()
    merge(survivor, duplicate, make.net.admin)
    db.session.commit()
    db.session.expire_all()
    assert (survivor.name, survivor.phone) == ("Ivan Petrov", "+79161110001")
    assert survivor.email == "ivan@example.com"
    # a merge never widens what the customer agreed to
    assert (survivor.consent_sms, survivor.consent_email) == (False, False)


def test_the_survivors_own_email_is_not_overwritten(make, db, pair):
    survivor, duplicate = pair
    survivor.email, duplicate.email = "kept@example.com", "other@example.com"
    db.session.commit()
    merge(survivor, duplicate, make.net.admin)
    db.session.commit()
    assert survivor.email == "kept@example.com"


def test_earlier_merges_follow_the_survivor(make, db, pair):
    survivor, duplicate = pair
    third = make.customer(name="I. Petrov", phone="+79163330003")
    merge(duplicate, third, make.net.admin)
    db.session.commit()
    merge(survivor, duplicate, make.net.admin)
    db.session.commit()
    names = db.session.scalars(
        sa.select(CustomerMerge.merged_name).where(CustomerMerge.survivor_id == survivor.id)
    ).all()
    assert sorted(names) == ["I. Petrov", "Ivan Petrov (2)"]


def test_a_record_is_not_merged_into_itself(make, db, pair):
    survivor, _ = pair
    make.network()
    before = database_snapshot()
    with pytest.raises(MergeRefused, match="into itself"):
        merge(survivor, survivor, make.net.admin)
    db.session.commit()
    assert database_snapshot() == before


@pytest.mark.parametrize("which", ["survivor_version", "duplicate_version"])
def test_a_merge_from_a_stale_page_changes_nothing(make, db, pair, which):
    survivor, duplicate = pair
    make.order(S.RECEIVED, device=make.device(duplicate))
    before = database_snapshot()
    stale = {which: (survivor if which == "survivor_version" else duplicate).version - 1}
    with pytest.raises(StaleEdit):
        merge(survivor, duplicate, make.net.reception_a, **stale)
    db.session.commit()
    assert database_snapshot() == before


def test_a_duplicate_changed_under_the_merge_undoes_it_all(make, db, pair):
    """The version checked in Python, then changed by another request before the delete: the
    guarded delete removes nothing and every move is rolled back with it."""
    survivor, duplicate = pair
    make.order(S.RECEIVED, device=make.device(duplicate))
    before = database_snapshot()
    seen = duplicate.version
    db.session.execute(
        sa.update(Customer.__table__)
        .where(Customer.__table__.c.id == duplicate.id)
        .values(version=seen + 1)
    )
    with pytest.raises(StaleEdit):
        merge(survivor, duplicate, make.net.reception_a, duplicate_version=seen)
    db.session.rollback()
    assert database_snapshot() == before


@pytest.mark.parametrize("role", ["tech", "manager"])
def test_workshop_staff_may_not_merge(make, db, pair, role):
    survivor, duplicate = pair
    with pytest.raises(NotPermitted):
        merge(survivor, duplicate, getattr(make.net, role))


def test_consent_is_saved_with_the_version_the_page_showed(make, db, pair):
    customer, _ = pair
    customer.email = "ivan@example.com"
    db.session.commit()
    version = customer.version
    customers.set_consent(
        customer,
        customers.Consent(sms=True, email=True),
        actor=make.net.reception_a,
        expected_version=version,
    )
    db.session.commit()
    assert (customer.consent_sms, customer.consent_email) == (True, True)
    assert customer.version == version + 1
    with pytest.raises(StaleEdit):
        customers.set_consent(
            customer,
            customers.Consent(sms=False, email=False),
            actor=make.net.admin,
            expected_version=version,
        )


def test_email_consent_needs_an_address(make, db, pair):
    customer, _ = pair
    with pytest.raises(DomainError, match="no e-mail address") as refused:
        customers.set_consent(
            customer,
            customers.Consent(sms=True, email=True),
            actor=make.net.admin,
            expected_version=customer.version,
        )
    assert refused.value.field == "consent_email"


def test_the_merged_records_orders_are_found_by_the_survivor(make, db, pair):
    survivor, duplicate = pair
    order = make.order(S.RECEIVED, device=make.device(duplicate))
    merge(survivor, duplicate, make.net.admin)
    db.session.commit()
    assert db.session.scalars(
        sa.select(RepairOrder.id).where(RepairOrder.customer_id == survivor.id)
    ).all() == [order.id]
