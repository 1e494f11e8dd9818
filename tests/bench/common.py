"""What the page benchmarks share: a scratch SQLite app, a logged-in client, timed requests."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from servicecenter import create_app
from servicecenter.extensions import db
from servicecenter.models import User

from ..conftest import IsolatedClient


def bench_app(database: Path, argv: list[str]) -> tuple[Flask, bool]:
    """An app on the scratch database, and whether it is reused (`--reuse`) or to be built."""
    reuse = "--reuse" in argv and database.exists()
    database.parent.mkdir(parents=True, exist_ok=True)
    if not reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}")
    # Each request in its own context, as on a real server (a login cached in `g` must not leak).
    app.test_client_class = IsolatedClient
    return app, reuse


def measure(client, url: str, runs: int) -> dict:
    response = client.get(url)  # warm-up (and a check that the page works)
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    timings.sort()
    return {
        "url": url,
        "rows": response.get_data(as_text=True).count("<tr id="),
        "runs": runs,
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[max(int(len(timings) * 0.95) - 1, 0)], 2),
    }


def log_in(client, username: str) -> None:
    user = db.session.scalars(sa.select(User).where(User.username == username)).one()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def report(rows: list[dict], *, page_width: int, with_url: bool = False) -> bool:
    """Print the table of measured pages against their targets; whether every one passed."""
    url_head = f"{'url':<34}" if with_url else ""
    print(f"{'page':<{page_width}}{url_head}{'median ms':>11}{'p95 ms':>10}{'target':>9}")
    passed = True
    for row in rows:
        ok = row["median_ms"] < row["target_ms"]
        passed &= ok
        url = f"{row['url']:<34}" if with_url else ""
        print(
            f"{row['page']:<{page_width}}{url}{row['median_ms']:>11}{row['p95_ms']:>10}"
            f"{'< ' + str(row['target_ms']):>9} {'PASS' if ok else 'FAIL'}"
        )
    return passed
