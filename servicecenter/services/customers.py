"""Changing customer records at the desk: the consent per channel, and merging a duplicate record
into the one kept (its devices, orders and messages move, the merge is recorded)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ..domain.customers import Contact, merge_refusal, merged_contact
from ..domain.enums import Role
from ..domain.errors import N_, DomainError, NotPermitted, StaleEdit
from ..extensions import db
from ..models import (
    Customer,
    CustomerMerge,
    CustomerSearchKey,
    Device,
    Notification,
    RepairOrder,
    User,
)
from ..models._types import utcnow
from .atomic import atomic
from .customer_keys import forget_customer, index_customer

DESK_ROLES = (Role.ADMIN, Role.RECEPTIONIST)

# Every column that points at customers.id, and so every row a merge moves to the survivor.
# tests/services/test_customers.py compares this with the models' metadata: a new foreign key
# to customers fails that test until it is listed here (or the merge decides otherwise).
CUSTOMER_REFERENCES = (
    Device.customer_id,
    RepairOrder.customer_id,
    Notification.customer_id,
    # A survivor merged later into another record brings its own merge history along.
    CustomerMerge.survivor_id,
)
# Rows derived from the duplicate's own name and phone: dropped with it, not moved.
CUSTOMER_DERIVED = (CustomerSearchKey.customer_id,)


def _require_desk(actor: User) -> None:
    if actor.role not in DESK_ROLES:
        raise NotPermitted(N_("Only the desk and administrators change customer records."))


def _check_version(customer: Customer, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != customer.version:
        raise StaleEdit(
            N_(
                "Someone else changed this customer while you had the page open."
                " Check it and try again."
            )
        )


@dataclass(frozen=True)
class Consent:
    sms: bool
    email: bool


def set_consent(
    customer: Customer, consent: Consent, *, actor: User, expected_version: int | None
) -> None:
    """Record which channels the customer agreed to be told on.

    E-mail consent cannot be switched on without an address to write to. Raises NotPermitted,
    StaleEdit, DomainError on `consent_email`.
    """
    _require_desk(actor)
    _check_version(customer, expected_version)
    if consent.email and not customer.consent_email and not customer.email:
        raise DomainError(
            N_("There is no e-mail address to write to: add it at the next visit."),
            field="consent_email",
        )
    customer.consent_sms = consent.sms
    customer.consent_email = consent.email
    db.session.flush()


@atomic
def merge(
    survivor: Customer,
    duplicate: Customer,
    *,
    actor: User,
    survivor_version: int | None,
    duplicate_version: int | None,
    now: datetime | None = None,
) -> CustomerMerge:
    """Merge `duplicate` into `survivor`: every row pointing at the duplicate (devices, orders,
    messages, earlier merges) moves to the survivor, the survivor keeps its own fields and only
    fills an empty phone or e-mail from the duplicate, its consent stays as it is (a merge never
    widens what the customer agreed to), the merge is recorded with a snapshot of the duplicate,
    and the duplicate's row is deleted. All or nothing.

    Raises NotPermitted, MergeRefused (the same record), StaleEdit (either record changed since
    the confirmation page, or the duplicate is gone).
    """
    _require_desk(actor)
    refusal = merge_refusal(survivor.id, duplicate.id)
    if refusal is not None:
        raise refusal
    _check_version(survivor, survivor_version)
    _check_version(duplicate, duplicate_version)
    counts = {}
    for column in CUSTOMER_REFERENCES:
        # Bulk updates on purpose: an order's own version stays, so a colleague's open order
        # page is not made stale by a change of the customer record it shows.
        result = db.session.execute(
            sa.update(column.class_)
            .where(column == duplicate.id)
            .values({column.key: survivor.id})
            .execution_options(synchronize_session="evaluate")
        )
        counts[column.class_] = result.rowcount
    contact = merged_contact(
        Contact(survivor.phone, survivor.email), Contact(duplicate.phone, duplicate.email)
    )
    phone_changed = survivor.phone != contact.phone
    survivor.phone, survivor.email = contact.phone, contact.email
    record = CustomerMerge(
        survivor_id=survivor.id,
        merged_id=duplicate.id,
        merged_name=duplicate.name,
        merged_phone=duplicate.phone,
        merged_email=duplicate.email,
        devices_moved=counts[Device],
        orders_moved=counts[RepairOrder],
        actor_id=actor.id,
        created_at=now or utcnow(),
    )
    db.session.add(record)
    # The survivor's version moves even when none of its fields did: a confirmation page of
    # another merge into it, opened before this one, no longer shows what it holds.
    survivor.version = survivor.version + 1
    db.session.flush()
    if phone_changed:
        index_customer(survivor)
    forget_customer(duplicate.id)
    # Guarded by the version the page showed: a duplicate merged or changed meanwhile by
    # someone else deletes nothing, and the whole merge is undone.
    deleted = db.session.execute(
        sa.delete(Customer)
        .where(Customer.id == duplicate.id, Customer.version == duplicate.version)
        .execution_options(synchronize_session=False)
    )
    if deleted.rowcount != 1:
        raise StaleEdit(
            N_("The other record was changed or merged meanwhile. Nothing was changed.")
        )
    db.session.expunge(duplicate)
    return record
