"""Signs of life of the processes using the database, so `restore` can refuse while one serves.

Each web worker touches `<HEARTBEAT_DIR>/web-<pid>` on a request (at most every
HEARTBEAT_SECONDS) and the scheduler touches `scheduler-<pid>` on a timer. A file younger than
RESTORE_QUIET_SECONDS means someone is working with the database. An idle web server that has
answered no request for that long leaves no sign: this catches the usual mistake, it is no proof.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, current_app

_last_touch: dict[str, float] = {}


def directory(app: Flask | None = None) -> Path:
    app = app or current_app
    return Path(app.config["HEARTBEAT_DIR"] or Path(app.instance_path) / "heartbeats")


def touch(role: str, *, app: Flask | None = None) -> None:
    """Say that this process (`web` or `scheduler`) is alive now."""
    app = app or current_app
    interval = app.config["HEARTBEAT_SECONDS"]
    if not interval:
        return
    path = directory(app) / f"{role}-{os.getpid()}"
    # monotonic, so a clock change cannot silence the heartbeat for hours
    if time.monotonic() - _last_touch.get(str(path), float("-inf")) < interval:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    _last_touch[str(path)] = time.monotonic()


def forget(role: str, *, app: Flask | None = None) -> None:
    """Remove this process's file on a clean stop (a crash leaves it to grow old)."""
    path = directory(app) / f"{role}-{os.getpid()}"
    _last_touch.pop(str(path), None)
    path.unlink(missing_ok=True)


def recent(*, now: datetime | None = None) -> list[str]:
    """The processes that showed life within RESTORE_QUIET_SECONDS, e.g. ['web-1234']."""
    folder = directory()
    if not folder.is_dir():
        return []
    moment = (now or datetime.now(UTC)).timestamp()
    quiet = current_app.config["RESTORE_QUIET_SECONDS"]
    return sorted(
        path.name
        for path in folder.iterdir()
        if path.is_file() and moment - path.stat().st_mtime < quiet
    )


def sweep(*, now: datetime | None = None, max_age_seconds: int = 86_400) -> int:
    """Delete the files of processes silent for a day (workers that crashed or were replaced:
    gunicorn restarts them under new pids). Returns how many went."""
    folder = directory()
    if not folder.is_dir():
        return 0
    moment = (now or datetime.now(UTC)).timestamp()
    removed = 0
    for path in folder.iterdir():
        if path.is_file() and moment - path.stat().st_mtime > max_age_seconds:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def register(app: Flask) -> None:
    """Web workers touch their heartbeat on requests (only SQLite can be restored, so only it)."""
    if not (app.config["SQLALCHEMY_DATABASE_URI"] or "").startswith("sqlite"):
        return

    @app.before_request
    def _alive() -> None:
        touch("web")
