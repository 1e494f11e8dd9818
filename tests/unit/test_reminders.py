"""The reminder rules: which pickup step is due after so many days, missed steps skipped, the
notice's disposal day, and the survey's delay and window."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from servicecenter.domain.reminders import (
    DISPOSAL_NOTICE,
    PickupSchedule,
    pickup_days,
    pickup_due,
    pickup_kind,
    skipped_kinds,
    survey_due,
)

PLAN = PickupSchedule(reminder_days=(3, 7, 30), notice_after_days=60, disposal_wait_days=60)
READY = date(2026, 10, 1)


def due_after(days: int, recorded=()):
    return pickup_due(READY, READY + timedelta(days=days), set(recorded), PLAN)


@pytest.mark.parametrize(
    ("days", "kind"),
    [(0, None), (2, None), (3, "pickup_3"), (6, "pickup_3"), (7, "pickup_7"), (29, "pickup_7")]
    + [(30, "pickup_30"), (59, "pickup_30"), (60, DISPOSAL_NOTICE), (400, DISPOSAL_NOTICE)],
)
def test_the_latest_step_reached_is_due(days, kind):
    due = due_after(days)
    assert (due.kind if due else None) == kind
    if due:
        assert due.days_waiting == days


def test_each_step_is_due_once_in_turn():
    recorded = set()
    sent = []
    for days in range(0, 130):
        due = due_after(days, recorded)
        if due:
            assert due.skipped == ()  # a run every day misses nothing
            recorded.add(due.kind)
            sent.append((days, due.kind))
    assert sent == [(3, "pickup_3"), (7, "pickup_7"), (30, "pickup_30"), (60, DISPOSAL_NOTICE)]


def test_missed_steps_are_skipped_and_only_the_latest_is_sent():
    due = due_after(31)
    assert (due.kind, due.skipped) == ("pickup_30", ("pickup_3", "pickup_7"))
    due = due_after(31, {"pickup_3"})
    assert (due.kind, due.skipped) == ("pickup_30", ("pickup_7",))
    due = due_after(75)
    assert (due.kind, due.skipped) == (DISPOSAL_NOTICE, ("pickup_3", "pickup_7", "pickup_30"))


def test_nothing_goes_backwards_once_a_later_step_is_recorded():
    # e.g. the order was made ready again: its earlier steps are not repeated
    assert due_after(8, {"pickup_30"}) is None
    assert due_after(61, {DISPOSAL_NOTICE}) is None


def test_the_notice_gives_the_disposal_day_counted_from_the_notice():
    due = due_after(64, {"pickup_3", "pickup_7", "pickup_30"})
    assert due.is_notice
    assert due.disposal_from == READY + timedelta(days=64 + 60)
    assert due_after(30).disposal_from is None


def test_kind_names():
    assert pickup_kind(7) == "pickup_7"
    assert pickup_days("pickup_30") == 30
    assert pickup_days(DISPOSAL_NOTICE) is None
    assert pickup_days("pickup_x") is None


@pytest.mark.parametrize(
    "arguments",
    [
        {"reminder_days": (7, 3)},
        {"reminder_days": (3, 7, 60)},  # the notice must come after every reminder
        {"reminder_days": (0, 7)},
        {"disposal_wait_days": 0},
    ],
)
def test_a_misordered_schedule_is_refused(arguments):
    with pytest.raises(ValueError, match="must"):
        PickupSchedule(**arguments)


def test_skipped_steps_are_told_apart_from_unsent_ones():
    morning = datetime(2026, 11, 1, 7, 0, tzinfo=UTC)
    later = morning + timedelta(days=30)
    recorded = {
        "pickup_3": (morning, 0),  # recorded with pickup_7: skipped
        "pickup_7": (morning, 0),  # the one due then, with no channel to send on: not skipped
        "pickup_30": (later, 1),
    }
    assert skipped_kinds(recorded) == {"pickup_3"}
    # the survey is no pickup step
    assert skipped_kinds({"survey": (morning, 0), "pickup_3": (morning, 0)}) == set()


NOW = datetime(2026, 11, 2, 6, 15, tzinfo=UTC)
DELAY, WINDOW = timedelta(hours=3), timedelta(hours=48)


@pytest.mark.parametrize(
    ("hours_ago", "due"),
    [(0, False), (2.9, False), (3, True), (14, True), (48, True), (48.1, False), (100, False)],
)
def test_the_survey_goes_out_between_the_delay_and_the_window(hours_ago, due):
    collected = NOW - timedelta(hours=hours_ago)
    assert survey_due(collected, NOW, sent=False, delay=DELAY, window=WINDOW) is due


def test_the_survey_goes_out_once():
    collected = NOW - timedelta(hours=5)
    assert survey_due(collected, NOW, sent=True, delay=DELAY, window=WINDOW) is False


def test_a_survey_window_shorter_than_its_delay_is_refused():
    with pytest.raises(ValueError, match="longer than its delay"):
        survey_due(NOW, NOW, sent=False, delay=WINDOW, window=DELAY)
