"""Each job with a fixed `now`, run twice in a row: the second run changes nothing more. And the
`flask jobs` commands."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from servicecenter import jobs
from servicecenter.models import JobOutcome, JobRun, Part, StockLevel
from servicecenter.services import backups, stock

NOW = datetime(2026, 12, 1, 0, 30, tzinfo=UTC)


@pytest.fixture
def stocked(make, db):
    part = Part(sku="LCD-1", name="Display", unit_cost=10_000)
    db.session.add(part)
    db.session.flush()
    remote = stock.location_for(workshop=make.net.remote)
    stock.receive(part, remote, 5, actor=make.net.manager)
    db.session.commit()
    return part, remote


def levels(db) -> list[tuple]:
    db.session.expire_all()
    return db.session.execute(
        sa.select(StockLevel.part_id, StockLevel.location_id, StockLevel.on_hand).order_by(
            StockLevel.part_id, StockLevel.location_id
        )
    ).all()


def test_every_job_is_in_the_list_once_with_a_schedule():
    ids = [job.id for job in jobs.JOBS]
    assert len(ids) == len(set(ids))
    assert {"reconcile-stock", "backup"} <= set(ids)
    assert all(job.trigger in ("cron", "interval") and job.description for job in jobs.JOBS)


def test_reconcile_stock_reports_drift_and_fixes_nothing_twice(db, stocked):
    part, remote = stocked
    db.session.execute(sa.update(StockLevel).values(on_hand=7))
    db.session.commit()
    before = levels(db)

    first = jobs.run(jobs.get("reconcile-stock"), now=NOW)
    second = jobs.run(jobs.get("reconcile-stock"), now=NOW)

    assert first.outcome is second.outcome is JobOutcome.OK
    assert (
        first.summary
        == second.summary
        == "1 level(s) differ from the ledger: LCD-1 at Remote Partner"
    )
    assert levels(db) == before  # read only: the drift is an admin's to fix


def test_reconcile_stock_when_levels_agree(db, stocked):
    record = jobs.run(jobs.get("reconcile-stock"), now=NOW)
    assert record.summary == "Stock levels agree with the ledger."


@pytest.fixture
def backup_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "BACKUP_DIR", str(tmp_path / "backups"))
    return tmp_path / "backups"


def test_the_backup_job_twice_with_the_same_now_keeps_one_copy(db, stocked, backup_dir):
    if db.engine.dialect.name != "sqlite":
        pytest.skip(
            "SQLite backups; on PostgreSQL see test_backups_on_postgresql_are_the_servers_job"
        )
    first = jobs.run(jobs.get("backup"), now=NOW)
    files = backups.list_backups()
    second = jobs.run(jobs.get("backup"), now=NOW)

    assert first.outcome is second.outcome is JobOutcome.OK
    assert [path.name for path in files] == ["servicecenter-20261201-003000.sqlite3"]
    assert backups.list_backups() == files
    assert str(files[0]) in second.summary


def test_backups_on_postgresql_are_the_servers_job(app, db, backup_dir):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: on SQLite the backup copies the file")
    record = jobs.run(jobs.get("backup"), now=NOW)
    assert record.outcome is JobOutcome.OK
    assert "pg_dump" in record.summary
    assert not backup_dir.exists()
    result = app.test_cli_runner().invoke(args=["backup"])
    assert result.exit_code != 0 and "the database server's job" in result.output


# --- the commands -------------------------------------------------------------------------


def test_jobs_list_shows_every_job_with_its_next_run(app, db):
    jobs.run(jobs.get("reconcile-stock"), now=NOW)
    result = app.test_cli_runner().invoke(args=["jobs", "list"])
    assert result.exit_code == 0, result.output
    for job in jobs.JOBS:
        assert job.id in result.output
    assert result.output.count("next run: 20") == len(jobs.JOBS)
    assert "[cron hour=2 minute=30]" in result.output
    assert "last run: ok at" in result.output and "last run: never run" in result.output


def test_jobs_run_once_runs_the_job_now(app, db, stocked):
    result = app.test_cli_runner().invoke(args=["jobs", "run-once", "reconcile-stock"])
    assert result.exit_code == 0, result.output
    assert "reconcile-stock: ok — Stock levels agree with the ledger." in result.output
    assert db.session.scalar(sa.select(JobRun.outcome)) is JobOutcome.OK


def test_jobs_run_once_of_an_unknown_job_says_which_exist(app, db):
    result = app.test_cli_runner().invoke(args=["jobs", "run-once", "nightly-coffee"])
    assert result.exit_code != 0
    assert "No job 'nightly-coffee'" in result.output and "reconcile-stock" in result.output


def test_jobs_run_once_exits_1_when_the_job_fails(app, db, monkeypatch):
    def broken(*, now):
        raise RuntimeError("gateway down")

    monkeypatch.setattr(
        jobs, "JOBS", (*jobs.JOBS, jobs.Job("broken", broken, "interval", {"minutes": 1}, "x"))
    )
    result = app.test_cli_runner().invoke(args=["jobs", "run-once", "broken"])
    assert result.exit_code == 1
    assert "broken: failed — RuntimeError: gateway down" in result.output


def test_the_scheduler_has_every_job_and_is_not_started_by_the_app(app):
    from servicecenter import scheduler

    built = scheduler.build(app)
    assert {job.id for job in built.get_jobs()} >= {job.id for job in jobs.JOBS}
    assert not built.running


def test_the_scheduler_process_stops_cleanly_on_sigterm(database_url, tmp_path):
    import signal
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    flask = Path(sys.executable).with_name("flask")
    env = {**os.environ, "SERVICECENTER_CONFIG": "testing", "DATABASE_URL": database_url}
    process = subprocess.Popen(
        [str(flask), "--app", "wsgi", "jobs", "run"],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        # the line comes once SIGTERM is handled (APScheduler's log lines may come first)
        for line in process.stdout:
            if "Scheduler started" in line:
                break
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=60)[0]
    finally:
        process.kill()
    assert process.returncode == 0, output
    assert "Scheduler stopped." in output


def test_the_outbox_is_dispatched_by_its_job_once(make, db, caplog):
    """Messages queued by an order's event go out through the job (the log gateways of
    development), and a second run a moment later sends nothing more."""
    from servicecenter.domain.notifications import State

    from ..notify_helpers import consenting, outbox

    order = make.order(device=consenting(make))
    queued = outbox(order)
    assert queued and {message.state for message in queued} == {State.QUEUED}
    (dispatch,) = [job for job in jobs.JOBS if job.id == "dispatch-notifications"]
    first = jobs.run(dispatch, now=datetime.now(UTC))
    assert first.outcome is JobOutcome.OK
    db.session.expire_all()
    sent = [(message.state, message.attempts, message.sent_at) for message in outbox(order)]
    assert {state for state, _attempts, _at in sent} == {State.SENT}
    again = jobs.run(dispatch, now=datetime.now(UTC))
    assert again.outcome is JobOutcome.OK
    db.session.expire_all()
    assert [(m.state, m.attempts, m.sent_at) for m in outbox(order)] == sent
