"""The scheduler process (`flask jobs run`): APScheduler running the list in servicecenter/jobs.py.

Run exactly one per installation, beside the web workers, never inside them; a second one by
mistake does no harm (each run takes the job's database lock) but does no good either.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.schedulers.blocking import BlockingScheduler
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


def build(app: Flask) -> BlockingScheduler:
    """A scheduler with every job of the list: a late start (the process was down at 03:00)
    still runs once within the grace time, several missed runs collapse into one, and a job
    never overlaps itself in this process (the database lock covers other processes)."""
    timezone = zone(app)
    scheduler = BlockingScheduler(
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


class _Stop(Exception):
    """Raised by the signal handler in the main thread, wherever the scheduler is in its loop."""


def _stop(signum, _frame) -> None:
    raise _Stop(signum)


def serve(app: Flask, *, ready: Callable[[], None] = lambda: None) -> None:
    """Run the scheduler until Ctrl-C or SIGTERM; a job already running finishes first.

    `ready` is called once the signals are handled, just before the scheduler starts.
    """
    scheduler = build(app)
    # The runner logs each run with its outcome; APScheduler's two lines per run (and per
    # heartbeat) would drown it.
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
    try:
        # An exception rather than shutdown() in the handler: the signal may come before the
        # scheduler is running, and shutdown() would refuse.
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        ready()
        scheduler.start()
    except _Stop as stop:
        log.info("Signal %s: stopping the scheduler", stop.args[0])
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if scheduler.running:
            # the executor's threads are joined at exit, so a job half done still finishes
            scheduler.shutdown(wait=False)
        heartbeat.forget("scheduler", app=app)
