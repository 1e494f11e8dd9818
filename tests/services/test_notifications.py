"""Queueing notifications: in the event's own transaction, on the channels the customer agreed
to, in the office's language, from the admin's templates."""

from __future__ import annotations

import pytest

from servicecenter.domain.enums import OrderStatus
from servicecenter.domain.errors import StaleEdit
from servicecenter.domain.notifications import Channel, Event, State, TemplateError
from servicecenter.services import notifications, orders

from ..notify_helpers import consenting, outbox

S = OrderStatus


def texts(body, subject="", locales=("en", "ru")):
    return {locale: notifications.TemplateText(subject, body) for locale in locales}


def test_intake_queues_one_message_per_consented_channel(make, db):
    order = make.order(S.RECEIVED, device=consenting(make))
    rows = outbox(order)
    assert [(row.event, row.channel, row.state) for row in rows] == [
        (Event.ACCEPTED, Channel.EMAIL, State.QUEUED),
        (Event.ACCEPTED, Channel.SMS, State.QUEUED),
    ]
    email, sms = rows
    assert email.recipient == "maria@example.com"
    assert sms.recipient == order.customer.phone
    # Office A's documents and messages are in Russian.
    assert email.locale == sms.locale == "ru"
    assert email.subject.startswith(f"Заказ {order.number}")
    link = f"http://127.0.0.1:5000/s/{order.tracking_token}"
    assert link in email.body and link in sms.body
    assert "Мария Соколова" in email.body
    assert "1 Main St" in email.body and "10-20" in email.body


@pytest.mark.parametrize(
    ("email", "sms", "channels"),
    [
        (True, False, [Channel.EMAIL]),
        (False, True, [Channel.SMS]),
        (False, False, []),
    ],
)
def test_no_consent_means_nothing_on_that_channel(make, db, email, sms, channels):
    order = make.order(S.RECEIVED, device=consenting(make, email=email, sms=sms))
    assert [row.channel for row in outbox(order)] == channels


def test_email_needs_an_address(make, db):
    order = make.order(S.RECEIVED, device=consenting(make, address=None))
    assert [row.channel for row in outbox(order)] == [Channel.SMS]


@pytest.mark.parametrize(
    ("status", "events"),
    [
        (S.AWAITING_PARTS, [Event.ACCEPTED, Event.AWAITING_PARTS]),
        (S.IN_REPAIR, [Event.ACCEPTED]),
        (S.READY, [Event.ACCEPTED, Event.READY]),
        (S.COLLECTED, [Event.ACCEPTED, Event.READY, Event.COLLECTED]),
    ],
)
def test_each_event_queues_its_message(make, db, status, events):
    order = make.order(status, device=consenting(make, sms=False))
    assert [row.event for row in outbox(order)] == events


def test_a_quote_waiting_for_approval_says_the_amount(make, db):
    order = make.order(S.AWAITING_APPROVAL, device=consenting(make, sms=False), price=1_500_000)
    message = outbox(order)[-1]
    assert message.event is Event.AWAITING_APPROVAL
    assert "15\u00a0000,00\u00a0₽" in message.body


def test_the_ready_message_carries_the_amount_and_collection_thanks_without_the_survey(make, db):
    order = make.order(S.COLLECTED, device=consenting(make, sms=False), price=500_000)
    ready, collected = outbox(order)[1:]
    assert "5\u00a0000,00\u00a0₽" in ready.body
    assert f"/s/{order.tracking_token}" in ready.body
    # the survey goes hours later, from its job: not in the moment of handing back
    assert collected.event is Event.COLLECTED
    assert order.tracking_token not in collected.body


def test_messages_are_in_the_offices_language(make, db):
    office = make.net.office_b
    office.locale = "en"
    db.session.commit()
    order = make.order(S.RECEIVED, office=office, workshop=make.net.other, device=consenting(make))
    email = outbox(order)[0]
    assert email.locale == "en"
    assert email.subject == f"Order {order.number}: we have your Acme Phone X"
    assert "2 Side St" in email.body


def test_a_rolled_back_status_change_leaves_no_message(make, db):
    order = make.order(S.REPAIRED, workshop=make.net.in_office, device=consenting(make))
    before = len(outbox(order))
    orders.change_status(order, S.READY, actor=make.net.tech_in_office)
    assert len(outbox(order)) == before + 2  # queued in the change's transaction …
    db.session.rollback()
    assert len(outbox(order)) == before  # … and gone with it
    orders.change_status(order, S.READY, actor=make.net.tech_in_office)
    db.session.commit()
    assert [row.event for row in outbox(order)][-2:] == [Event.READY, Event.READY]


def test_a_disabled_event_sends_nothing_on_that_channel(make, db):
    notifications.save_templates(
        Event.ACCEPTED,
        Channel.SMS,
        enabled=False,
        texts=texts("Order {order_number}"),
        actor=make.net.admin,
        expected_version=0,
    )
    db.session.commit()
    order = make.order(S.RECEIVED, device=consenting(make))
    assert [row.channel for row in outbox(order)] == [Channel.EMAIL]


def test_the_admins_text_is_used_with_its_placeholders_filled(make, db):
    notifications.save_templates(
        Event.ACCEPTED,
        Channel.SMS,
        enabled=True,
        texts=texts("Ваш заказ {order_number} до {promised_date}: {status_link}"),
        actor=make.net.admin,
        expected_version=0,
    )
    db.session.commit()
    order = make.order(S.RECEIVED, device=consenting(make, email=False))
    (sms,) = outbox(order)
    assert sms.body.startswith(f"Ваш заказ {order.number} до ")
    assert sms.body.endswith(f"/s/{order.tracking_token}")
    assert "{" not in sms.body


def test_an_unknown_placeholder_is_refused_on_save(make, db):
    with pytest.raises(TemplateError) as refused:
        notifications.save_templates(
            Event.READY,
            Channel.SMS,
            enabled=True,
            texts=texts("Ready: {order_numbr}"),
            actor=make.net.admin,
            expected_version=0,
        )
    assert refused.value.field == "body_en"
    assert "{order_numbr}" in str(refused.value)


def test_an_enabled_message_needs_its_text(make, db):
    with pytest.raises(TemplateError) as refused:
        notifications.save_templates(
            Event.READY,
            Channel.EMAIL,
            enabled=True,
            texts=texts("", subject="Ready"),
            actor=make.net.admin,
            expected_version=0,
        )
    assert refused.value.field == "body_en"
    # Switched off, an empty text may be kept.
    notifications.save_templates(
        Event.READY,
        Channel.EMAIL,
        enabled=False,
        texts=texts("", subject=""),
        actor=make.net.admin,
        expected_version=0,
    )


def test_two_admins_do_not_overwrite_each_other(make, db):
    admin = make.net.admin
    rule = notifications.save_templates(
        Event.READY,
        Channel.SMS,
        enabled=True,
        texts=texts("A {order_number}"),
        actor=admin,
        expected_version=0,
    )
    db.session.commit()
    assert rule.version == 1
    notifications.save_templates(
        Event.READY,
        Channel.SMS,
        enabled=True,
        texts=texts("B {order_number}"),
        actor=admin,
        expected_version=1,
    )
    db.session.commit()
    with pytest.raises(StaleEdit):  # the second admin's form still showed version 1
        notifications.save_templates(
            Event.READY,
            Channel.SMS,
            enabled=False,
            texts=texts("C"),
            actor=admin,
            expected_version=1,
        )
