"""Template filters and globals: money, local dates, labels of domain values."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, current_app
from flask_babel import format_currency, format_date, format_datetime, get_locale

from .. import labels
from ..domain.money import to_decimal


def money(minor: int | None) -> str:
    """An amount with the currency after it, as both English and Russian counters write it:
    `1,500.00 RUB`, `1 500,00 ₽`."""
    if minor is None:
        return "—"
    return format_currency(
        to_decimal(minor), current_app.config["CURRENCY"], format="#,##0.00\u00a0¤"
    )


def local_date(value: date | datetime | None, style: str = "medium") -> str:
    if value is None:
        return "—"
    return format_date(value, style)


def local_datetime(value: datetime | None, style: str = "short") -> str:
    return "—" if value is None else format_datetime(value, style)


def register(app: Flask) -> None:
    app.add_template_filter(money)
    app.add_template_filter(local_date, "date")
    app.add_template_filter(local_datetime, "datetime")
    app.add_template_global(labels, "labels")
    app.add_template_global(get_locale)
    app.jinja_env.add_extension("jinja2.ext.do")
