"""The periodic jobs: plain functions taking `now`, ONE declarative list of them, and the runner
that runs a job under its database lock and records the run. Never started by `create_app`:
`flask jobs run` (servicecenter/scheduler.py) is the scheduler, as one process of its own."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from .database import insert_ignoring_conflicts, write_transaction
from .extensions import db
from .models import JobLock, JobOutcome, JobRun, Part, StockLocation
from .models._types import utcnow

log = logging.getLogger(__name__)


# --- the job functions: each takes `now`, returns what it did in a line, commits nothing -------


def reconcile_stock(*, now: datetime) -> str:
    """Compare the cached stock levels with the ledger and report any drift; fix nothing (an
    admin decides, with `flask reconcile-stock --fix`)."""
    from .services import stock

    drifts = stock.reconcile()
    if not drifts:
        return "Stock levels agree with the ledger."
    skus = dict(db.session.execute(sa.select(Part.id, Part.sku)).all())
    places = {
        location.id: location.name for location in db.session.scalars(sa.select(StockLocation))
    }
    named = ", ".join(
        f"{skus.get(d.part_id, d.part_id)} at {places.get(d.location_id, d.location_id)}"
        for d in drifts
    )
    log.warning("Stock levels differ from the ledger: %s", named)
    return f"{len(drifts)} level(s) differ from the ledger: {named}"


def backup(*, now: datetime) -> str:
    """Copy the SQLite database into the backup folder, keeping the last BACKUP_KEEP; and sweep
    away the heartbeat files of processes long gone."""
    from . import heartbeat
    from .services import backups

    heartbeat.sweep(now=now)
    path = backups.backup(now)
    if path is None:
        return backups.POSTGRESQL_NOTE
    return f"Backed up to {path} ({len(backups.list_backups())} kept)."


def dispatch_notifications(*, now: datetime) -> str:
    """Send the customer notifications that are due (services.notifications owns the retries)."""
    from .services import notifications

    return notifications.dispatch_due(now=now)


def low_stock_digest(*, now: datetime) -> str:
    """Mail each office and workshop manager the parts below their minimum there, once a day."""
    from .services import digests

    return digests.queue_low_stock(now=now)


def pickup_reminders(*, now: datetime) -> str:
    """Remind customers of ready devices waiting for them, then send the notice before an
    unclaimed device may be disposed of (services.reminders)."""
    from .services import reminders

    return reminders.send_pickup_reminders(now=now)


def survey(*, now: datetime) -> str:
    """Ask customers to rate the service a few hours after collection (services.reminders)."""
    from .services import reminders

    return reminders.send_surveys(now=now)


def sla_digest(*, now: datetime) -> str:
    """Queue the day's SLA digest to each office and workshop manager with something on the
    watch (services.sla; once per place and day however often it runs)."""
    from .services import sla

    return sla.queue_digests(now=now)


def dashboard_rollup(*, now: datetime) -> str:
    """Sum the dashboard's facts of every complete past day not rolled up yet (yesterday, after
    a quiet night; the days an order's move made stale; a bounded catch-up after downtime)."""
    from .services import dashboard_rollup as rollup

    days = rollup.roll_up_missing(now, limit=DASHBOARD_ROLLUP_DAYS)
    left = len(rollup.days_to_roll(now))
    if not days:
        return "The dashboard's rollup is up to date."
    summary = f"Rolled up {len(days)} day(s) of the dashboard, {days[0]} to {days[-1]}"
    return summary + (f"; {left} left for the next run." if left else ".")


# A night's catch-up stays short; a longer backfill is `flask dashboard rollup`.
DASHBOARD_ROLLUP_DAYS = 62


# --- the list -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    id: str
    function: Callable[..., str]
    # An APScheduler 3 trigger: "cron" or "interval" with its arguments, in the network's zone.
    trigger: str
    schedule: dict = field(default_factory=dict)
    description: str = ""
    # Longer than the job can ever take: a lock older than this was left by a dead process.
    lock_timeout: timedelta = timedelta(hours=1)
    # Read-only jobs need no write lock: on SQLite BEGIN IMMEDIATE would block every writer
    # for as long as they read.
    writes: bool = True


