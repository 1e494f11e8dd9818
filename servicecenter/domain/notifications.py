"""Customer notifications: the events that send them, the placeholders of their templates, safe
rendering, the built-in texts, and the retry schedule of the outbox."""

from __future__ import annotations

import re
from datetime import timedelta
from enum import StrEnum

from .enums import OrderStatus
from .errors import N_, DomainError


class Event(StrEnum):
    ACCEPTED = "accepted"  # the order opened at intake
    AWAITING_APPROVAL = "awaiting_approval"  # a quote waits for the customer
    AWAITING_PARTS = "awaiting_parts"
    READY = "ready"  # ready for pickup
    COLLECTED = "collected"  # handed back, with the survey link


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"


class State(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


# The status an order enters that fires each event (ACCEPTED fires at intake, no status change).
EVENT_OF_STATUS = {
    OrderStatus.AWAITING_APPROVAL: Event.AWAITING_APPROVAL,
    OrderStatus.AWAITING_PARTS: Event.AWAITING_PARTS,
    OrderStatus.READY: Event.READY,
    OrderStatus.COLLECTED: Event.COLLECTED,
}
STATUS_OF_EVENT = {event: status for status, event in EVENT_OF_STATUS.items()}

PLACEHOLDERS = (
    "order_number",
    "status_link",
    "survey_link",
    "amount_due",
    "promised_date",
    "device",
    "customer_name",
    "office_name",
    "office_address",
    "office_hours",
    "office_phone",
)

MAX_SUBJECT_LENGTH = 200
MAX_BODY_LENGTH = {Channel.EMAIL: 5000, Channel.SMS: 700}

_PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")


class TemplateError(DomainError):
    """A template names a placeholder that does not exist, or is empty while enabled."""


def unknown_placeholders(text: str) -> list[str]:
    """The `{names}` in a text that are not placeholders, in order of appearance, once each."""
    seen: list[str] = []
    for name in _PLACEHOLDER.findall(text):
        if name not in PLACEHOLDERS and name not in seen:
            seen.append(name)
    return seen


def check_template(text: str, *, field: str) -> None:
    """Refuse a text naming an unknown placeholder. Raises TemplateError on `field`."""
    unknown = unknown_placeholders(text)
    if unknown:
        raise TemplateError(
            N_("Unknown placeholder: %(names)s. Use only the placeholders listed."),
            field=field,
            names=", ".join("{" + name + "}" for name in unknown),
        )


def render(text: str, values: dict[str, str]) -> str:
    """Fill the placeholders. Never fails: an unknown `{name}` (saving refuses those) stays as
    typed, so a message is never lost to a template mistake."""

    def fill(match: re.Match) -> str:
        name = match.group(1)
        return values.get(name, match.group(0)) if name in PLACEHOLDERS else match.group(0)

    return _PLACEHOLDER.sub(fill, text)


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed try: 1, 5, 25, 125 … minutes, at most a
    day."""
    minutes = 5 ** min(max(attempts - 1, 0), 10)  # capped before it could overflow
    return min(timedelta(minutes=minutes), timedelta(days=1))


# Built-in texts, used until the admin saves their own: (event, channel, locale) → (subject, body).
# SMS have no subject.
DEFAULT_TEXTS: dict[tuple[Event, Channel, str], tuple[str, str]] = {
    (Event.ACCEPTED, Channel.EMAIL, "en"): (
        "Order {order_number}: we have your {device}",
        "Hello {customer_name},\n\nwe have received your {device} for repair under order "
        "{order_number}. We expect it to be ready by {promised_date}.\n\n"
        "Follow the repair here: {status_link}\n\n{office_name}\n{office_address}\n{office_hours}",
    ),
    (Event.ACCEPTED, Channel.SMS, "en"): (
        "",
        "Order {order_number} accepted, ready by {promised_date}. Status: {status_link}",
    ),
    (Event.AWAITING_APPROVAL, Channel.EMAIL, "en"): (
        "Order {order_number}: please approve the quote",
        "Hello {customer_name},\n\nthe diagnosis of your {device} is done. The repair costs "
        "{amount_due}. Please approve or decline the quote here: {status_link}\n\n{office_name}",
    ),
    (Event.AWAITING_APPROVAL, Channel.SMS, "en"): (
        "",
        "Order {order_number}: repair costs {amount_due}. Approve or decline: {status_link}",
    ),
    (Event.AWAITING_PARTS, Channel.EMAIL, "en"): (
        "Order {order_number}: waiting for parts",
        "Hello {customer_name},\n\nthe repair of your {device} waits for parts. We will let you "
        "know when it is ready.\n\nStatus: {status_link}\n\n{office_name}",
    ),
    (Event.AWAITING_PARTS, Channel.SMS, "en"): (
        "",
        "Order {order_number} waits for parts. Status: {status_link}",
    ),
    (Event.READY, Channel.EMAIL, "en"): (
        "Order {order_number} is ready for pickup",
        "Hello {customer_name},\n\nyour {device} is ready. Amount due: {amount_due}.\n\n"
        "Collect it at {office_name}, {office_address} ({office_hours}).\n\n"
        "Status: {status_link}",
    ),
    (Event.READY, Channel.SMS, "en"): (
        "",
        "Order {order_number} is ready. Due: {amount_due}. {office_address}, {office_hours}",
    ),
    (Event.COLLECTED, Channel.EMAIL, "en"): (
        "Order {order_number}: thank you",
        "Hello {customer_name},\n\nthank you for trusting us with your {device}. Please tell us "
        "how we did: {survey_link}\n\n{office_name}",
    ),
    (Event.COLLECTED, Channel.SMS, "en"): (
        "",
        "Thank you! How did we do with order {order_number}? {survey_link}",
    ),
    (Event.ACCEPTED, Channel.EMAIL, "ru"): (
        "Заказ {order_number}: ваше устройство {device} принято",
        "Здравствуйте, {customer_name}!\n\nМы приняли в ремонт ваше устройство {device}, "
        "заказ {order_number}. Ориентировочный срок готовности: {promised_date}.\n\n"
        "Следить за ремонтом: {status_link}\n\n{office_name}\n{office_address}\n{office_hours}",
    ),
    (Event.ACCEPTED, Channel.SMS, "ru"): (
        "",
        "Заказ {order_number} принят, срок {promised_date}. Статус: {status_link}",
    ),
    (Event.AWAITING_APPROVAL, Channel.EMAIL, "ru"): (
        "Заказ {order_number}: согласуйте стоимость ремонта",
        "Здравствуйте, {customer_name}!\n\nДиагностика устройства {device} завершена. "
        "Стоимость ремонта: {amount_due}. Согласуйте или отклоните смету: {status_link}\n\n"
        "{office_name}",
    ),
    (Event.AWAITING_APPROVAL, Channel.SMS, "ru"): (
        "",
        "Заказ {order_number}: ремонт стоит {amount_due}. Согласовать: {status_link}",
    ),
    (Event.AWAITING_PARTS, Channel.EMAIL, "ru"): (
        "Заказ {order_number}: ожидаем запчасти",
        "Здравствуйте, {customer_name}!\n\nДля ремонта устройства {device} ожидаются запчасти. "
        "Мы сообщим, когда ремонт будет готов.\n\nСтатус: {status_link}\n\n{office_name}",
    ),
    (Event.AWAITING_PARTS, Channel.SMS, "ru"): (
        "",
        "Заказ {order_number}: ожидаем запчасти. Статус: {status_link}",
    ),
    (Event.READY, Channel.EMAIL, "ru"): (
        "Заказ {order_number} готов к выдаче",
        "Здравствуйте, {customer_name}!\n\nВаше устройство {device} готово. К оплате: "
        "{amount_due}.\n\nГде забрать: {office_name}, {office_address} ({office_hours}).\n\n"
        "Статус: {status_link}",
    ),
    (Event.READY, Channel.SMS, "ru"): (
        "",
        "Заказ {order_number} готов. К оплате {amount_due}. {office_address}, {office_hours}",
    ),
    (Event.COLLECTED, Channel.EMAIL, "ru"): (
        "Заказ {order_number}: спасибо!",
        "Здравствуйте, {customer_name}!\n\nСпасибо, что доверили нам ремонт устройства {device}. "
        "Оцените, пожалуйста, нашу работу: {survey_link}\n\n{office_name}",
    ),
    (Event.COLLECTED, Channel.SMS, "ru"): (
        "",
        "Спасибо! Оцените ремонт по заказу {order_number}: {survey_link}",
    ),
}


def default_text(event: Event, channel: Channel, locale: str) -> tuple[str, str]:
    """The built-in subject and body; English for a language without built-in texts."""
    return DEFAULT_TEXTS.get((event, channel, locale)) or DEFAULT_TEXTS[(event, channel, "en")]
