"""Notification templates without the app: placeholders, safe rendering, the retry schedule."""

from __future__ import annotations

from datetime import timedelta

import pytest

from servicecenter.domain.notifications import (
    CUSTOMER_EVENTS,
    DEFAULT_TEXTS,
    PLACEHOLDERS,
    STATUS_OF_EVENT,
    Channel,
    Event,
    TemplateError,
    check_template,
    default_text,
    render,
    retry_delay,
    unknown_placeholders,
)


def test_placeholders_are_filled():
    text = "Заказ {order_number} готов: {status_link}"
    values = {"order_number": "MSK-2026-000001", "status_link": "https://x/s/abc"}
    assert render(text, values) == "Заказ MSK-2026-000001 готов: https://x/s/abc"


def test_rendering_never_fails_on_a_stray_brace_or_unknown_name():
    assert render("{nope} {order_number} { } {", {"order_number": "N"}) == "{nope} N { } {"


def test_unknown_placeholders_are_refused():
    assert unknown_placeholders("{order_number} {total} {total} {Order_Number}") == [
        "total",
        "Order_Number",
    ]
    with pytest.raises(TemplateError) as refused:
        check_template("Pay {amount}", field="body_ru")
    assert refused.value.field == "body_ru"
    check_template("Pay {amount_due} at {office_address}", field="body_ru")


def test_every_built_in_text_exists_and_uses_known_placeholders():
    for event in CUSTOMER_EVENTS:
        for channel in Channel:
            for locale in ("en", "ru"):
                subject, body = DEFAULT_TEXTS[(event, channel, locale)]
                assert body and not unknown_placeholders(subject + body)
                assert bool(subject) is (channel is Channel.EMAIL)
    assert (
        default_text(Event.READY, Channel.SMS, "de")
        == DEFAULT_TEXTS[(Event.READY, Channel.SMS, "en")]
    )
    assert "order_number" in PLACEHOLDERS


def test_retries_back_off_exponentially():
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=25),
        timedelta(minutes=125),
    ]
    assert retry_delay(20) == timedelta(days=1)


def test_every_placeholder_and_event_has_a_label_for_the_admin():
    from servicecenter import labels

    assert set(labels.PLACEHOLDER) == set(PLACEHOLDERS)
    assert set(labels.NOTIFICATION_EVENT) == set(Event)
    assert set(labels.NOTIFICATION_TRIGGER) | set(STATUS_OF_EVENT) == set(CUSTOMER_EVENTS)
