"""One row per job run: what ran, for which business day, when, what it did."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.audit import exempt
from tracker.db import Base

RUN_STATUSES = ("running", "ok", "failed")


class JobRun(Base):
    """A run of a job for one slot.

    ``slot`` is the business day (``2026-11-23``) for daily jobs, so the unique
    ``(job, slot)`` makes a day's scan, escalation or digest happen once whoever starts it
    (the scheduler's catch-up, a second scheduler, ``tracker jobs run``). Jobs that may run
    any number of times (sending the outbox) use the run's own start time as the slot.
    """

    __tablename__ = "job_runs"
    __table_args__ = (
        UniqueConstraint("job", "slot"),
        CheckConstraint("status IN (" + ", ".join(f"'{s}'" for s in RUN_STATUSES) + ")", name="status"),
        Index("ix_job_runs_job_started_at", "job", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(40))
    slot: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(8))
    started_at: Mapped[dt.datetime]
    finished_at: Mapped[dt.datetime | None]
    #: What the run did, e.g. {"alerts": 12, "emails": 3}.
    counts: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    #: Which process ran it (a dead pid on this host means the run was interrupted).
    pid: Mapped[int | None]
    host: Mapped[str | None] = mapped_column(String(100))
    #: Times this slot was started (a failed or interrupted run is retried in place).
    attempts: Mapped[int] = mapped_column(default=1)


exempt("job_runs", "operational log of scheduled jobs written by the system, not a case record")
