"""What the jobs tell a customer about an order, and when: the pickup reminders while a ready
device waits, the written notice before an unclaimed one may be disposed of, and the survey
after collection. Pure rules on local dates and UTC moments; the jobs record each kind once."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

DISPOSAL_NOTICE = "disposal_notice"
SURVEY = "survey"
_PICKUP_PREFIX = "pickup_"


def pickup_kind(days: int) -> str:
    """The recorded kind of the reminder sent after `days` days: "pickup_3"."""
    return f"{_PICKUP_PREFIX}{days}"


def pickup_days(kind: str) -> int | None:
    """The days of a pickup reminder's kind ("pickup_7" → 7); None for any other kind."""
    if kind.startswith(_PICKUP_PREFIX) and kind[len(_PICKUP_PREFIX) :].isdigit():
        return int(kind[len(_PICKUP_PREFIX) :])
    return None


@dataclass(frozen=True)
class PickupSchedule:
    """The reminders after so many days of waiting, then the notice; the notice gives the
    customer `disposal_wait_days` more before the device may be disposed of (the contract's
    item 5, Civil Code art. 738: two months after the written notice)."""

    reminder_days: tuple[int, ...] = (3, 7, 30)
    notice_after_days: int = 60
    disposal_wait_days: int = 60

    def __post_init__(self) -> None:
        days = (*self.reminder_days, self.notice_after_days)
        # a misordered setting would make a later step look earlier and skip the notice
        if any(a >= b for a, b in zip(days, days[1:], strict=False)) or days[0] < 1:
            raise ValueError(f"Reminder days must rise from 1 and end with the notice: {days}")
        if self.disposal_wait_days < 1:
            raise ValueError("The wait after the notice must be at least a day")

    @property
    def steps(self) -> tuple[tuple[str, int], ...]:
        """(kind, days of waiting) in the order they are due, the notice last."""
        return (
            *((pickup_kind(days), days) for days in self.reminder_days),
            (DISPOSAL_NOTICE, self.notice_after_days),
        )

    @property
    def first_days(self) -> int:
        return self.steps[0][1]


@dataclass(frozen=True)
class PickupDue:
    """The one step to send now, and the earlier ones passed meanwhile, recorded unsent."""

    kind: str
    days_waiting: int
    skipped: tuple[str, ...] = ()
    disposal_from: date | None = None  # the notice: the first day disposal may be possible

    @property
    def is_notice(self) -> bool:
        return self.kind == DISPOSAL_NOTICE


def pickup_due(
    ready_on: date, today: date, recorded: Collection[str], schedule: PickupSchedule
) -> PickupDue | None:
    """The step due for an order ready since `ready_on` (local date), or None.

    Only the latest step whose day has come is sent; earlier steps not recorded yet (the
    scheduler was down, or the order waited before this feature existed) come back as skipped,
    so a customer never gets several messages in one morning. Nothing is due once the latest
    passed step or any later one is recorded: reminders never go backwards.
    """
    days = (today - ready_on).days
    steps = schedule.steps
    passed = [index for index, (_kind, threshold) in enumerate(steps) if days >= threshold]
    if not passed:
        return None
    latest = passed[-1]
    if any(kind in recorded for kind, _days in steps[latest:]):
        return None
    kind = steps[latest][0]
    skipped = tuple(steps[index][0] for index in passed[:-1] if steps[index][0] not in recorded)
    disposal_from = (
        today + timedelta(days=schedule.disposal_wait_days) if kind == DISPOSAL_NOTICE else None
    )
    return PickupDue(kind, days, skipped, disposal_from)


def survey_bounds(now: datetime, *, delay: timedelta, window: timedelta):
    """The earliest and latest collection times whose survey goes out at `now` (both included).
    Raises ValueError when the window does not reach past the delay."""
    if window <= delay:
        raise ValueError("The survey window must be longer than its delay")
    return now - window, now - delay


def survey_due(
    collected_at: datetime, now: datetime, *, sent: bool, delay: timedelta, window: timedelta
) -> bool:
    """Whether the survey goes out now: collected at least `delay` and at most `window` ago,
    and not sent before. After the window it is not sent at all (nobody remembers a repair well
    enough to rate it days on)."""
    earliest, latest = survey_bounds(now, delay=delay, window=window)
    return not sent and earliest <= collected_at <= latest


def _rank(kind: str) -> float | None:
    """Where a pickup step comes in the schedule: its days, the notice last; None otherwise."""
    if kind == DISPOSAL_NOTICE:
        return float("inf")
    days = pickup_days(kind)
    return None if days is None else float(days)


def skipped_kinds(recorded: Mapping[str, tuple[datetime, int]]) -> set[str]:
    """Of the recorded steps {kind: (recorded at, messages)}, those recorded as skipped: without
    a message, at the same moment as a later step (a run records the passed steps together)."""
    skipped = set()
    for kind, (at, messages) in recorded.items():
        rank = _rank(kind)
        if messages or rank is None:
            continue
        if any(
            other_at == at and (_rank(other) or 0) > rank
            for other, (other_at, _messages) in recorded.items()
        ):
            skipped.add(kind)
    return skipped
