"""The notification outbox: messages queued in the transaction of their event, sent after it by
`dispatch_due`, and the admin's templates and resends."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from babel.dates import format_date
from babel.numbers import format_currency
from flask import current_app
from sqlalchemy.exc import IntegrityError

from .. import messaging
from ..database import insert_ignoring_conflicts, write_transaction
from ..domain.enums import Role
from ..domain.errors import N_, DomainError, NotPermitted, StaleEdit
from ..domain.money import to_decimal
from ..domain.notifications import (
    MAX_BODY_LENGTH,
    MAX_SUBJECT_LENGTH,
    Channel,
    Event,
    State,
    TemplateError,
    check_template,
    render,
    retry_delay,
)
from ..domain.payments import balance_due
from ..extensions import db
from ..models import (
    Customer,
    Device,
    Notification,
    NotificationRule,
    NotificationTemplate,
    Office,
    RepairOrder,
    User,
)
from ..models._types import utcnow
from ..queries import notifications as notification_queries
from ..queries.orders import paid_total
from .atomic import atomic
from .documents import feedback_url, status_url

log = logging.getLogger(__name__)


# --- the admin's settings, with the built-in ones where nothing was saved ------------------


def enabled_channels(event: Event) -> set[Channel]:
    """The channels the event sends on: every channel unless the admin switched it off."""
    saved = dict(
        db.session.execute(
            sa.select(NotificationRule.channel, NotificationRule.enabled).where(
                NotificationRule.event == event
            )
        ).all()
    )
    return {channel for channel in Channel if saved.get(channel, True)}


# --- queueing --------------------------------------------------------------------------------


def placeholder_values(
    order: RepairOrder, locale: str, *, paid: int | None = None
) -> dict[str, str]:
    """What the placeholders of the order's messages stand for, written for `locale` (`paid`:
    what the order was paid, when the caller knows it without asking)."""
    office = db.session.get(Office, order.office_id)
    customer = db.session.get(Customer, order.customer_id)
    device = db.session.get(Device, order.device_id)
    if paid is None and order.id:
        paid = paid_total(order.id)
    due = balance_due(order.amount_charged, paid) if order.id else 0
    link = status_url(order.tracking_token)
    return {
        "order_number": order.number,
        "status_link": link,
        "survey_link": feedback_url(order.tracking_token),
        "amount_due": format_currency(
            to_decimal(due),
            current_app.config["CURRENCY"],
            format="#,##0.00\u00a0¤",
            locale=locale,
        ),
        "promised_date": format_date(order.promised_date, "long", locale=locale)
        if order.promised_date
        else "",
        "device": device.title,
        "customer_name": customer.name,
        "office_name": office.name,
        "office_address": office.address,
        "office_hours": office.hours,
        "office_phone": office.phone,
    }


def _recipient(customer: Customer, channel: Channel) -> str | None:
    """Where the customer agreed to be told on a channel; None without consent or address."""
    if channel is Channel.EMAIL:
        return customer.email if customer.consent_email and customer.email else None
    return customer.phone if customer.consent_sms and customer.phone else None


@dataclass(frozen=True)
class Draft:
    """One message of an event, worked out before its order is written: where it goes and the
    admin's words with the placeholders still in them."""

    channel: Channel
    recipient: str
    subject: str
    body: str


def drafts_for(
    customer: Customer, event: Event, locale: str, *, channels: set[Channel] | None = None
) -> list[Draft]:
    """The event's messages to the customer: one per channel the admin enabled for the event,
    that the customer consented to and has an address for. Reads only, so intake does it before
    it takes the office's next number (and with it the lock other desks wait on)."""
    texts = None
    drafts = []
    for channel in sorted(enabled_channels(event) if channels is None else channels):
        recipient = _recipient(customer, channel)
        if recipient is None:
            continue
        texts = texts or notification_queries.texts_in(event, locale)
        subject, body = texts[channel]
        if body.strip():
            drafts.append(Draft(channel, recipient, subject, body))
    return drafts


