"""The daily SLA digest: one plain-text email a day to each office and workshop that has a
digest address and orders on the watch, in the place's language, queued in the outbox."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale, format_date, gettext

from ..domain.notifications import Event
from ..extensions import db
from ..models import Office, Workshop
from ..queries import sla as sla_queries
from ..queries.sla import Watchlist
from .clock import local_date
from .notifications import queue_digest


def deadlines_url(**args) -> str:
    """The Deadlines page as an absolute link (jobs have no request to build one from)."""
    # bound to a placeholder host: only the path and query string are taken from it
    path = current_app.url_map.bind("localhost").build("deadlines.index", args)
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}{path}"


def digest_locale(place: Office | Workshop) -> str:
    """An office writes in its own language; a workshop in that of the office it sits in, else
    the network's default."""
    config = current_app.config
    if isinstance(place, Office):
        locale = place.locale
    else:
        locale = place.in_office.locale if place.in_office else config["BABEL_DEFAULT_LOCALE"]
    return locale if locale in config["LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"]


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
    offices = db.session.scalars(
        sa.select(Office).where(Office.digest_email != "").order_by(Office.id)
    )
    workshops = db.session.scalars(
        sa.select(Workshop).where(Workshop.digest_email != "").order_by(Workshop.id)
    )
    places = [
        ("office", office, office.code, sla_queries.office_condition(office)) for office in offices
    ]
    places += [
        ("workshop", workshop, workshop.name, sla_queries.workshop_condition(workshop))
        for workshop in workshops
    ]
    for kind, place, label, condition in places:
        watch = sla_queries.get_watchlist(condition, today=today)
        if watch.empty:
            continue
        locale = digest_locale(place)
        subject, body = compose(
            watch,
            place_name=place.name,
            link=deadlines_url(**{kind: place.id}),
            locale=locale,
        )
        if queue_digest(
            event=Event.SLA_DIGEST,
            to=place.digest_email.strip(),
            locale=locale,
            subject=subject,
            body=body,
            key=f"sla:{kind}:{place.id}:{today.isoformat()}",
            now=now,
        ):
            queued.append(f"{kind} {label}")
        else:
            repeated += 1
    summary = f"Queued {len(queued)} SLA digest(s)"
    summary += f": {', '.join(queued)}." if queued else "."
    if repeated:
        summary += f" {repeated} already queued today."
    return summary
