"""Keeping the search keys of a customer in step with the name and phone they come from."""

from __future__ import annotations

import sqlalchemy as sa

from ..domain.customers import search_keys
from ..extensions import db
from ..models import Customer, CustomerSearchKey


def index_customer(customer: Customer, *, new: bool = False) -> None:
    """Replace the customer's search keys with those of the current name and phone (`new`: a
    customer just created, who has none yet).

    Called in the same transaction as the write that changed them: a search never finds a
    customer by a name it no longer has, nor misses one by the name it has.
    """
    db.session.flush()
    if not new:
        forget_customer(customer.id)
    keys = search_keys(customer.name, customer.phone)
    if keys:
        db.session.execute(
            sa.insert(CustomerSearchKey),
            [{"key": key, "customer_id": customer.id} for key in sorted(keys)],
        )


def forget_customer(customer_id: int) -> None:
    """Drop the keys of a record about to be deleted (a merged duplicate)."""
    db.session.execute(
        sa.delete(CustomerSearchKey).where(CustomerSearchKey.customer_id == customer_id)
    )
