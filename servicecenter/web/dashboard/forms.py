"""Reading the dashboard's filter from the address: anything malformed is dropped with a word."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from flask_babel import gettext

from ...domain.enums import DeviceCategory
from ...queries.dashboard import MAX_DAYS, Choices, DashboardFilter, default_filter

ID_FIELDS = {"office": "office_id", "workshop": "workshop_id", "technician": "technician_id"}


def _day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if len(raw) == 10 else None
    except ValueError:
        return None


def parse_filter(args, choices: Choices, *, today: date) -> tuple[DashboardFilter, list[str]]:
    """The filter the address asks for, and what was ignored in it and why.

    Ids must be among the user's choices (another workshop's id is no filter of theirs); the
    period must be real days in order, at most MAX_DAYS long; a missing bound is filled in.
    """
    problems: list[str] = []
    filters = default_filter(today)
    raw_start, raw_end = args.get("start", "").strip(), args.get("end", "").strip()
    start, end = _day(raw_start), _day(raw_end)
    for raw, parsed in ((raw_start, start), (raw_end, end)):
        if raw and parsed is None:
            problems.append(gettext("“%(value)s” is not a date (YYYY-MM-DD).", value=raw[:20]))
    if start and end and start > end:
        problems.append(gettext("The period ends before it starts: showing the last 30 days."))
        start = end = None
    if start or end:
        end = end or (max(today, start) if start else today)
        start = start or end - timedelta(days=filters.days - 1)
        if (end - start).days + 1 > MAX_DAYS:
            problems.append(gettext("A period is at most two years: showing its last two years."))
            start = end - timedelta(days=MAX_DAYS - 1)
        filters = replace(filters, start=start, end=end)
    allowed = {
        "office": {id for id, _name in choices.offices},
        "workshop": {id for id, _name in choices.workshops},
        "technician": {id for id, _name in choices.technicians},
    }
    for name, attribute in ID_FIELDS.items():
        raw = args.get(name, "").strip()
        if not raw:
            continue
        value = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None
        if value in allowed[name]:
            filters = replace(filters, **{attribute: value})
        else:
            problems.append(gettext("No such choice “%(value)s”: filter ignored.", value=raw[:20]))
    raw = args.get("category", "").strip()
    if raw:
        if raw in {category.value for category in DeviceCategory}:
            filters = replace(filters, category=DeviceCategory(raw))
        else:
            problems.append(gettext("No such choice “%(value)s”: filter ignored.", value=raw[:20]))
    return filters, problems


def filter_args(filters: DashboardFilter) -> dict[str, str]:
    """The filter as address parameters (for the CSV links and the form's values)."""
    args = {"start": filters.start.isoformat(), "end": filters.end.isoformat()}
    for name, attribute in ID_FIELDS.items():
        value = getattr(filters, attribute)
        if value is not None:
            args[name] = str(value)
    if filters.category is not None:
        args["category"] = filters.category.value
    return args
