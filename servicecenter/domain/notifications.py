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
    COLLECTED = "collected"  # handed back
    # sent by the jobs (servicecenter/jobs.py), not by a status change
    PICKUP_REMINDER = "pickup_reminder"  # ready and not collected after 3, 7 and 30 days
    DISPOSAL_NOTICE = "disposal_notice"  # the written notice before an unclaimed device may go
    SURVEY = "survey"  # the satisfaction survey, a few hours after collection
    # to staff: generated lists with no template, to the manager's address of a place
    SLA_DIGEST = "sla_digest"
    LOW_STOCK_DIGEST = "low_stock_digest"
    QUOTE_ANSWERED = "quote_answered"  # the customer answered a quote online: to the workshop
    LOW_RATING = "low_rating"  # a low rating opened a follow-up: to the office

    @property
    def to_staff(self) -> bool:
        return self in STAFF_EVENTS


STAFF_EVENTS = frozenset(
    {Event.SLA_DIGEST, Event.LOW_STOCK_DIGEST, Event.QUOTE_ANSWERED, Event.LOW_RATING}
)
# The events the admin edits templates of, in the order of an order's life.
CUSTOMER_EVENTS = tuple(event for event in Event if event not in STAFF_EVENTS)


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
    "days_waiting",  # pickup reminders: days since the order became ready
    "disposal_date",  # disposal notice: the first day an unclaimed device may be disposed of
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
        "Hello {customer_name},\n\nthank you for trusting us with your {device}. Keep the "
        "warranty slip: it lists the warranty of the work and of each part fitted.\n\n"
        "{office_name}\n{office_phone}",
    ),
    (Event.COLLECTED, Channel.SMS, "en"): (
        "",
        "Thank you for collecting order {order_number}. Keep the warranty slip. {office_phone}",
    ),
    (Event.PICKUP_REMINDER, Channel.EMAIL, "en"): (
        "Order {order_number} is waiting for you",
        "Hello {customer_name},\n\nyour {device} has been ready for {days_waiting} days. "
        "Amount due: {amount_due}.\n\nCollect it at {office_name}, {office_address} "
        "({office_hours}).\n\nStatus: {status_link}",
    ),
    (Event.PICKUP_REMINDER, Channel.SMS, "en"): (
        "",
        "Order {order_number} has been ready for {days_waiting} days. {office_address}, "
        "{office_hours}",
    ),
    (Event.DISPOSAL_NOTICE, Channel.EMAIL, "en"): (
        "Order {order_number}: notice about your unclaimed device",
        "Hello {customer_name},\n\nyour {device} has been ready for {days_waiting} days and has "
        "not been collected. As the repair contract says, unless you collect it by "
        "{disposal_date}, we may dispose of it to cover our costs.\n\nAmount due: "
        "{amount_due}. {office_name}, {office_address} ({office_hours}), {office_phone}.\n\n"
        "Status: {status_link}",
    ),
    (Event.DISPOSAL_NOTICE, Channel.SMS, "en"): (
        "",
        "Order {order_number} unclaimed for {days_waiting} days. Collect it by {disposal_date}, "
        "after that we may dispose of it. {office_phone}",
    ),
    (Event.SURVEY, Channel.EMAIL, "en"): (
        "Order {order_number}: how did we do?",
        "Hello {customer_name},\n\nhow was the repair of your {device}? Two clicks tell us: "
        "{survey_link}\n\nThank you,\n{office_name}",
    ),
    (Event.SURVEY, Channel.SMS, "en"): (
        "",
        "How did we do with order {order_number}? Rate us: {survey_link}",
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
        "Сохраните гарантийный талон: в нём указана гарантия на работу и на каждую "
        "установленную деталь.\n\n{office_name}\n{office_phone}",
    ),
    (Event.COLLECTED, Channel.SMS, "ru"): (
        "",
        "Спасибо, что забрали заказ {order_number}. Сохраните гарантийный талон. {office_phone}",
    ),
    (Event.PICKUP_REMINDER, Channel.EMAIL, "ru"): (
        "Заказ {order_number} ждёт вас",
        "Здравствуйте, {customer_name}!\n\nВаше устройство {device} готово уже {days_waiting} дн. "
        "К оплате: {amount_due}.\n\nГде забрать: {office_name}, {office_address} "
        "({office_hours}).\n\nСтатус: {status_link}",
    ),
    (Event.PICKUP_REMINDER, Channel.SMS, "ru"): (
        "",
        "Заказ {order_number} готов уже {days_waiting} дн. {office_address}, {office_hours}",
    ),
    (Event.DISPOSAL_NOTICE, Channel.EMAIL, "ru"): (
        "Заказ {order_number}: предупреждение о невостребованном изделии",
        "Здравствуйте, {customer_name}!\n\nВаше устройство {device} готово уже {days_waiting} дн. "
        "и не востребовано. Согласно договору, если вы не заберёте его до {disposal_date}, мы "
        "вправе реализовать его в счёт наших расходов.\n\nК оплате: {amount_due}. "
        "{office_name}, {office_address} ({office_hours}), {office_phone}.\n\n"
        "Статус: {status_link}",
    ),
    (Event.DISPOSAL_NOTICE, Channel.SMS, "ru"): (
        "",
        "Заказ {order_number} не востребован {days_waiting} дн. Заберите до {disposal_date}, "
        "иначе изделие может быть реализовано. {office_phone}",
    ),
    (Event.SURVEY, Channel.EMAIL, "ru"): (
        "Заказ {order_number}: оцените нашу работу",
        "Здравствуйте, {customer_name}!\n\nКак прошёл ремонт устройства {device}? Оцените нас "
        "в два клика: {survey_link}\n\nСпасибо!\n{office_name}",
    ),
    (Event.SURVEY, Channel.SMS, "ru"): (
        "",
        "Как мы справились с заказом {order_number}? Оцените: {survey_link}",
    ),
}


def default_text(event: Event, channel: Channel, locale: str) -> tuple[str, str]:
    """The built-in subject and body; English for a language without built-in texts."""
    return DEFAULT_TEXTS.get((event, channel, locale)) or DEFAULT_TEXTS[(event, channel, "en")]
