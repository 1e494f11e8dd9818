"""The scheduler process (`flask jobs run`): APScheduler running the list in servicecenter/jobs.py.

Run exactly one per installation, beside the web workers, never inside them; a second one by
mistake does no harm (each run takes the job's database lock) but does no good either.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from . import heartbeat, jobs

log = logging.getLogger(__name__)

TRIGGERS = {"cron": CronTrigger, "interval": IntervalTrigger}


def zone(app: Flask) -> ZoneInfo:
    # Nightly means night at the offices, not in UTC.
    return ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])


def trigger_of(job: jobs.Job, timezone: ZoneInfo) -> BaseTrigger:
    return TRIGGERS[job.trigger](**job.schedule, timezone=timezone)


def next_run(job: jobs.Job, *, now: datetime, timezone: ZoneInfo) -> datetime | None:
    """When the scheduler would next start `job` after `now`."""
    return trigger_of(job, timezone).get_next_fire_time(None, now.astimezone(timezone))


def describe(job: jobs.Job) -> str:
    """The schedule as a person reads it: `cron hour=3 minute=0`."""
    return " ".join([job.trigger, *(f"{key}={value}" for key, value in job.schedule.items())])


def _runner(app: Flask, job: jobs.Job, owner: str):
    def run_it() -> None:
        with app.app_context():
            jobs.run(job, owner=owner)
            heartbeat.touch("scheduler", app=app)

    return run_it


def build(app: Flask) -> BackgroundScheduler:
    """A scheduler with every job of the list: a late start (the process was down at 03:00)
    still runs once within the grace time, several missed runs collapse into one, and a job
    never overlaps itself in this process (the database lock covers other processes)."""
    timezone = zone(app)
    scheduler = BackgroundScheduler(
        timezone=timezone,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )
    owner = jobs.process_name()
    for job in jobs.JOBS:
        scheduler.add_job(
            _runner(app, job, owner),
            trigger_of(job, timezone),
            id=job.id,
            name=job.description or job.id,
        )
    interval = app.config["HEARTBEAT_SECONDS"]
    if interval:
        scheduler.add_job(
            lambda: heartbeat.touch("scheduler", app=app),
            IntervalTrigger(seconds=interval, timezone=timezone),
            id="heartbeat",
            name="heartbeat",
            next_run_time=datetime.now(timezone),
        )
    return scheduler


def serve(app: Flask, *, ready: Callable[[], None] = lambda: None) -> None:
    """Run the scheduler until Ctrl-C or SIGTERM; a job already running finishes first.

    The jobs run in the scheduler's threads; this (main) thread only waits for a signal. The
    signal handler merely notes the signal: raising from it could interrupt the main thread
    anywhere (in the middle of a write to a pipe, inside the scheduler's own locks). `ready` is
    called once the scheduler runs and the signals are handled.
    """
    scheduler = build(app)
    # The runner logs each run with its outcome; APScheduler's two lines per run (and per
    # heartbeat) would drown it.
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
    received: list[int] = []
    signal.signal(signal.SIGTERM, lambda signum, _frame: received.append(signum))
    signal.signal(signal.SIGINT, lambda signum, _frame: received.append(signum))
    scheduler.start()
    try:
        ready()
        while not received:
            time.sleep(0.2)
        log.info("Signal %s: stopping the scheduler", received[0])
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        scheduler.shutdown(wait=True)  # a job half done finishes
        heartbeat.forget("scheduler", app=app)
