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
    #: Which process ran it (shown to people; liveness is proved in the database, see
    #: :mod:`tracker.jobs.liveness`).
    pid: Mapped[int | None]
    host: Mapped[str | None] = mapped_column(String(100))
    #: Times this slot was started (a failed or interrupted run is retried in place).
    attempts: Mapped[int] = mapped_column(default=1)
    #: SQLite: last sign of life of a running run (PostgreSQL uses an advisory lock).
    heartbeat_at: Mapped[dt.datetime | None]
    #: How far a running job has got, e.g. "1,500 of 10,000 children".
    progress: Mapped[str | None] = mapped_column(String(100))


SCHEDULER_STATES = ("active", "standby", "stopped")


class SchedulerHeartbeat(Base):
    """One row per ``tracker scheduler`` process: which host, active or standby, and when
    it last showed it was alive (every SCHEDULER_POLL_SECONDS)."""

    __tablename__ = "scheduler_heartbeats"
    __table_args__ = (
        UniqueConstraint("host", "pid", "started_at"),
        CheckConstraint("state IN (" + ", ".join(f"'{s}'" for s in SCHEDULER_STATES) + ")", name="state"),
        Index("ix_scheduler_heartbeats_state_beat_at", "state", "beat_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    host: Mapped[str] = mapped_column(String(100))
    pid: Mapped[int]
    state: Mapped[str] = mapped_column(String(8))
    started_at: Mapped[dt.datetime]
    beat_at: Mapped[dt.datetime]


exempt("job_runs", "operational log of scheduled jobs written by the system, not a case record")
exempt("scheduler_heartbeats", "liveness of the scheduler processes written by the system, not a case record")
