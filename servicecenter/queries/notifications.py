"""Reading the notification outbox and the templates' settings for the admin's pages."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..domain.notifications import Channel, Event, State, default_text
from ..extensions import db
from ..models import Notification, NotificationRule, NotificationTemplate
from .pagination import Page, keyset_page


def list_outbox(
    *, state: State | None = None, cursor: str | None = None, limit: int = 50
) -> Page[Notification]:
    """Messages newest first, optionally in one state; one page after `cursor`."""
    statement = sa.select(Notification).options(joinedload(Notification.order))
    if state is not None:
        statement = statement.where(Notification.state == state)
    return keyset_page(
        db.session,
        statement,
        key_columns=(Notification.created_at, Notification.id),
        descending=True,
        cursor=cursor,
        limit=limit,
        key_of=lambda notification: (notification.created_at, notification.id),
    )


def get_notification(notification_id: int) -> Notification | None:
    if not 0 < notification_id < 2**63:
        return None
    return db.session.get(Notification, notification_id)


def list_for_order(order_id: int) -> list[Notification]:
    return list(
        db.session.scalars(
            sa.select(Notification)
            .where(Notification.order_id == order_id)
            .order_by(Notification.created_at, Notification.id)
        )
    )


def rules() -> dict[tuple[Event, Channel], NotificationRule]:
    """The saved settings by event and channel (a pair not listed has never been saved)."""
    return {
        (rule.event, rule.channel): rule for rule in db.session.scalars(sa.select(NotificationRule))
    }


def texts_of(event: Event, channel: Channel, locales) -> dict[str, tuple[str, str]]:
    """Subject and body per language: the saved ones, else the built-in ones."""
    pairs = [(channel, locale) for locale in locales]
    found = _texts(event, pairs, NotificationTemplate.channel == channel)
    return {locale: found[channel, locale] for locale in locales}


def texts_in(event: Event, locale: str) -> dict[Channel, tuple[str, str]]:
    """Subject and body per channel in one language, the saved ones else the built-in ones
    (what the event's messages say; one query for every channel)."""
    pairs = [(channel, locale) for channel in Channel]
    found = _texts(event, pairs, NotificationTemplate.locale == locale)
    return {channel: found[channel, locale] for channel in Channel}


def _texts(event: Event, pairs, *narrowed) -> dict[tuple[Channel, str], tuple[str, str]]:
    """(subject, body) of the event per (channel, language) asked for, in one query (`narrowed`:
    conditions on the saved templates that keep the pairs asked for)."""
    saved = {
        (row.channel, row.locale): (row.subject, row.body)
        for row in db.session.scalars(
            sa.select(NotificationTemplate).where(NotificationTemplate.event == event, *narrowed)
        )
    }
    return {
        (channel, locale): saved.get((channel, locale)) or default_text(event, channel, locale)
        for channel, locale in pairs
    }


def customised() -> set[tuple[Event, Channel]]:
    """The pairs whose texts the admin has saved."""
    rows = db.session.execute(
        sa.select(NotificationTemplate.event, NotificationTemplate.channel).distinct()
    )
    return {(event, channel) for event, channel in rows}
