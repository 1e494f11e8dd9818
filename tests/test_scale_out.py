"""Two app hosts behind one PostgreSQL and one Redis, as the README's production deployment runs
them: each host is gunicorn with deploy/gunicorn.conf.py and the production configuration, the
schema comes from `flask db upgrade` (the release step). Rate limits hold across the hosts, an
order taken on one is seen on the other (numbers stay unique when both take orders at once),
a session signed on one host is good on the other, a job started on both runs once, and the
dashboard's figures computed on one host are what the other shows.

PostgreSQL and Redis only (`make test-pg`); on SQLite the test is skipped.
"""

from __future__ import annotations

import concurrent.futures
import http.client
import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from servicecenter import create_app
from servicecenter.domain.enums import OrderStatus
from servicecenter.extensions import db
from servicecenter.models import JobOutcome, JobRun, Notification, OrderReminder, RepairOrder
from servicecenter.models._types import utcnow

from .databases import scratch_database
from .factories import PASSWORD, Factory
from .http_client import Browser
from .local_redis import REDIS_URL, redis_answers
from .notify_helpers import consenting

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RUN_PREFIX = f"scale-out-{secrets.token_hex(4)}:"


pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql") or not redis_answers(),
    reason="several hosts need PostgreSQL (TEST_DATABASE_URL) and Redis on 127.0.0.1:6379",
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Hosts:
    ports: tuple[int, int]
    environment: dict[str, str]
    url: str
    app: object
    ids: dict[str, int]


def _environment(url: str, port: int | None = None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "TEST_DATABASE_URL"}
    env.update(
        SERVICECENTER_CONFIG="production",
        SECRET_KEY="scale-out-test-" + "x" * 40,  # the same on every host
        DATABASE_URL=url,
        RATELIMIT_STORAGE_URI=REDIS_URL,
        CACHE_REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=RUN_PREFIX,  # figures kept by earlier runs stay apart
        PUBLIC_BASE_URL="https://service.example.com",
        TRUSTED_PROXIES="1",
        WEB_CONCURRENCY="2",
        PYTHONPATH=str(ROOT),
    )
    if port is not None:
        env["BIND"] = f"127.0.0.1:{port}"
    return env


def _wait_until_up(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, server.stderr.read().decode()[-3000:]
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)  # a server starting, not a timing assumption of the test
    raise AssertionError(f"host on port {port} did not come up")


