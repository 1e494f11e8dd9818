"""The order page's card of messages to the customer: the outbox rows of the order and the
reminders the jobs recorded, with the notice's disposal day; seen by the order's own staff."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

from servicecenter import jobs
from servicecenter.domain.enums import OrderStatus
from servicecenter.models import JobOutcome

from ..notify_helpers import consenting

S = OrderStatus
NOW = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)


def page(client, order) -> str:
    response = client.get(f"/orders/{order.number}")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def reminded(make, days: int, **consent):
    order = make.order(S.READY, device=consenting(make, **consent), now=NOW - timedelta(days=days))
    assert jobs.run(jobs.get("pickup-reminders"), now=NOW).outcome is JobOutcome.OK
    return order


def card(text: str) -> str:
    start = text.index('id="customer-messages"')
    return text[start : text.index('id="history"', start)]


def test_the_card_lists_the_messages_and_the_notice_with_its_date(client, make, login_as):
    order = reminded(make, 61)
    for user in (make.net.reception_a, make.net.tech):  # the office and the workshop
        login_as(user)
        text = card(page(client, order))
        assert "Messages to the customer" in text
        assert "Notice before disposal" in text
        assert "May be disposed of from January 30, 2027" in text
        # the passed reminders, recorded as not sent, are told apart from an unsent notice
        assert (
            "Not sent, as a later reminder was due the same day: the reminders after 3, 7, 30 "
            "days." in text
        )
        assert "call them" not in text
        # the outbox rows: intake, ready and the notice, by email and SMS, to the customer
        assert text.count('data-event="disposal_notice"') == 2
        assert text.count('data-event="ready"') == 2
        assert "maria@example.com" in text and order.customer.phone in text
        assert "Queued" in text
    # and prominently at the page's top while the device waits
    top = page(client, order)
    assert "the device may be disposed of from January 30, 2027." in top
    assert top.index('id="disposal-alert"') < top.index('id="customer-messages"')


def test_a_reminder_without_a_channel_tells_staff_to_call(client, make, login_as):
    order = reminded(make, 3, email=False, sms=False)
    login_as(make.net.reception_a)
    text = card(page(client, order))
    assert "Pickup reminder after 3 days" in text
    assert "no message: no channel the customer agreed to — call them" in text
    assert 'id="order-messages"' not in text  # no outbox rows: no empty table


def test_a_notice_without_a_message_gives_no_disposal_date(client, make, login_as):
    order = reminded(make, 61, email=False, sms=False)
    login_as(make.net.reception_a)
    text = page(client, order)
    assert "may not be disposed of: notify the customer in writing" in card(text)
    assert "disposed of from" not in text


def test_an_order_with_nothing_sent_says_so(client, make, login_as):
    order = make.order(S.RECEIVED, device=consenting(make, email=False, sms=False))
    login_as(make.net.reception_a)
    assert "No messages yet." in card(page(client, order))


def test_other_places_do_not_see_the_order(client, make, login_as):
    order = reminded(make, 61)
    for user in (make.net.reception_b, make.net.tech_other):
        login_as(user)
        assert client.get(f"/orders/{order.number}").status_code == 404


def test_once_collected_the_notice_is_history_not_an_alert(client, make, login_as, db):
    order = reminded(make, 61)
    make.advance(order, S.COLLECTED)
    db.session.commit()
    login_as(make.net.reception_a)
    text = page(client, order)
    assert 'id="disposal-alert"' not in text
    assert "May be disposed of from January 30, 2027" in card(text)  # still on record