def queue_drafts(
    order: RepairOrder,
    event: Event,
    drafts: list[Draft],
    *,
    locale: str,
    now: datetime,
    extra: dict[str, str] | None = None,
    key: str | None = None,
    paid: int | None = None,
) -> list:
    """Queue the drafts for the order in the caller's transaction, their placeholders filled.
    Sent by dispatch_due once the transaction has committed; a rollback drops them."""
    if not drafts:
        return []
    values = placeholder_values(order, locale, paid=paid)
    values.update({name: value(locale) for name, value in (extra or {}).items()})
    queued = []
    for draft in drafts:
        notification = Notification(
            order_id=order.id,
            customer_id=order.customer_id,
            event=event,
            channel=draft.channel,
            recipient=draft.recipient,
            locale=locale,
            subject=render(draft.subject, values)[:MAX_SUBJECT_LENGTH]
            if draft.channel is Channel.EMAIL
            else "",
            body=render(draft.body, values),
            state=State.QUEUED,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
            dedupe_key=f"{key}:{draft.channel}" if key else None,
        )
        db.session.add(notification)
        queued.append(notification)
    db.session.flush()
    return queued


def queue_for(
    order: RepairOrder,
    event: Event,
    *,
    now: datetime | None = None,
    extra: dict[str, str] | None = None,
    key: str | None = None,
    channels: set[Channel] | None = None,
) -> list:
    """Queue the event's messages in the caller's transaction (see drafts_for and queue_drafts),
    in the office's language.

    `extra` fills placeholders only some events have (a callable gets the locale); `key`, given
    by a job, marks each message `<key>:<channel>` so that it is queued once however often the
    job runs (the caller records what it did in the same transaction, so this is a backstop).
    `channels`: the event's enabled channels when a batch has read them once already."""
    customer = db.session.get(Customer, order.customer_id)
    locale = db.session.get(Office, order.office_id).locale
    drafts = drafts_for(customer, event, locale, channels=channels)
    return queue_drafts(
        order, event, drafts, locale=locale, now=now or utcnow(), extra=extra, key=key
    )


def queue_digest(
    *, event: Event, to: str, locale: str, subject: str, body: str, key: str, now: datetime
) -> bool:
    """Queue a staff digest by email in the caller's transaction, once per `key` (a second call
    with the same key queues nothing and says False)."""
    inserted = db.session.execute(
        insert_ignoring_conflicts(Notification)
        .values(
            order_id=None,
            customer_id=None,
            event=event,
            channel=Channel.EMAIL,
            recipient=to,
            locale=locale,
            subject=subject[:MAX_SUBJECT_LENGTH],
            body=body[: MAX_BODY_LENGTH[Channel.EMAIL] * 4],
            state=State.QUEUED,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
            dedupe_key=key,
        )
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(Notification.id)
    ).first()
    return inserted is not None


# --- sending ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outgoing:
    """A claimed message, read before sending so that no transaction stays open meanwhile."""

    id: int
    channel: Channel
    recipient: str
    subject: str
    body: str
    attempts: int


def _due(now: datetime, max_attempts: int):
    return sa.and_(
        Notification.state.in_([State.QUEUED, State.SENDING]),
        Notification.next_attempt_at <= now,
        Notification.attempts < max_attempts,
    )


def claim_due(*, now: datetime, limit: int = 100) -> list[Outgoing]:
    """Take up to `limit` due messages for sending and commit: queued ones whose time has come,
    and ones left `sending` by a dispatcher whose claim lapsed (NOTIFY_SENDING_TIMEOUT).

    The UPDATE repeats the due condition, so of two dispatchers racing for a row only one
    changes it (PostgreSQL re-checks the condition on the row the first one locked; SQLite lets
    one writer at a time): each row is claimed once. On PostgreSQL the candidates are locked
    with SKIP LOCKED, so a second dispatcher takes the next rows instead of losing the race.
    """
    config = current_app.config
    max_attempts = config["NOTIFY_MAX_ATTEMPTS"]
    lease = timedelta(seconds=config["NOTIFY_SENDING_TIMEOUT"])
    with write_transaction():
        candidates = (
            db.session.execute(
                sa.select(Notification.id)
                .where(_due(now, max_attempts))
                .order_by(Notification.next_attempt_at, Notification.id)
                .limit(limit)
                # PostgreSQL: dispatchers at once take different rows (SQLite has one writer)
                .with_for_update(skip_locked=True)
            )
            .scalars()
            .all()
        )
        rows = []
        if candidates:
            rows = db.session.execute(
                sa.update(Notification)
                .where(Notification.id.in_(candidates), _due(now, max_attempts))
                .values(
                    state=State.SENDING,
                    attempts=Notification.attempts + 1,
                    next_attempt_at=now + lease,
                )
                .returning(
                    Notification.id,
                    Notification.channel,
                    Notification.recipient,
                    Notification.subject,
                    Notification.body,
                    Notification.attempts,
                )
                .execution_options(synchronize_session=False)
            ).all()
        db.session.commit()
    return sorted((Outgoing(*row) for row in rows), key=lambda message: message.id)


