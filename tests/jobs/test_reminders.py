"""The reminder jobs with a fixed `now`: pickup reminders after 3, 7 and 30 days, the notice
before disposal with its date, the survey after collection; each run twice changes nothing more."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from servicecenter import jobs
from servicecenter.domain.enums import OrderStatus
from servicecenter.domain.notifications import Channel, Event
from servicecenter.extensions import db as _db
from servicecenter.models import JobOutcome, NotificationRule, OrderReminder
from servicecenter.services import reminders

from ..notify_helpers import consenting, outbox

S = OrderStatus
# 10:00 in Moscow, when the job runs
NOW = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
TODAY = date(2026, 12, 1)


def ready_order(make, days: int = 0, *, at: datetime | None = None, **consent):
    """A ready order of a consenting customer, made ready `days` ago (or `at`)."""
    return make.order(
        S.READY, device=consenting(make, **consent), now=at or NOW - timedelta(days=days)
    )


def recorded(order) -> list[tuple[str, int, date | None]]:
    _db.session.expire_all()
    return _db.session.execute(
        sa.select(OrderReminder.kind, OrderReminder.messages, OrderReminder.disposal_from)
        .where(OrderReminder.order_id == order.id)
        .order_by(OrderReminder.id)
    ).all()


def job_messages(order, event=None) -> list[tuple[Event, Channel]]:
    rows = [row for row in outbox(order) if row.dedupe_key]  # the status changes' own aside
    return [(row.event, row.channel) for row in rows if event is None or row.event is event]


def run(job_id: str, now: datetime = NOW):
    record = jobs.run(jobs.get(job_id), now=now)
    assert record.outcome is JobOutcome.OK, record.summary
    return record


BOTH = [Channel.EMAIL, Channel.SMS]


def test_the_jobs_are_listed_with_their_daytime_schedules():
    assert jobs.get("pickup-reminders").schedule == {"hour": 10, "minute": 0}
    assert jobs.get("survey").schedule == {"hour": "9-20", "minute": 15}


@pytest.mark.parametrize(
    ("days", "kind"),
    [(2, None), (3, "pickup_3"), (7, "pickup_7"), (30, "pickup_30"), (60, "disposal_notice")],
)
def test_the_step_due_after_so_many_days(make, db, days, kind):
    order = ready_order(make, days)
    # the earlier steps went out on their days
    earlier = [step for step in ("pickup_3", "pickup_7", "pickup_30") if int(step[7:]) < days]
    for step in earlier:
        db.session.add(OrderReminder(order_id=order.id, kind=step, messages=2))
    db.session.commit()

    run("pickup-reminders")

    if kind is None:
        assert recorded(order) == [] and job_messages(order) == []
        return
    event = Event.DISPOSAL_NOTICE if kind == "disposal_notice" else Event.PICKUP_REMINDER
    disposal_from = TODAY + timedelta(days=60) if kind == "disposal_notice" else None
    assert recorded(order) == [(step, 2, None) for step in earlier] + [(kind, 2, disposal_from)]
    assert job_messages(order) == [(event, Channel.EMAIL), (event, Channel.SMS)]
    email = next(row for row in outbox(order) if row.event is event)
    assert f"{days} дн." in email.body  # Office A writes in Russian
    if disposal_from:
        assert "30 января 2027" in email.body  # the disposal day, in the office's language


def test_running_twice_with_the_same_now_changes_nothing(make, db):
    orders = [ready_order(make, days) for days in (3, 8, 31, 61)]
    first = run("pickup-reminders")
    after_first = [(recorded(order), job_messages(order)) for order in orders]

    second = run("pickup-reminders")

    assert [(recorded(order), job_messages(order)) for order in orders] == after_first
    assert "3 reminder(s), 1 notice(s)" in first.summary
    assert second.summary.startswith("pickup: 0 reminder(s), 0 notice(s)")


def test_a_daily_run_sends_each_step_on_its_day_and_once(make, db):
    order = ready_order(make, at=NOW)
    for day in range(0, 70):
        # the service, not jobs.run: the runner forgets runs a month older than its `now`
        reminders.send_pickup_reminders(now=NOW + timedelta(days=day))
        db.session.commit()
    assert [kind for kind, _messages, _day in recorded(order)] == [
        "pickup_3",
        "pickup_7",
        "pickup_30",
        "disposal_notice",
    ]
    events = [event for event, channel in job_messages(order) if channel is Channel.SMS]
    assert events == [Event.PICKUP_REMINDER] * 3 + [Event.DISPOSAL_NOTICE]


def test_missed_steps_give_one_message_and_are_recorded_as_skipped(make, db):
    order = ready_order(make, 31)  # e.g. ready before the feature existed

    record = run("pickup-reminders")

    assert recorded(order) == [("pickup_3", 0, None), ("pickup_7", 0, None), ("pickup_30", 2, None)]
    assert job_messages(order) == [(Event.PICKUP_REMINDER, c) for c in BOTH]
    assert record.summary.endswith("2 missed step(s) recorded as skipped")


def test_days_are_counted_by_the_offices_calendar(make, db):
    # 23:30 in Moscow three calendar days ago is less than 72 hours ago, and counts as 3 days
    late = ready_order(make, at=datetime(2026, 11, 28, 20, 30, tzinfo=UTC))
    # 02:30 in Moscow on the 29th: two days
    early = ready_order(make, at=datetime(2026, 11, 28, 23, 30, tzinfo=UTC))

    run("pickup-reminders")

    assert [kind for kind, *_ in recorded(late)] == ["pickup_3"]
    assert recorded(early) == []


def test_collected_and_other_orders_are_not_reminded(make, db):
    collected = make.order(S.COLLECTED, device=consenting(make), now=NOW - timedelta(days=10))
    repaired = make.order(S.REPAIRED, device=consenting(make), now=NOW - timedelta(days=10))
    run("pickup-reminders")
    assert recorded(collected) == recorded(repaired) == []
    assert job_messages(collected) == job_messages(repaired) == []


def test_no_consent_records_the_reminder_without_a_message(make, db):
    order = ready_order(make, 3, email=False, sms=False)
    record = run("pickup-reminders")
    assert recorded(order) == [("pickup_3", 0, None)]
    assert outbox(order) == []
    assert "1 with no channel (call them)" in record.summary
    run("pickup-reminders")
    assert recorded(order) == [("pickup_3", 0, None)]


def test_a_notice_without_a_message_gives_no_disposal_day(make, db):
    # without a written notice the device may not be disposed of: no day is recorded
    order = ready_order(make, 61, email=False, sms=False)
    run("pickup-reminders")
    assert recorded(order)[-1] == ("disposal_notice", 0, None)


def test_an_event_the_admin_disabled_is_recorded_with_no_message(make, db):
    for channel in Channel:
        db.session.add(
            NotificationRule(event=Event.PICKUP_REMINDER, channel=channel, enabled=False)
        )
    db.session.commit()
    order = ready_order(make, 3)

    run("pickup-reminders")

    assert recorded(order) == [("pickup_3", 0, None)]
    assert job_messages(order) == []


def test_one_disabled_channel_sends_on_the_other(make, db):
    db.session.add(
        NotificationRule(event=Event.PICKUP_REMINDER, channel=Channel.SMS, enabled=False)
    )
    db.session.commit()
    order = ready_order(make, 3)
    run("pickup-reminders")
    assert recorded(order) == [("pickup_3", 1, None)]
    assert job_messages(order) == [(Event.PICKUP_REMINDER, Channel.EMAIL)]


def test_a_step_recorded_meanwhile_is_not_sent_again(make, db):
    # another process recorded it between the candidates' query and the insert: the unique
    # (order_id, kind) constraint decides, and that process sends the messages
    order = ready_order(make, 3)
    db.session.add(OrderReminder(order_id=order.id, kind="pickup_3", messages=2))
    db.session.commit()
    assert reminders._record(order, "pickup_3", now=NOW) is False
    db.session.rollback()


def count_selects(db, table: str):
    statements = []

    def listen(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT") and f"FROM {table}" in statement:
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", listen)
    return statements, lambda: sa.event.remove(db.engine, "before_cursor_execute", listen)


@pytest.mark.parametrize("count", [1, 5])
def test_the_candidates_are_read_in_one_query_however_many(make, db, app, monkeypatch, count):
    monkeypatch.setitem(app.config, "REMINDER_BATCH_SIZE", 3)
    orders = [ready_order(make, 3) for _ in range(count)]
    db.session.expire_all()
    statements, stop = count_selects(db, "repair_orders")
    try:
        summary = reminders.send_pickup_reminders(now=NOW)
    finally:
        stop()
    db.session.commit()
    assert summary.startswith(f"pickup: {count} reminder(s)")
    assert all(recorded(order) == [("pickup_3", 2, None)] for order in orders)
    # one query per batch of 3 (a full batch asks once more), none per order
    assert len(statements) == {1: 1, 5: 2}[count]


# --- the survey ---------------------------------------------------------------------------

SURVEY_NOW = datetime(2026, 12, 1, 6, 15, tzinfo=UTC)  # 9:15 in Moscow, its first run of a day


def collected_order(make, at: datetime, **consent):
    return make.order(S.COLLECTED, device=consenting(make, **consent), now=at)


@pytest.mark.parametrize(
    ("hours_ago", "sent"), [(1, False), (2.9, False), (3, True), (47.9, True), (49, False)]
)
def test_the_survey_between_its_delay_and_window(make, db, hours_ago, sent):
    order = collected_order(make, SURVEY_NOW - timedelta(hours=hours_ago))
    run("survey", SURVEY_NOW)
    assert job_messages(order) == ([(Event.SURVEY, c) for c in BOTH] if sent else [])
    assert recorded(order) == ([("survey", 2, None)] if sent else [])


def test_collected_in_the_evening_is_surveyed_next_morning(make, db):
    # collected at 19:00 in Moscow: at the day's last run (20:15) too soon, at 9:15 next day due
    order = collected_order(make, datetime(2026, 11, 30, 16, 0, tzinfo=UTC))
    run("survey", datetime(2026, 11, 30, 17, 15, tzinfo=UTC))
    assert job_messages(order) == []
    run("survey", SURVEY_NOW)
    assert job_messages(order) == [(Event.SURVEY, c) for c in BOTH]


def test_the_survey_twice_with_the_same_now_changes_nothing(make, db):
    order = collected_order(make, SURVEY_NOW - timedelta(hours=5))
    first = run("survey", SURVEY_NOW)
    second = run("survey", SURVEY_NOW)
    run("survey", SURVEY_NOW + timedelta(hours=1))  # and the next hour's run
    assert job_messages(order) == [(Event.SURVEY, c) for c in BOTH]
    assert recorded(order) == [("survey", 2, None)]
    assert first.summary == "survey: 1 order(s), 2 message(s) queued, 0 with no channel"
    assert second.summary == "survey: 0 order(s), 0 message(s) queued, 0 with no channel"


def test_the_survey_links_to_the_feedback_page(make, db):
    order = collected_order(make, SURVEY_NOW - timedelta(hours=5))
    run("survey", SURVEY_NOW)
    sms = next(
        row for row in outbox(order) if row.event is Event.SURVEY and row.channel is Channel.SMS
    )
    assert sms.body.endswith(f"/s/{order.tracking_token}/feedback")


def test_no_consent_records_the_survey_without_a_message(make, db):
    order = collected_order(make, SURVEY_NOW - timedelta(hours=5), email=False, sms=False)
    first = run("survey", SURVEY_NOW)
    assert recorded(order) == [("survey", 0, None)]
    assert job_messages(order) == []
    assert first.summary.endswith("1 with no channel")


def test_ready_orders_get_no_survey(make, db):
    order = ready_order(make, at=SURVEY_NOW - timedelta(hours=5))
    run("survey", SURVEY_NOW)
    assert recorded(order) == []
