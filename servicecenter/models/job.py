"""Periodic jobs' bookkeeping: one lock row per job id, and one row per run."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._types import UTCDateTime, enum_column


class JobOutcome(StrEnum):
    OK = "ok"
    FAILED = "failed"
    SKIPPED = "skipped"  # another process held the job's lock


class JobLock(db.Model):
    """Who runs a job now, and until when the claim holds.

    Free when `locked_until` is empty; a claim past `locked_until` is stale (its process died)
    and may be taken over.
    """

    __tablename__ = "job_locks"

    job_id: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    owner: Mapped[str | None] = mapped_column(sa.String(120))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class JobRun(db.Model):
    """One run of a job as it ended (append-only)."""

    __tablename__ = "job_runs"
    # `jobs list` reads the latest run of each job
    __table_args__ = (sa.Index("ix_job_runs_job_started", "job_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(sa.String(60))
    owner: Mapped[str] = mapped_column(sa.String(120))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[JobOutcome] = mapped_column(enum_column(JobOutcome, length=10))
    # what the job did, or the error it failed with
    summary: Mapped[str] = mapped_column(sa.Text, default="")
