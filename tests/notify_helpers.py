"""Shared by the notification tests: a customer who agreed to messages, and reading the outbox."""

from __future__ import annotations

import sqlalchemy as sa

from servicecenter.extensions import db
from servicecenter.models import Customer, Notification


def consenting(make, *, email=True, sms=True, name="Мария Соколова", address="maria@example.com"):
    """A device of a customer who gave an email address and agreed to the chosen channels."""
    customer: Customer = make.customer(name=name)
    customer.email = address
    customer.consent_email = email
    customer.consent_sms = sms
    db.session.commit()
    return make.device(customer)


def outbox(order=None) -> list[Notification]:
    statement = sa.select(Notification).order_by(Notification.id)
    if order is not None:
        statement = statement.where(Notification.order_id == order.id)
    return list(db.session.scalars(statement))
