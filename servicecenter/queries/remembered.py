"""Figures computed once for everyone for a short while, not once per request.

The dashboard's panels and the workshops' load shown at routing read thousands of orders to say
something that hardly changes within a minute. The first request computes them and keeps them in
the shared cache (extensions.cache: Redis in production, so every worker of every host reads the
same figures) with the moment they were computed, which the page shows.

A cache that cannot be reached is a miss, not an error: the figures are computed as if nothing
were kept, and the page is slower but right. Keys carry a fingerprint of the code that made the
figures (the query and domain modules, where their row types are), so that hosts running another
release never read each other's rows.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Generic, TypeVar

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from ..extensions import cache, db
from ..models._types import utcnow

log = logging.getLogger(__name__)

T = TypeVar("T")

_PACKAGE = Path(__file__).resolve().parent.parent
_RELEASE = hashlib.sha256(
    b"".join(
        path.read_bytes()
        for folder in ("queries", "domain")
        for path in sorted((_PACKAGE / folder).glob("*.py"))
    )
).hexdigest()[:12]


@dataclass(frozen=True)
class Remembered(Generic[T]):
    value: T
    computed_at: datetime


def remember(key: str, compute: Callable[[], T]) -> Remembered[T]:
    """What `key` holds if it was computed less than FIGURES_CACHE_SECONDS ago, else
    `compute()` kept under `key` for that long (0 seconds: computed every time)."""
    seconds = current_app.config["FIGURES_CACHE_SECONDS"]
    key = f"{_RELEASE}:{key}"
    if seconds > 0:
        try:
            found = cache.get(key)
        except Exception:  # noqa: BLE001 (any failure of the cache's server)
            log.warning("cache unreachable, computing %s", key, exc_info=True)
            found = None
        if isinstance(found, Remembered):
            return found
    made = Remembered(compute(), utcnow())
    if seconds > 0:
        try:
            cache.set(key, made, timeout=seconds)
        except Exception:  # noqa: BLE001
            log.warning("cache unreachable, %s not kept", key, exc_info=True)
    return made


def forget(*keys: str) -> None:
    """Drop what these keys hold (a change the figures must show at once)."""
    try:
        cache.delete_many(*(f"{_RELEASE}:{key}" for key in keys))
    except Exception:  # noqa: BLE001
        log.warning("cache unreachable, %s not forgotten", keys, exc_info=True)


_PENDING = "remembered.forget"


def forget_after_commit(*keys: str) -> None:
    """Forget these keys once the current transaction is committed: forgotten before, another
    request could read the data as it was and keep it again for a minute. (A transaction rolled
    back leaves them to the next commit, which forgets them for nothing: harmless.)"""
    db.session.info.setdefault(_PENDING, set()).update(keys)


@sa.event.listens_for(Session, "after_commit")
def _forget_committed(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: nothing is committed yet
        return
    keys = session.info.pop(_PENDING, None)
    if keys:
        forget(*keys)
