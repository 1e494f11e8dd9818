"""All-or-nothing service calls inside the request's transaction."""

from __future__ import annotations

import functools

from ..extensions import db


def atomic(function):
    """Run the service in a savepoint: when it raises, whatever it wrote is undone at once.

    The request's transaction stays open, so a refused change can re-render the page from a
    session that shows the data as it was, not half-changed.
    """

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with db.session.begin_nested():
            return function(*args, **kwargs)

    return wrapper
