"""The low-stock digest: one mail a day to each place's manager address listing the parts below
their minimum there; nothing for a place without an address or without low parts."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from servicecenter import jobs
from servicecenter.domain.enums import WorkshopKind
from servicecenter.domain.notifications import Channel, Event, State
from servicecenter.models import JobOutcome, Notification, Part, Workshop
from servicecenter.services import digests, notifications, stock
from tests.services.test_notification_dispatch import smtp_server  # noqa: F401 (a fixture)
from tests.web.test_health_and_lists import counting_queries

NOW = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)  # 07:00 in Moscow


def digests_sent(db) -> list[Notification]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(Notification)
            .where(Notification.event == Event.LOW_STOCK_DIGEST)
            .order_by(Notification.id)
        )
    )


@pytest.fixture
def low_at_remote(app, make, db, monkeypatch):
    """Two parts at the partner workshop, one below its minimum; the workshop has an address.
    The network writes Russian: the workshop sits in no office, so its digest is in that."""
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "ru")
    display = Part(sku="LCD-1", name="Display", unit_cost=10_000)
    battery = Part(sku="BAT-1", name="Battery", unit_cost=2_000)
    db.session.add_all([display, battery])
    db.session.flush()
    remote = stock.location_for(workshop=make.net.remote)
    stock.receive(display, remote, 1, actor=make.net.manager)
    stock.receive(battery, remote, 9, actor=make.net.manager)
    stock.set_minimum(display, remote, 3, actor=make.net.manager)
    stock.set_minimum(battery, remote, 3, actor=make.net.manager)
    make.net.remote.digest_email = "fixpro-manager@example.com"
    db.session.commit()
    return remote


def test_the_digest_lists_the_low_parts_once_a_day(make, db, low_at_remote):
    job = jobs.get("low-stock-digest")
    first = jobs.run(job, now=NOW)
    second = jobs.run(job, now=NOW + timedelta(hours=1))

    assert first.outcome is second.outcome is JobOutcome.OK
    (mail,) = digests_sent(db)
    assert first.summary == "low-stock digests: 1 queued, 0 already sent today"
    assert second.summary == "low-stock digests: 0 queued, 1 already sent today"
    assert (mail.recipient, mail.channel, mail.state) == (
        "fixpro-manager@example.com",
        Channel.EMAIL,
        State.QUEUED,
    )
    assert mail.order_id is None and mail.customer_id is None
    # the partner workshop is in no office: it writes in the network's language
    assert mail.locale == "ru"
    assert mail.subject == "Мало запчастей — Remote Partner: 1 позиция"
    assert "LCD-1 Display: доступно 1, минимум 3, в пути 0, заказать 5" in mail.body
    assert "BAT-1" not in mail.body
    assert f"http://127.0.0.1:5000/stock/low?location={low_at_remote.id}" in mail.body


def test_the_next_day_brings_a_new_digest(make, db, low_at_remote):
    job = jobs.get("low-stock-digest")
    jobs.run(job, now=NOW)
    jobs.run(job, now=NOW + timedelta(days=1))
    assert len(digests_sent(db)) == 2


def test_no_address_or_nothing_low_sends_nothing(make, db, low_at_remote):
    office_location = stock.location_for(office=make.net.office_a)
    make.net.office_a.digest_email = "office-manager@example.com"  # nothing low there
    make.net.remote.digest_email = ""  # low parts, but nobody to tell
    db.session.commit()
    assert office_location.id != low_at_remote.id

    record = jobs.run(jobs.get("low-stock-digest"), now=NOW)

    assert record.summary == "low-stock digests: 0 queued, 0 already sent today"
    assert digests_sent(db) == []


def test_an_office_digest_is_in_the_offices_language(make, db):
    part = Part(sku="SCR-9", name="Screw", unit_cost=10)
    db.session.add(part)
    db.session.flush()
    office = make.net.office_a
    office.locale = "en"
    office.digest_email = "desk@example.com"
    stock.set_minimum(part, stock.location_for(office=office), 10, actor=make.net.admin)
    db.session.commit()

    jobs.run(jobs.get("low-stock-digest"), now=NOW)

    (mail,) = digests_sent(db)
    assert mail.subject == f"Low stock at {office.name}: 1 part"
    assert "SCR-9 Screw: 0 available, minimum 10, on its way 0, order 20" in mail.body


def test_the_digest_is_mailed_through_smtp(app, make, db, low_at_remote, smtp_server):  # noqa: F811
    jobs.run(jobs.get("low-stock-digest"), now=NOW)
    notifications.dispatch_due(now=NOW)
    (envelope,) = smtp_server.envelopes
    assert envelope.rcpt_tos == ["fixpro-manager@example.com"]
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert message["Subject"] == "Мало запчастей — Remote Partner: 1 позиция"
    assert "LCD-1 Display" in message.get_content()


def test_a_long_list_is_cut_with_a_count(app, make, db, monkeypatch):
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "ru")
    monkeypatch.setattr(digests, "DIGEST_LINES", 2)
    parts = [Part(sku=f"P-{n}", name=f"Part {n}", unit_cost=1) for n in range(5)]
    db.session.add_all(parts)
    db.session.flush()
    remote = stock.location_for(workshop=make.net.remote)
    for part in parts:
        stock.set_minimum(part, remote, 1, actor=make.net.manager)
    make.net.remote.digest_email = "m@example.com"
    db.session.commit()

    jobs.run(jobs.get("low-stock-digest"), now=NOW)

    (mail,) = digests_sent(db)
    assert "P-0" in mail.body and "P-1" in mail.body and "P-2" not in mail.body
    assert "… и ещё 3." in mail.body


def add_workshops(db, names):
    for name in names:
        workshop = Workshop(name=name, kind=WorkshopKind.OWN, digest_email=f"{name}@example.com")
        db.session.add(workshop)
        db.session.flush()
        stock.location_for(workshop=workshop)
    db.session.commit()


def test_the_places_are_read_in_a_fixed_number_of_queries(make, db, low_at_remote):
    add_workshops(db, ["w1", "w2"])
    with counting_queries(db) as few:
        digests.queue_low_stock(now=NOW)
    add_workshops(db, ["w3", "w4", "w5", "w6"])
    with counting_queries(db) as more:
        digests.queue_low_stock(now=NOW + timedelta(days=1))
    assert len(more) == len(few)  # a place without low parts costs no query of its own
