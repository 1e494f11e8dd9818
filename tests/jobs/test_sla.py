"""The daily SLA digest: one email per place with something on the watch, in its language, with
a link to the Deadlines page; run twice with the same `now`, it queues nothing more; delivered to
a real SMTP server."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, date, datetime, timedelta

import pytest
from babel.dates import format_date

from servicecenter import jobs
from servicecenter.domain.enums import OrderStatus
from servicecenter.domain.notifications import Event, State
from servicecenter.models import JobOutcome
from servicecenter.services.clock import local_date

from ..notify_helpers import outbox
from ..services.test_notification_dispatch import smtp_server  # noqa: F401 (a fixture)
from ..sla_helpers import dated, watched_orders

S = OrderStatus
NOW = datetime(2026, 12, 1, 4, 30, tzinfo=UTC)  # 07:30 in Moscow, when the job runs
TODAY = date(2026, 12, 1)  # local_date(NOW) in the testing zone, Europe/Moscow


@pytest.fixture
def places(make, db):
    """Office A and the remote workshop have digest addresses and orders on the watch; office B
    has orders but no address; the other partner has an address and nothing on the watch."""
    net = make.net
    net.office_a.digest_email = "office-a@example.com"
    net.office_a.locale = "en"
    net.remote.digest_email = "remote@example.com"
    net.other.digest_email = "other@example.com"
    db.session.commit()
    a = watched_orders(make, TODAY, office=net.office_a, workshop=net.remote)
    b = watched_orders(make, TODAY, office=net.office_b, workshop=net.remote)
    return a, b


def digests():
    return [n for n in outbox() if n.event is Event.SLA_DIGEST]


def test_the_fixed_now_is_the_fixed_day(db):
    assert local_date(NOW) == TODAY


def test_the_job_is_listed_daily_at_half_past_seven():
    job = jobs.get("sla-digest")
    assert job is not None and job.trigger == "cron"
    assert job.schedule == {"hour": 7, "minute": 30}


def test_one_digest_per_place_and_none_the_second_time(db, places):
    first = jobs.run(jobs.get("sla-digest"), now=NOW)
    queued = [(n.recipient, n.dedupe_key) for n in digests()]
    second = jobs.run(jobs.get("sla-digest"), now=NOW)

    assert first.outcome is second.outcome is JobOutcome.OK
    net_office, net_remote = places[0].overdue.office_id, places[0].overdue.workshop_id
    assert queued == [
        ("office-a@example.com", f"sla_digest:office:{net_office}:{TODAY.isoformat()}"),
        ("remote@example.com", f"sla_digest:workshop:{net_remote}:{TODAY.isoformat()}"),
    ]
    assert first.summary == "Queued 2 SLA digest(s): office Office A, workshop Remote Partner."
    assert second.summary == "Queued 0 SLA digest(s). 2 already queued today."
    assert [(n.recipient, n.dedupe_key) for n in digests()] == queued
    # a later run the same day (another worker, a restart) queues nothing either
    jobs.run(jobs.get("sla-digest"), now=NOW + timedelta(hours=10))
    assert len(digests()) == 2


def test_the_next_day_has_a_digest_of_its_own(db, places):
    jobs.run(jobs.get("sla-digest"), now=NOW)
    jobs.run(jobs.get("sla-digest"), now=NOW + timedelta(days=1))
    assert len(digests()) == 4


def test_the_digest_lists_each_watch_with_days_and_the_penalty(db, places):
    a, b = places
    jobs.run(jobs.get("sla-digest"), now=NOW)
    office, workshop = digests()

    assert office.locale == "en" and office.state is State.QUEUED
    assert office.order_id is None and office.customer_id is None
    assert office.subject.startswith("Deadlines ")
    assert "2 overdue, 1 due within a day, 2 at the legal limit" in office.subject
    body = office.body
    assert (
        "Overdue: 2" in body and "Due within a day: 1" in body and "45-day legal limit: 2" in body
    )
    for order in a.on_watch:
        assert order.number in body
    # office B's orders are not office A's business; the remote workshop sees both offices'
    assert not any(order.number in body for order in b.on_watch)
    assert all(order.number in workshop.body for order in a.on_watch + b.on_watch)
    assert a.ready_late.number not in body and a.calm.number not in body
    line = next(
        line for line in body.splitlines() if a.legal_passed.number in line and "limit" in line
    )
    assert "days late: 3" in line and "900.00" in line and "1%/day × 3" in line
    overdue = next(line for line in body.splitlines() if a.overdue.number in line)
    assert "days late: 3" in overdue and "450.00" in overdue
    assert f"http://127.0.0.1:5000/deadlines?office={a.overdue.office_id}" in body
    assert f"/deadlines?workshop={a.overdue.workshop_id}" in workshop.body


def test_each_place_writes_in_its_language(db, make, places, app):
    net = make.net
    net.office_a.locale = "ru"
    db.session.commit()
    jobs.run(jobs.get("sla-digest"), now=NOW)
    office, workshop = digests()
    assert office.locale == "ru"
    assert format_date(TODAY, "medium", locale="ru") in office.body
    assert "В ремонте" in office.body  # the status label in Russian
    # a workshop of its own has no office: the network's default language
    assert workshop.locale == app.config["BABEL_DEFAULT_LOCALE"] == "en"
    assert "In repair" in workshop.body


def test_a_workshop_in_an_office_writes_in_that_offices_language(db, make):
    net = make.net
    net.in_office.digest_email = "bench@example.com"
    net.office_a.locale = "ru"
    db.session.commit()
    order = make.order(S.IN_REPAIR, workshop=net.in_office)
    dated(order, received=TODAY - timedelta(days=9), promised=TODAY - timedelta(days=2))
    jobs.run(jobs.get("sla-digest"), now=NOW)
    (digest,) = digests()
    assert digest.recipient == "bench@example.com" and digest.locale == "ru"


def test_places_without_an_address_or_without_anything_late_get_nothing(db, make):
    net = make.net
    net.other.digest_email = "other@example.com"
    net.office_b.digest_email = ""
    db.session.commit()
    watched_orders(make, TODAY, office=net.office_b, workshop=net.remote)
    calm = make.order(S.IN_REPAIR, workshop=net.other)
    dated(calm, received=TODAY, promised=TODAY + timedelta(days=5))
    record = jobs.run(jobs.get("sla-digest"), now=NOW)
    assert record.summary == "Queued 0 SLA digest(s)."
    assert digests() == []


def test_the_digest_reaches_a_real_smtp_server(db, places, smtp_server):  # noqa: F811
    jobs.run(jobs.get("sla-digest"), now=NOW)
    jobs.run(jobs.get("dispatch-notifications"), now=NOW)
    jobs.run(jobs.get("sla-digest"), now=NOW)
    jobs.run(jobs.get("dispatch-notifications"), now=NOW)

    assert sorted(e.rcpt_tos[0] for e in smtp_server.envelopes) == [
        "office-a@example.com",
        "remote@example.com",
    ]
    message = email.message_from_bytes(
        next(e for e in smtp_server.envelopes if e.rcpt_tos == ["office-a@example.com"]).content,
        policy=email.policy.default,
    )
    assert message["Subject"].startswith("Deadlines ")
    text = message.get_body(("plain",)).get_content()
    assert places[0].legal_passed.number in text and "/deadlines?office=" in text
    assert {n.state for n in digests()} == {State.SENT}
