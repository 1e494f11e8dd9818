"""The staff digests the morning jobs send: who gets one (the manager's address of each office
and workshop), links back into the app, and the low-stock digest of each stock location."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, gettext, ngettext

from ..domain.notifications import Event
from ..domain.stock import Level, reorder_suggestion
from ..extensions import db
from ..models import Office, Part, StockLevel, StockLocation, Workshop
from . import notifications
from .clock import local_date
from .links import public_url

# A digest lists this many lines of a kind at most; the page behind its link has the rest.
DIGEST_LINES = 50


@dataclass(frozen=True)
class Place:
    """An office or a workshop whose manager gets the digests."""

    kind: str  # "office" or "workshop"
    id: int
    name: str
    email: str
    locale: str
    in_office_id: int | None = None  # a workshop on an office's premises

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


def _locale(locale: str | None) -> str:
    languages = current_app.config["LANGUAGES"]
    if locale in languages:
        return locale
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    return default if default in languages else next(iter(languages))


def office_place(office: Office) -> Place:
    return Place(
        "office", office.id, office.name, office.digest_email.strip(), _locale(office.locale)
    )


def workshop_place(workshop: Workshop, *, office_locale: str | None = None) -> Place:
    """A workshop writes in the language of the office it sits in, else the network's default
    (`office_locale`: that office's language when the caller has read it already)."""
    if office_locale is None and workshop.in_office_id is not None:
        office_locale = db.session.get(Office, workshop.in_office_id).locale
    return Place(
        "workshop",
        workshop.id,
        workshop.name,
        workshop.digest_email.strip(),
        _locale(office_locale),
        workshop.in_office_id,
    )


def places_with_digest() -> list[Place]:
    """Every office and every active workshop with a digest address, offices first (2 queries)."""
    offices = db.session.scalars(
        sa.select(Office).where(Office.digest_email != "").order_by(Office.id)
    )
    places = [office_place(office) for office in offices]
    rows = db.session.execute(
        sa.select(Workshop, Office.locale)
        .outerjoin(Office, Office.id == Workshop.in_office_id)
        .where(Workshop.digest_email != "", Workshop.active.is_(True))
        .order_by(Workshop.id)
    )
    places += [workshop_place(workshop, office_locale=locale) for workshop, locale in rows]
    return places


def queue(place: Place, event: Event, *, subject: str, body: str, day: date, now: datetime):
    """Queue a place's digest of `event` for `day`, once (see notifications.queue_digest)."""
    return notifications.queue_digest(
        event=event,
        to=place.email,
        locale=place.locale,
        subject=subject,
        body=body,
        key=f"{event.value}:{place.key}:{day.isoformat()}",
        now=now,
    )


# --- the low-stock digest ------------------------------------------------------------------


@dataclass(frozen=True)
class LowLine:
    sku: str
    name: str
    available: int
    minimum: int
    in_transit: int

    @property
    def to_order(self) -> int:
        return reorder_suggestion(Level(self.available, 0, self.in_transit), self.minimum)


def low_lines(location_ids: list[int]) -> dict[int, list[LowLine]]:
    """The parts below their minimum at each of the locations, by SKU (one query)."""
    if not location_ids:
        return {}
    rows = db.session.execute(
        sa.select(
            StockLevel.location_id,
            Part.sku,
            Part.name,
            StockLevel.on_hand - StockLevel.reserved,
            StockLevel.minimum,
            StockLevel.in_transit,
        )
        .join(Part, Part.id == StockLevel.part_id)
        .where(
            StockLevel.location_id.in_(location_ids),
            StockLevel.on_hand - StockLevel.reserved < StockLevel.minimum,
        )
        .order_by(StockLevel.location_id, Part.sku)
    )
    lines: dict[int, list[LowLine]] = defaultdict(list)
    for location_id, *figures in rows:
        lines[location_id].append(LowLine(*figures))
    return lines


def _low_stock_text(place: Place, lines: list[LowLine], link: str) -> tuple[str, str]:
    with force_locale(place.locale):
        subject = ngettext(
            "Low stock at %(place)s: %(num)d part",
            "Low stock at %(place)s: %(num)d parts",
            len(lines),
            place=place.name,
        )
        rows = [
            gettext(
                "%(sku)s %(name)s: %(available)d available, minimum %(minimum)d, "
                "on its way %(in_transit)d, order %(to_order)d",
                sku=line.sku,
                name=line.name,
                available=line.available,
                minimum=line.minimum,
                in_transit=line.in_transit,
                to_order=line.to_order,
            )
            for line in lines[:DIGEST_LINES]
        ]
        if len(lines) > DIGEST_LINES:
            rows.append(gettext("… and %(num)d more.", num=len(lines) - DIGEST_LINES))
        body = "\n".join(
            [
                gettext("These parts are below their minimum at %(place)s:", place=place.name),
                "",
                *rows,
                "",
                gettext("The list with reorder suggestions: %(link)s", link=link),
            ]
        )
    return subject, body


def queue_low_stock(*, now: datetime) -> str:
    """One digest per place with a digest address and parts below their minimum, once a day."""
    places = places_with_digest()
    locations = {
        ("office", office_id) if office_id else ("workshop", workshop_id): location_id
        for location_id, office_id, workshop_id in db.session.execute(
            sa.select(StockLocation.id, StockLocation.office_id, StockLocation.workshop_id)
        )
    }
    location_of = {place.key: locations.get((place.kind, place.id)) for place in places}
    lines = low_lines([id_ for id_ in location_of.values() if id_ is not None])
    day = local_date(now)
    queued = already = 0
    for place in places:
        location_id = location_of[place.key]
        if not lines.get(location_id):
            continue
        link = public_url("stock.low", location=location_id)
        subject, body = _low_stock_text(place, lines[location_id], link)
        if queue(place, Event.LOW_STOCK_DIGEST, subject=subject, body=body, day=day, now=now):
            queued += 1
        else:
            already += 1
    return f"low-stock digests: {queued} queued, {already} already sent today"
