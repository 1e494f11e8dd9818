"""Reading pages in web tests: order numbers in lists, CSRF tokens, and a snapshot of every table
to prove that a refused request changed nothing."""

from __future__ import annotations

import re

import sqlalchemy as sa

from servicecenter.extensions import db

CSRF_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
ORDER_LINK = re.compile(r'class="order-number" href="/orders/[^"]+">([A-Z]{2,6}-\d{4}-\d{6})</a>')


def database_snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, to compare before and after a request that must change nothing."""
    db.session.rollback()
    snapshot = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(sa.select(table)).all()
        snapshot[table.name] = sorted(tuple(map(repr, row)) for row in rows)
    db.session.rollback()
    return snapshot


def order_numbers(response) -> list[str]:
    """The order numbers linked from a list page, in page order."""
    assert response.status_code == 200, response.status_code
    return ORDER_LINK.findall(response.get_data(as_text=True))


def csrf_token(client, path: str) -> str:
    match = CSRF_TOKEN.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


FIELD_MESSAGE = re.compile(r'<div class="invalid-feedback d-block">([^<]*)</div>')
FORM_CONTROL = re.compile(r"<(?:input|select|textarea)\b")


def field_messages(html: str, name: str) -> list[str]:
    """The error messages shown under the form field `name` (its last control, for radios)."""
    start = html.rfind(f'name="{name}"')
    assert start >= 0, f"no field {name} on the page"
    rest = html[start + len(name) + 7 :]
    following = FORM_CONTROL.search(rest)
    return FIELD_MESSAGE.findall(rest[: following.start()] if following else rest)


def alerts(html: str) -> list[str]:
    """The texts of the alert boxes at the top of the page (flashed messages, form errors)."""
    return [" ".join(text.split()) for text in ALERT.findall(html)]


ALERT = re.compile(
    r'<div class="alert alert-[a-z]+[^"]*" role="alert">(.*?)(?:<button|</div>)', re.S
)
