"""The daily SLA digest: one plain-text email a day to each office and workshop that has a
digest address and orders on the watch, in the place's language, queued in the outbox."""

from __future__ import annotations

from datetime import datetime

from flask import render_template
from flask_babel import force_locale, format_date, gettext

from ..domain.notifications import Event
from ..queries import sla as sla_queries
from ..queries.sla import Watchlist
from . import digests
from .clock import local_date
from .links import public_url


def compose(watch: Watchlist, *, place_name: str, link: str, locale: str) -> tuple[str, str]:
    """The digest's subject and plain-text body, written in `locale`."""
    with force_locale(locale):
        subject = gettext(
            "Deadlines %(date)s, %(place)s: %(overdue)s overdue, %(soon)s due within a day, "
            "%(legal)s at the legal limit",
            date=format_date(watch.today, "medium"),
            place=place_name,
            overdue=_count(watch.overdue),
            soon=_count(watch.due_soon),
            legal=_count(watch.legal),
        )
        body = render_template(
            "deadlines/digest.txt", watch=watch, place_name=place_name, link=link
        )
    return subject, body


def _count(section) -> str:
    return f"{section.count}+" if section.more else str(section.count)


def queue_digests(*, now: datetime) -> str:
    """Queue today's digest for every office and workshop with a digest address and something
    on the watch; nothing for a quiet place. Once per place and local day (the outbox's dedupe
    key), so a second run queues nothing. Returns what it did in a line."""
    today = local_date(now)
    queued: list[str] = []
    repeated = 0
    for place in digests.places_with_digest():
        condition = sla_queries.place_condition(
            place.kind, place.id, in_office_id=place.in_office_id
        )
        watch = sla_queries.get_watchlist(condition, today=today)
        if watch.empty:
            continue
        subject, body = compose(
            watch,
            place_name=place.name,
            link=public_url("deadlines.index", **{place.kind: place.id}),
            locale=place.locale,
        )
        if digests.queue(place, Event.SLA_DIGEST, subject=subject, body=body, day=today, now=now):
            queued.append(f"{place.kind} {place.name}")
        else:
            repeated += 1
    summary = f"Queued {len(queued)} SLA digest(s)"
    summary += f": {', '.join(queued)}." if queued else "."
    if repeated:
        summary += f" {repeated} already queued today."
    return summary