@pytest.fixture(scope="module")
def hosts(tmp_path_factory):
    with scratch_database(tmp_path_factory.mktemp("scale_out"), "scaleout") as url:
        release = subprocess.run(
            [str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"],
            cwd=ROOT,
            env=_environment(url),
            capture_output=True,
            text=True,
        )
        assert release.returncode == 0, release.stderr
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            make = Factory()
            net = make.network()
            devices = [make.device(make.customer(phone=f"+7916555{n:04d}")) for n in range(9)]
            waiting = make.order(
                OrderStatus.READY,
                device=consenting(make),
                now=utcnow() - timedelta(days=4),  # due its 3-day pickup reminder
            )
            ids = {
                "remote": net.remote.id,
                "waiting": waiting.id,
                **{f"device{n}": device.id for n, device in enumerate(devices)},
                **{f"customer{n}": device.customer_id for n, device in enumerate(devices)},
            }
            db.session.commit()
        ports = (_free_port(), _free_port())
        servers = [
            subprocess.Popen(
                [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "wsgi:app"],
                cwd=ROOT,
                env=_environment(url, port),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            for port in ports
        ]
        try:
            for port, server in zip(ports, servers, strict=True):
                _wait_until_up(port, server)
            yield Hosts(ports, _environment(url), url, app, ids)
        finally:
            for server in servers:
                server.terminate()
            for server in servers:
                server.wait(timeout=30)
            with app.app_context():
                db.engine.dispose()


def _someone() -> str:
    # A documentation address of its own per run: the Redis counters of earlier runs stay apart.
    return f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}"


def test_the_login_limit_counts_the_attempts_made_on_both_hosts(hosts):
    intruder = Browser(_someone())
    a, b = hosts.ports
    codes = [intruder.log_in(port, "reception_a", "wrong password") for port in (a, b) * 5]
    assert codes == [422] * 10  # ten wrong passwords, five on each host: refused
    assert intruder.log_in(a, "reception_a", "wrong password") == 429
    # even the right password, on the other host; another address is not blocked
    assert intruder.log_in(b, "reception_a", PASSWORD) == 429
    assert Browser(_someone()).log_in(b, "reception_a", PASSWORD) == 302


def test_the_status_limit_holds_across_hosts(hosts):
    guesser = Browser(_someone())
    a, b = hosts.ports
    codes = [guesser.request((a, b)[n % 2], "GET", f"/s/guess{n}")[0] for n in range(31)]
    assert codes == [404] * 30 + [429]  # 30 a minute in all, not 30 on each host


def _order_form(browser: Browser, port: int, workshop: int) -> dict:
    return {
        "csrf_token": browser.token(port, "/intake"),
        "kind": "paid",
        "workshop_id": str(workshop),
        "complaint": "No sound",
        "condition": "Scratches",
        "prepayment_method": "cash",
    }


def test_orders_taken_on_both_hosts_at_once_are_one_list(hosts):
    a, b = hosts.ports
    desk = Browser(_someone())
    assert desk.log_in(a, "reception_a", PASSWORD) == 302
    # the session cookie signed by host A is good on host B (one SECRET_KEY, no local state)
    assert desk.request(b, "GET", "/orders")[0] == 200

    def take(n: int) -> str:
        port = (a, b)[n % 2]
        customer, device = hosts.ids[f"customer{n}"], hosts.ids[f"device{n}"]
        path = f"/intake/customers/{customer}/devices/{device}/orders"
        form = _order_form(desk, port, hosts.ids["remote"])
        status, location, page, _headers = desk.request(port, "POST", path, form)
        assert status == 302, page[-2000:]
        return location.rsplit("/", 1)[-1]

    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        numbers = list(pool.map(take, range(8)))
    assert len(set(numbers)) == 8  # no number given twice
    sequences = sorted(int(number.rsplit("-", 1)[-1]) for number in numbers)
    assert sequences == list(range(sequences[0], sequences[0] + 8))  # and none skipped
    for n, number in enumerate(numbers):
        other = (b, a)[n % 2]  # taken on one host, opened on the other
        status, _location, page, _headers = desk.request(other, "GET", f"/orders/{number}")
        assert status == 200 and number in page


def test_a_job_started_on_both_hosts_runs_once(hosts):
    def run_on_a_host():
        return subprocess.Popen(
            [str(BIN / "flask"), "--app", "wsgi", "jobs", "run-once", "pickup-reminders"],
            cwd=ROOT,
            env=hosts.environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    runs = [run_on_a_host(), run_on_a_host()]
    said = [run.communicate(timeout=120)[0] for run in runs]
    # exit 0 when it ran, 1 when it found the job running elsewhere (skipped): never a failure
    assert all(line.startswith("pickup-reminders: ") for line in said), said
    assert "failed" not in " ".join(said) and 0 in [run.returncode for run in runs], said
    with hosts.app.app_context():
        waiting = hosts.ids["waiting"]
        reminders = db.session.scalars(
            sa.select(OrderReminder.kind).where(OrderReminder.order_id == waiting)
        ).all()
        messages = db.session.scalar(
            sa.select(sa.func.count(Notification.id)).where(
                Notification.order_id == waiting, Notification.dedupe_key.is_not(None)
            )
        )
        outcomes = db.session.scalars(
            sa.select(JobRun.outcome).where(JobRun.job_id == "pickup-reminders")
        ).all()
        order = db.session.get(RepairOrder, waiting)
        assert order.status is OrderStatus.READY
    assert reminders == ["pickup_3"]  # one reminder recorded
    assert messages == 2  # its e-mail and its SMS, once each
    # both started it: one ran it, the other found it running (or, a moment later, nothing left)
    assert len(outcomes) == 2 and JobOutcome.OK in outcomes


def test_the_dashboard_computed_on_one_host_is_shown_by_the_other(hosts):
    a, b = hosts.ports
    manager = Browser(_someone())
    assert manager.log_in(a, "admin", PASSWORD) == 302
    status, _location, first, _headers = manager.request(a, "GET", "/dashboard")
    assert status == 200
    # The waiting order leaves the "ready" row: a host computing its own figures would show it.
    with hosts.app.app_context():
        db.session.execute(
            sa.update(RepairOrder)
            .where(RepairOrder.id == hosts.ids["waiting"])
            .values(status=OrderStatus.IN_REPAIR)
        )
        db.session.commit()
    status, _location, second, _headers = manager.request(b, "GET", "/dashboard")
    assert status == 200

    def panel(page: str) -> str:
        return page[
            page.index('id="table-open"') : page.index("</table>", page.index('id="table-open"'))
        ]

    def moment(page: str) -> str:
        return page[page.index('id="computed-at"') :].split("</p>", 1)[0]

    assert panel(second) == panel(first) and moment(second) == moment(first)
