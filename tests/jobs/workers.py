"""Code run in separate processes by the job lock tests (importable by `spawn`)."""

from __future__ import annotations

from datetime import datetime


def locked_job_worker(url: str, now: datetime, start, entered, skipped, release) -> str:
    """Run the job `race` as a scheduler process would, and say how the run ended.

    Whoever gets the lock signals `entered` and holds it until `release`, so the other process
    is certain to ask while the job is running; a process that is refused signals `skipped`.
    """
    from servicecenter import create_app, jobs
    from servicecenter.models import JobOutcome

    def hold(*, now: datetime) -> str:
        entered.set()
        release.wait(timeout=120)
        return "held the lock"

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    job = jobs.Job("race", hold, "interval", {"minutes": 1})
    with app.app_context():
        start.wait()
        record = jobs.run(job, now=now)
        if record.outcome is JobOutcome.SKIPPED:
            skipped.set()
        return record.outcome.value
