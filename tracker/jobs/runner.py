"""Run a job once and record it: claim the (job, slot) row, run, write the outcome.

The claim is the idempotency: a daily job's slot is the business day, so the second
attempt on the same day (a catch-up after a restart, a standby scheduler that just took
over, ``tracker jobs run``) finds the row and does nothing. A slot whose run failed, or
whose process died mid-run, is taken over and run again in place (``attempts`` + 1).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from tracker import audit, clock
from tracker.extensions import db
from tracker.jobs.models import JobRun
from tracker.jobs.registry import load_jobs

log = logging.getLogger("tracker.jobs")


class UnknownJob(KeyError):
    pass


@dataclass
class JobContext:
    """What a job function gets: the business day, a session of its own, the config."""

    name: str
    today: dt.date
    session: Session
    config: Mapping[str, Any]
    force: bool = False
    #: The job that started this one, if any (the scan starts escalate and digest).
    parent: str | None = None


@dataclass
class RunOutcome:
    job: str
    slot: str
    #: ok | failed | skipped
    status: str
    counts: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    reason: str | None = None

    def summary(self) -> str:
        if self.status == "skipped":
            return f"{self.job} {self.slot}: skipped ({self.reason})"
        text = f"{self.job} {self.slot}: {self.status}"
        if self.counts:
            text += " — " + ", ".join(f"{k} {v}" for k, v in self.counts.items())
        if self.error:
            text += f" — error: {self.error}"
        return text


def _insert(session: Session):  # noqa: ANN202 - dialect-specific insert with ON CONFLICT
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _abandoned(row: JobRun, now: dt.datetime, stale_after: int) -> bool:
    """A 'running' row whose process is gone (same host) or that is far too old."""
    if row.host == socket.gethostname() and row.pid != os.getpid() and not _pid_alive(row.pid):
        return True
    return row.started_at < now - dt.timedelta(seconds=stale_after)


def _claim(session: Session, job: str, slot: str, *, force: bool, stale_after: int) -> tuple[int | None, int, str]:
    """Returns (run id, attempt number, reason if not claimed)."""
    now = clock.now()
    me = {"pid": os.getpid(), "host": socket.gethostname()}
    insert = _insert(session)
    # RETURNING tells whether this process inserted the row (drivers differ on rowcount).
    run_id = session.scalar(insert(JobRun).values(job=job, slot=slot, status="running", started_at=now,
                                                  attempts=1, **me).on_conflict_do_nothing().returning(JobRun.id))
    session.commit()
    if run_id is not None:
        return run_id, 1, ""
    row = session.scalars(select(JobRun).where(JobRun.job == job, JobRun.slot == slot)).one()
    if row.status == "ok" and not force:
        return None, row.attempts, "already done"
    if row.status == "running" and not _abandoned(row, now, stale_after):
        return None, row.attempts, f"running in process {row.pid} on {row.host}"
    taken = session.execute(
        update(JobRun)
        .where(JobRun.id == row.id, JobRun.status == row.status, JobRun.attempts == row.attempts)
        .values(status="running", started_at=now, finished_at=None, error=None, counts=None,
                attempts=row.attempts + 1, **me)
        .execution_options(synchronize_session=False))
    session.commit()
    if taken.rowcount != 1:
        return None, row.attempts, "claimed by another process"
    return row.id, row.attempts + 1, ""


def _finish(session: Session, run_id: int, attempt: int, **values: Any) -> None:
    session.execute(update(JobRun).where(JobRun.id == run_id, JobRun.attempts == attempt)
                    .values(finished_at=clock.now(), **values).execution_options(synchronize_session=False))
    session.commit()


def run_job(name: str, *, today: dt.date | None = None, force: bool = False,
            parent: str | None = None) -> RunOutcome:
    """Run job ``name`` for business day ``today`` (default: today in London), once.

    Needs an application context. Each run gets an application context (so a session) of
    its own, so a job may start other jobs. Never raises for a failing job: the error is
    stored on the job-run row and returned.
    """
    jobs = load_jobs()
    if name not in jobs:
        raise UnknownJob(name)
    job = jobs[name]
    day = today or clock.today()
    slot = day.isoformat() if job.per_day else clock.now().isoformat(timespec="microseconds")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with app.app_context():
        session = db.session
        audit.set_actor(session, None, label=f"job {name}")
        run_id, attempt, reason = _claim(session, name, slot, force=force,
                                         stale_after=app.config["JOB_STALE_AFTER_SECONDS"])
        # Daily jobs are worth a line each; one that runs every minute only when it fails.
        level = logging.INFO if job.per_day else logging.DEBUG
        if run_id is None:
            log.log(level, "job %s %s skipped: %s", name, slot, reason)
            return RunOutcome(name, slot, "skipped", reason=reason)
        log.log(level, "job %s %s started (attempt %d)", name, slot, attempt)
        ctx = JobContext(name=name, today=day, session=session, config=app.config, force=force, parent=parent)
        try:
            counts = dict(job.func(ctx) or {})
        except Exception as exc:  # noqa: BLE001 - any failure is recorded, then reported
            session.rollback()
            error = f"{type(exc).__name__}: {exc}"[:2000]
            log.error("job %s %s failed: %s\n%s", name, slot, error, traceback.format_exc())
            _finish(session, run_id, attempt, status="failed", error=error)
            return RunOutcome(name, slot, "failed", error=error)
        session.commit()
        _finish(session, run_id, attempt, status="ok", counts=counts)
        if not job.per_day:
            _prune(session, name, app.config["JOB_RUN_KEEP_DAYS"])
        log.log(level, "job %s %s ok %s", name, slot, counts)
        return RunOutcome(name, slot, "ok", counts=counts)


def _prune(session: Session, name: str, keep_days: int) -> None:
    """Jobs that run every minute would fill the table: keep their recent runs only."""
    cutoff = clock.now() - dt.timedelta(days=keep_days)
    session.execute(delete(JobRun).where(JobRun.job == name, JobRun.started_at < cutoff))
    session.commit()


def completed(session: Session, name: str, day: dt.date) -> bool:
    status = session.scalar(select(JobRun.status).where(JobRun.job == name, JobRun.slot == day.isoformat()))
    return status == "ok"
