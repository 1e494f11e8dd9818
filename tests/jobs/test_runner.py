"""A job never runs twice at once, even from two scheduler processes; every run is recorded; a
lock left by a dead process is taken over once it is past its timeout."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from servicecenter import jobs
from servicecenter.models import JobLock, JobOutcome, JobRun

from .workers import locked_job_worker

NOW = datetime(2026, 12, 1, 0, 30, tzinfo=UTC)


def counting_job(calls: list, *, fail: bool = False) -> jobs.Job:
    def work(*, now: datetime) -> str:
        calls.append(now)
        if fail:
            raise RuntimeError("the disk is full")
        return "did it"

    return jobs.Job(
        "counting", work, "interval", {"minutes": 5}, lock_timeout=timedelta(minutes=10)
    )


def runs(db) -> list[tuple[str, JobOutcome]]:
    return db.session.execute(sa.select(JobRun.job_id, JobRun.outcome).order_by(JobRun.id)).all()


def lock(db, job_id: str) -> JobLock | None:
    db.session.expire_all()
    return db.session.get(JobLock, job_id)


def test_a_run_takes_the_lock_records_itself_and_frees_the_lock(db):
    calls = []
    job = counting_job(calls)

    first = jobs.run(job, now=NOW)
    jobs.run(job, now=NOW)

    assert calls == [NOW, NOW]  # the lock was freed after the first run
    assert (first.outcome, first.summary) == (JobOutcome.OK, "did it")
    assert runs(db) == [("counting", JobOutcome.OK), ("counting", JobOutcome.OK)]
    assert lock(db, "counting").locked_until is None


def test_a_held_lock_makes_the_run_skip_without_doing_anything(db):
    calls = []
    db.session.add(
        JobLock(job_id="counting", owner="other", locked_until=NOW + timedelta(minutes=1))
    )
    db.session.commit()

    record = jobs.run(counting_job(calls), now=NOW)

    assert calls == []
    assert record.outcome is JobOutcome.SKIPPED
    assert lock(db, "counting").owner == "other"  # a skipped run leaves the holder's lock alone


def test_a_stale_lock_is_taken_over(db):
    calls = []
    db.session.add(
        JobLock(job_id="counting", owner="dead", locked_until=NOW - timedelta(seconds=1))
    )
    db.session.commit()

    record = jobs.run(counting_job(calls), now=NOW)

    assert calls == [NOW]
    assert record.outcome is JobOutcome.OK
    assert lock(db, "counting").locked_until is None


def test_a_failing_job_is_rolled_back_recorded_and_frees_its_lock(db, make):
    from servicecenter.extensions import db as _db
    from servicecenter.models import Part

    def writes_then_fails(*, now: datetime) -> str:
        _db.session.add(Part(sku="GHOST", name="Never saved"))
        _db.session.flush()
        raise RuntimeError("the disk is full")

    job = jobs.Job("failing", writes_then_fails, "interval", {"minutes": 5})
    record = jobs.run(job, now=NOW)

    assert record.outcome is JobOutcome.FAILED
    assert "RuntimeError: the disk is full" in record.summary
    assert db.session.scalar(sa.select(sa.func.count(Part.id))) == 0
    assert lock(db, "failing").locked_until is None


def test_old_runs_are_forgotten(db, app):
    job = counting_job([])
    jobs.run(job, now=NOW)
    later = NOW + timedelta(days=app.config["JOB_RUNS_KEEP_DAYS"], hours=1)
    # runs are dated by the wall clock; put the first one at NOW, a month before `later`
    db.session.execute(sa.update(JobRun).values(started_at=NOW))
    db.session.commit()
    jobs.run(job, now=later)
    assert len(runs(db)) == 1


@pytest.mark.slow
def test_two_processes_run_the_same_job_at_once_and_only_one_runs_it(db, database_url):
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        start, entered, skipped, release = (manager.Event() for _ in range(4))
        with context.Pool(2) as pool:
            results = [
                pool.apply_async(
                    locked_job_worker, (database_url, NOW, start, entered, skipped, release)
                )
                for _ in range(2)
            ]
            start.set()
            assert entered.wait(timeout=120), "no process got the lock"
            # the second process asks while the first holds the lock
            assert skipped.wait(timeout=120), "the second process was not refused"
            release.set()
            outcomes = sorted(result.get(timeout=120) for result in results)

    assert outcomes == ["ok", "skipped"]
    db.session.rollback()
    assert sorted(outcome.value for _, outcome in runs(db)) == ["ok", "skipped"]
    assert lock(db, "race").locked_until is None