def _give_up_lapsed(now: datetime) -> int:
    """A message whose last permitted try never reported back is failed, not tried again."""
    with write_transaction():
        result = db.session.execute(
            sa.update(Notification)
            .where(
                Notification.state == State.SENDING,
                Notification.next_attempt_at <= now,
                Notification.attempts >= current_app.config["NOTIFY_MAX_ATTEMPTS"],
            )
            .values(state=State.FAILED, last_error="No answer from the last try before the timeout")
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    return result.rowcount


def _deliver(message: Outgoing) -> None:
    config = current_app.config
    if message.channel is Channel.EMAIL:
        messaging.send_email(
            config, to=message.recipient, subject=message.subject, body=message.body
        )
    else:
        messaging.send_sms(config, to=message.recipient, text=message.body)


def _record(message: Outgoing, **values) -> None:
    """Write how a try ended, unless the row moved on meanwhile (its claim lapsed and another
    dispatcher took it: that one records its own try)."""
    with write_transaction():
        db.session.execute(
            sa.update(Notification)
            .where(
                Notification.id == message.id,
                Notification.state == State.SENDING,
                Notification.attempts == message.attempts,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()


def dispatch_due(*, now: datetime | None = None, limit: int = 100) -> str:
    """Send the messages that are due and say what happened.

    Owns its transactions (call it with none pending): the claim is committed before anything
    is sent, nothing is sent inside a write transaction, and each result is committed at once.
    A failed try is retried after 1, 5, 25 … minutes; after NOTIFY_MAX_ATTEMPTS tries the
    message is failed with the last error. A message is never sent twice by two dispatchers.
    """
    now = now or utcnow()
    max_attempts = current_app.config["NOTIFY_MAX_ATTEMPTS"]
    given_up = _give_up_lapsed(now)
    sent = retried = failed = 0
    for message in claim_due(now=now, limit=limit):
        try:
            _deliver(message)
        except Exception as error:  # noqa: BLE001 — any gateway failure is the row's to keep
            text = f"{type(error).__name__}: {error}"[:500]
            log.warning("notification %s: try %s failed: %s", message.id, message.attempts, text)
            if message.attempts >= max_attempts:
                failed += 1
                _record(message, state=State.FAILED, last_error=text)
            else:
                retried += 1
                _record(
                    message,
                    state=State.QUEUED,
                    last_error=text,
                    next_attempt_at=now + retry_delay(message.attempts),
                )
        else:
            sent += 1
            _record(message, state=State.SENT, sent_at=utcnow(), last_error=None)
    summary = f"notifications: {sent} sent, {retried} to retry, {failed + given_up} failed"
    return summary


# --- the admin's side ------------------------------------------------------------------------


def _require_admin(actor: User) -> None:
    if actor.role is not Role.ADMIN:
        raise NotPermitted(N_("Only an administrator manages notifications."))


@atomic
def resend(notification: Notification, *, actor: User, now: datetime | None = None):
    """Send a message again: a failed one is queued again with fresh attempts, a sent one gets
    a queued copy. Refused while it is still waiting or being sent, or when the customer no
    longer consents to the channel. Raises DomainError, NotPermitted."""
    _require_admin(actor)
    now = now or utcnow()
    customer = (
        db.session.get(Customer, notification.customer_id) if notification.customer_id else None
    )
    # a staff digest goes to the place's address as it was; a customer must still consent
    if customer is not None and _recipient(customer, notification.channel) is None:
        raise DomainError(N_("The customer no longer agrees to messages on this channel."))
    if notification.state is State.FAILED:
        changed = db.session.execute(
            sa.update(Notification)
            .where(Notification.id == notification.id, Notification.state == State.FAILED)
            .values(state=State.QUEUED, attempts=0, next_attempt_at=now, last_error=None)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not changed:
            raise StaleEdit(N_("This message changed meanwhile. Check it and try again."))
        db.session.expire(notification)
        return notification
    if notification.state is State.SENT:
        copy = Notification(
            order_id=notification.order_id,
            customer_id=notification.customer_id,
            event=notification.event,
            channel=notification.channel,
            recipient=notification.recipient,
            locale=notification.locale,
            subject=notification.subject,
            body=notification.body,
            state=State.QUEUED,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        db.session.add(copy)
        db.session.flush()
        return copy
    raise DomainError(N_("This message is waiting to be sent already."))


@dataclass(frozen=True)
class TemplateText:
    subject: str
    body: str


def check_texts(channel: Channel, texts: dict[str, TemplateText], *, enabled: bool) -> dict:
    """The texts as they would be saved (trimmed), or TemplateError on the first bad field:
    an unknown placeholder, a text too long, an empty text of an enabled message."""
    cleaned = {}
    for locale, text in texts.items():
        subject = text.subject.strip() if channel is Channel.EMAIL else ""
        body = text.body.strip().replace("\r\n", "\n")
        if channel is Channel.EMAIL:
            check_template(subject, field=f"subject_{locale}")
            if len(subject) > MAX_SUBJECT_LENGTH:
                raise TemplateError(N_("The subject is too long."), field=f"subject_{locale}")
            if enabled and not subject:
                raise TemplateError(
                    N_("An enabled message needs a subject in every language."),
                    field=f"subject_{locale}",
                )
        check_template(body, field=f"body_{locale}")
        if len(body) > MAX_BODY_LENGTH[channel]:
            raise TemplateError(N_("The text is too long."), field=f"body_{locale}")
        if enabled and not body:
            raise TemplateError(
                N_("An enabled message needs a text in every language."), field=f"body_{locale}"
            )
        cleaned[locale] = TemplateText(subject, body)
    return cleaned


@atomic
def save_templates(
    event: Event,
    channel: Channel,
    *,
    enabled: bool,
    texts: dict[str, TemplateText],
    actor: User,
    expected_version: int,
    now: datetime | None = None,
) -> NotificationRule:
    """Save whether the event sends on the channel and its text in each language.

    `expected_version` is the version the form showed (0 while nothing was saved yet). Raises
    TemplateError on a field, StaleEdit when someone saved meanwhile, NotPermitted.
    """
    _require_admin(actor)
    rule = db.session.execute(
        sa.select(NotificationRule).where(
            NotificationRule.event == event, NotificationRule.channel == channel
        )
    ).scalar_one_or_none()
    if expected_version != (rule.version if rule else 0):
        raise StaleEdit(
            N_("Someone else saved this while you had it open. Check it and try again.")
        )
    cleaned = check_texts(channel, texts, enabled=enabled)
    if rule is None:
        rule = NotificationRule(event=event, channel=channel)
        db.session.add(rule)
    rule.enabled = enabled
    rule.updated_at = now or utcnow()  # bumps the version even when only a text changed
    rule.updated_by_id = actor.id
    existing = {
        template.locale: template
        for template in db.session.scalars(
            sa.select(NotificationTemplate).where(
                NotificationTemplate.event == event, NotificationTemplate.channel == channel
            )
        )
    }
    for locale, text in cleaned.items():
        template = existing.get(locale)
        if template is None:
            template = NotificationTemplate(event=event, channel=channel, locale=locale)
            db.session.add(template)
        template.subject, template.body = text.subject, text.body
    try:
        db.session.flush()
    except IntegrityError:  # two first saves at once: the other one's row came first
        raise StaleEdit(
            N_("Someone else saved this while you had it open. Check it and try again.")
        ) from None
    return rule


def sample_values(locale: str, *, today) -> dict[str, str]:
    """Made-up values for the admin's preview of a template, written for `locale`."""
    return {
        "order_number": "MSK-2026-000123",
        "status_link": status_url("SAMPLE-TOKEN"),
        "survey_link": feedback_url("SAMPLE-TOKEN"),
        "amount_due": format_currency(
            to_decimal(450_000),
            current_app.config["CURRENCY"],
            format="#,##0.00\u00a0¤",
            locale=locale,
        ),
        "promised_date": format_date(today + timedelta(days=7), "long", locale=locale),
        "device": "Apple iPhone 13",
        "customer_name": "Анна Иванова" if locale == "ru" else "Anna Ivanova",
        "office_name": "Сервисный центр на Тверской"
        if locale == "ru"
        else "Tverskaya service point",
        "office_address": "ул. Тверская, 7" if locale == "ru" else "7 Tverskaya St",
        "office_hours": "10:00–20:00",
        "office_phone": "+7 495 000-00-01",
        "days_waiting": "30",
        "disposal_date": format_date(today + timedelta(days=60), "long", locale=locale),
    }
