"""Template filters and globals: money, local dates, labels of domain values."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache, lru_cache

from babel import dates
from flask import Flask, current_app
from flask_babel import format_currency, format_datetime, get_locale, to_user_timezone
from flask_babel.speaklater import LazyString

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
    """A date (or a moment's date where the user is) in the user's language. A list prints a
    hundred of them over a few distinct days, so each day's words are made once."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = to_user_timezone(value).date()
    return _date_words(value, style, str(get_locale()))


@lru_cache(maxsize=4096)
def _date_words(day: date, style: str, locale: str) -> str:
    return dates.format_date(day, style, locale=locale)


def local_datetime(value: datetime | None, style: str = "short") -> str:
    return "—" if value is None else format_datetime(value, style)


class _Labels:
    """`labels` in templates: the module's mappings with their words already in the request's
    language. A lazy string is translated again each time it is printed, which in a 50-row list
    was most of the labels' cost; the words only change with a deployment, so each mapping is
    translated once per process and language."""

    def __getattr__(self, name: str):
        value = getattr(labels, name)
        if isinstance(value, dict):
            return _translated(name, str(get_locale()))
        return value


@cache
def _translated(name: str, locale: str) -> dict:
    # called while `locale` is the current one, so str() gives that language's words
    return {
        key: str(words) if isinstance(words, LazyString) else words
        for key, words in getattr(labels, name).items()
    }


def register(app: Flask) -> None:
    app.add_template_filter(money)
    app.add_template_filter(local_date, "date")
    app.add_template_filter(local_datetime, "datetime")
    app.add_template_global(_Labels(), "labels")
    app.add_template_global(get_locale)
    app.jinja_env.add_extension("jinja2.ext.do")
