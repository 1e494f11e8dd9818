"""The network's local calendar: promised dates are local dates, stored times are UTC."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from ..models._types import utcnow


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_date(moment: datetime | None = None) -> date:
    """The calendar day at the network's offices for a UTC moment (now by default)."""
    return (moment or utcnow()).astimezone(local_zone()).date()