JOBS: tuple[Job, ...] = (
    # Each job: an id, a function(*, now) returning what it did, a trigger and a description.
    Job(
        "dispatch-notifications",
        dispatch_notifications,
        "interval",
        {"minutes": 1},
        "Send the queued customer notifications that are due, with retries.",
        # longer than one dispatch of its batch can take over slow gateways
        lock_timeout=timedelta(minutes=10),
    ),
    Job(
        "sla-digest",
        sla_digest,
        "cron",
        {"hour": 7, "minute": 30},
        "Email each office and workshop manager their overdue, due-soon and 45-day-limit orders.",
    ),
    Job(
        "dashboard-rollup",
        dashboard_rollup,
        "cron",
        {"hour": 1, "minute": 15},
        "Sum the dashboard's figures of the days past into its daily rollup.",
    ),
    Job(
        "reconcile-stock",
        reconcile_stock,
        "cron",
        {"hour": 2, "minute": 30},
        "Compare cached stock levels with the ledger; report drift, fix nothing.",
        writes=False,
    ),
    Job(
        "low-stock-digest",
        low_stock_digest,
        "cron",
        {"hour": 7, "minute": 0},
        "Mail each place's manager the parts below their minimum there.",
    ),
    Job(
        "backup",
        backup,
        "cron",
        {"hour": 3, "minute": 0},
        "Copy the SQLite database to the backup folder, keeping the last BACKUP_KEEP.",
        # the copy writes files, not rows: no write lock on the database for its duration
        writes=False,
    ),
    Job(
        "pickup-reminders",
        pickup_reminders,
        "cron",
        # in the morning, in the network's zone: customers are not messaged at night
        {"hour": 10, "minute": 0},
        "Remind customers of ready devices after 3, 7 and 30 days; the notice before disposal.",
    ),
    Job(
        "survey",
        survey,
        "cron",
        # hourly in the day only: a device collected in the evening is surveyed next morning,
        # inside SURVEY_WINDOW_HOURS
        {"hour": "9-20", "minute": 15},
        "Send the satisfaction survey a few hours after collection.",
    ),
)


def get(job_id: str) -> Job | None:
    return next((job for job in JOBS if job.id == job_id), None)


# --- the runner -----------------------------------------------------------------------------


def process_name() -> str:
    """Who holds a lock: host, process and a random part (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def take_lock(job: Job, *, owner: str, now: datetime) -> bool:
    """Claim the job until now + its lock timeout, in a short transaction of its own.

    Two processes asking at once are serialised on the lock row (BEGIN IMMEDIATE on SQLite, the
    row lock on PostgreSQL, which re-checks the WHERE after the other commits): one gets it.
    """
    until = now + job.lock_timeout
    with write_transaction():
        # RETURNING, because an ORM insert reports no row count (-1) on PostgreSQL
        inserted = db.session.execute(
            insert_ignoring_conflicts(JobLock)
            .values(job_id=job.id, owner=owner, locked_until=until)
            .on_conflict_do_nothing()
            .returning(JobLock.job_id)
        ).first()
        taken = (
            inserted is not None
            or db.session.execute(
                sa.update(JobLock)
                .where(
                    JobLock.job_id == job.id,
                    # free, or left behind by a process that died
                    sa.or_(JobLock.locked_until.is_(None), JobLock.locked_until <= now),
                )
                .values(owner=owner, locked_until=until)
                .execution_options(synchronize_session=False)
            ).rowcount
        )
        db.session.commit()
    return bool(taken)


def release_lock(job: Job, *, owner: str) -> None:
    """Free the job, unless another process has taken the lock over meanwhile (ours went stale)."""
    db.session.execute(
        sa.update(JobLock)
        .where(JobLock.job_id == job.id, JobLock.owner == owner)
        .values(owner=None, locked_until=None)
        .execution_options(synchronize_session=False)
    )


def run(job: Job, *, now: datetime | None = None, owner: str | None = None) -> JobRun:
    """Run `job` once if nobody else is running it, and record how it ended.

    The job's own work is one transaction, committed at its end (rolled back if it raises);
    a run that finds the lock held records `skipped` and does nothing.
    """
    now = now or utcnow()
    owner = owner or process_name()
    started = utcnow()
    if not take_lock(job, owner=owner, now=now):
        outcome, summary = JobOutcome.SKIPPED, "Another process is running this job."
    else:
        try:
            with write_transaction() if job.writes else contextlib.nullcontext():
                result = job.function(now=now)
                # a service that reports a count or a small record is recorded as its text
                summary = "" if result is None else str(result)
                db.session.commit()
            outcome = JobOutcome.OK
        except Exception as error:
            db.session.rollback()
            log.exception("Job %s failed", job.id)
            outcome, summary = JobOutcome.FAILED, f"{type(error).__name__}: {error}"
    with write_transaction():
        if outcome is not JobOutcome.SKIPPED:
            release_lock(job, owner=owner)
        record = JobRun(
            job_id=job.id,
            owner=owner,
            started_at=started,
            finished_at=utcnow(),
            outcome=outcome,
            summary=summary,
        )
        db.session.add(record)
        _forget_old_runs(job, now=now)
        db.session.commit()
    log.info("Job %s: %s — %s", job.id, outcome.value, summary)
    return record


def _forget_old_runs(job: Job, *, now: datetime) -> None:
    cutoff = now - timedelta(days=current_app.config["JOB_RUNS_KEEP_DAYS"])
    db.session.execute(
        sa.delete(JobRun)
        .where(JobRun.job_id == job.id, JobRun.started_at < cutoff)
        .execution_options(synchronize_session=False)
    )


def last_runs() -> dict[str, JobRun]:
    """The latest run of every job that has run."""
    latest = (
        sa.select(JobRun.job_id, sa.func.max(JobRun.id).label("id"))
        .group_by(JobRun.job_id)
        .subquery()
    )
    rows = db.session.scalars(sa.select(JobRun).join(latest, latest.c.id == JobRun.id))
    return {row.job_id: row for row in rows}
