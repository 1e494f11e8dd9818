"""Reading what the reminder jobs recorded on an order, for its page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ..domain.reminders import DISPOSAL_NOTICE, pickup_days, skipped_kinds
from ..models import OrderReminder


@dataclass(frozen=True)
class RecordedReminder:
    kind: str
    created_at: datetime
    messages: int
    disposal_from: date | None
    # passed while the job did not run: recorded with the later step, deliberately unsent
    skipped: bool

    @property
    def is_notice(self) -> bool:
        return self.kind == DISPOSAL_NOTICE

    @property
    def pickup_days(self) -> int | None:
        return pickup_days(self.kind)


def recorded(rows: list[OrderReminder]) -> list[RecordedReminder]:
    """An order's reminder rows (loaded with it, oldest first) as the page shows them."""
    skipped = skipped_kinds({row.kind: (row.created_at, row.messages) for row in rows})
    return [
        RecordedReminder(
            row.kind, row.created_at, row.messages, row.disposal_from, row.kind in skipped
        )
        for row in rows
    ]


def disposal_notice(reminders: list[RecordedReminder]) -> RecordedReminder | None:
    """The notice among them, if one was sent (it has the day disposal becomes possible)."""
    return next((r for r in reminders if r.is_notice and r.disposal_from is not None), None)
