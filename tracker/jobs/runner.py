"""Run a job once and record it: claim the (job, slot) row, run, write the outcome.

The claim is the idempotency: a daily job's slot is the business day, so the second
attempt on the same day (a catch-up after a restart, a standby scheduler that just took
over, ``tracker jobs run``) finds the row and does nothing. A slot whose run failed, or
whose process died mid-run, is taken over and run again in place (``attempts`` + 1).

Whether a "running" run is still alive is proved in the database, not guessed from a
process id (see :mod:`tracker.jobs.liveness`): a dead run is taken over within a
minute on any host. A job checks between batches (:meth:`JobContext.checkpoint`) that
the run is still its own and, under the scheduler, that the scheduler is still the
active one; if not it stops there.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from tracker import audit, clock
from tracker.extensions import db
from tracker.jobs.liveness import Lease, Liveness, liveness_for
from tracker.jobs.models import JobRun
from tracker.jobs.registry import load_jobs

log = logging.getLogger("tracker.jobs")


class UnknownJob(KeyError):
    pass


class RunStopped(RuntimeError):
    """Raised by :meth:`JobContext.checkpoint`: this run must stop now."""


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
    lease: Lease | None = None
    #: Under the scheduler: whether it is still the active one.
    still_leader: Callable[[], bool] | None = None

    def checkpoint(self, progress: str | None = None) -> None:
        """Call between batches: stops the job (:class:`RunStopped`) if the scheduler lost
        the leader lock or another process took this run over; records ``progress``."""
        if self.still_leader is not None and not self.still_leader():
            raise RunStopped("this scheduler is no longer the active one")
        if self.lease is not None:
            if not self.lease.still_ours():
                raise RunStopped("this run was taken over by another process")
            if progress:
                self.lease.note_progress(progress)

    def run(self, name: str, *, force: bool | None = None) -> RunOutcome:
        """Run another job for the same day (its own run row), e.g. the scan's escalation.

        Ends this job's transaction first: on SQLite an open transaction holds the write
        lock, and the other run (another connection) would wait for it for ever."""
        self.session.commit()
        return run_job(name, today=self.today, force=self.force if force is None else force, parent=self.name,
                       still_leader=self.still_leader)

    def wait(self, seconds: float) -> None:
        """Sleep between checks, still stopping promptly if the run must stop."""
        self.session.commit()
        deadline = time.monotonic() + seconds
        while True:
            self.checkpoint()
            left = deadline - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(1.0, left))


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


def _insert(session: Session):  # Dialect-specific insert with ON CONFLICT
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _me() -> dict[str, Any]:
    return {"pid": os.getpid(), "host": socket.gethostname()[:100]}


def _claim(session: Session, liveness: Liveness, job: str, slot: str, *,
           force: bool) -> tuple[Lease | None, str]:
    """Returns (the lease on the run, or None and the reason it was not claimed)."""
    now = clock.now()
    insert = _insert(session)
    # RETURNING tells whether this process inserted the row (drivers differ on rowcount).
    run_id = session.scalar(insert(JobRun).values(job=job, slot=slot, status="running", started_at=now,
                                                  heartbeat_at=now, attempts=1, **_me())
                            .on_conflict_do_nothing().returning(JobRun.id))
    if run_id is not None:
        # Locked before the row is visible to anyone, so nobody can think it dead.
        lease = liveness.take(run_id)
        if lease is None:  # pragma: no cover - nobody else can know the new id yet
            session.rollback()
            return None, "claimed by another process"
        session.commit()
        lease.start(1)
        return lease, ""
    session.commit()
    row = session.scalars(select(JobRun).where(JobRun.job == job, JobRun.slot == slot)
                          .execution_options(populate_existing=True)).one()
    session.commit()
    if row.status == "ok" and not force:
        return None, "already done"
    if row.status == "running":
        lease = liveness.take_over(row)
        if lease is None:
            return None, liveness.describe(row)
        log.warning("job %s %s: the process running it (%s on %s) is gone; taking it over",
                    job, slot, row.pid, row.host)
    else:
        lease = liveness.take(row.id)
        if lease is None:
            return None, "claimed by another process"
    taken = session.execute(
        update(JobRun)
        .where(JobRun.id == row.id, JobRun.status == row.status, JobRun.attempts == row.attempts)
        .values(status="running", started_at=now, heartbeat_at=now, finished_at=None, error=None, counts=None,
                progress=None, attempts=row.attempts + 1, **_me())
        .execution_options(synchronize_session=False))
    session.commit()
    if taken.rowcount != 1:
        lease.release()
        return None, "claimed by another process"
    lease.start(row.attempts + 1)
    return lease, ""


def _finish(session: Session, lease: Lease, **values: Any) -> None:
    session.execute(update(JobRun).where(JobRun.id == lease.run_id, JobRun.attempts == lease.attempt)
                    .values(finished_at=clock.now(), progress=None, **values)
                    .execution_options(synchronize_session=False))
    session.commit()


def run_job(name: str, *, today: dt.date | None = None, force: bool = False, parent: str | None = None,
            still_leader: Callable[[], bool] | None = None) -> RunOutcome:
    """Run job ``name`` for business day ``today`` (default: today in London), once.

    Needs an application context. Each run gets an application context (so a session) of
    its own, so a job may start other jobs. Never raises for a failing job: the error is
    stored on the job-run row and returned. ``still_leader`` (the scheduler's) makes the
    job stop between batches once the scheduler is no longer the active one.
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
        lease, reason = _claim(session, liveness_for(app.config), name, slot, force=force)
        # Daily jobs are worth a line each; one that runs every minute only when it fails.
        level = logging.INFO if job.per_day else logging.DEBUG
        if lease is None:
            log.log(level, "job %s %s skipped: %s", name, slot, reason)
            return RunOutcome(name, slot, "skipped", reason=reason)
        try:
            log.log(level, "job %s %s started (attempt %d)", name, slot, lease.attempt)
            ctx = JobContext(name=name, today=day, session=session, config=app.config, force=force, parent=parent,
                             lease=lease, still_leader=still_leader)
            try:
                counts = dict(job.func(ctx) or {})
                ctx.checkpoint()
            except Exception as exc:  # Any failure is recorded, then reported
                session.rollback()
                if isinstance(exc, RunStopped):
                    error = f"Stopped before finishing: {exc}."
                    log.error("job %s %s stopped: %s", name, slot, exc)
                else:
                    error = f"{type(exc).__name__}: {exc}"[:2000]
                    log.error("job %s %s failed: %s\n%s", name, slot, error, traceback.format_exc())
                if lease.still_ours():  # else the process that took it over records the outcome
                    _finish(session, lease, status="failed", error=error)
                return RunOutcome(name, slot, "failed", error=error)
            session.commit()
            _finish(session, lease, status="ok", counts=counts)
        finally:
            lease.release()
        if not job.per_day:
            _prune(session, name, app.config["JOB_RUN_KEEP_DAYS"])
        log.log(level, "job %s %s ok %s", name, slot, counts)
        return RunOutcome(name, slot, "ok", counts=counts)


def reap_dead_runs(session: Session, liveness: Liveness) -> list[JobRun]:
    """Mark failed every "running" run whose process is gone (e.g. killed with -9 while
    sending email: nobody reruns that slot, so it would say "running" for ever).
    Commits. Returns the runs marked."""
    reaped = []
    for row in session.scalars(select(JobRun).where(JobRun.status == "running")
                               .execution_options(populate_existing=True)).all():
        lease = liveness.take_over(row)  # held while marking, so no takeover happens in between
        if lease is None:
            continue
        try:
            done = session.execute(
                update(JobRun).where(JobRun.id == row.id, JobRun.status == "running", JobRun.attempts == row.attempts)
                .values(status="failed", finished_at=clock.now(), progress=None,
                        error=f"Interrupted: the process running it (process {row.pid} on {row.host}) stopped "
                              "before it finished.")
                .execution_options(synchronize_session=False))
            session.commit()
        finally:
            lease.release()
        if done.rowcount == 1:
            log.warning("job %s %s: its process (%s on %s) is gone; marked failed", row.job, row.slot, row.pid,
                        row.host)
            reaped.append(row)
    session.commit()
    return reaped


def _prune(session: Session, name: str, keep_days: int) -> None:
    """Jobs that run every minute would fill the table: keep their recent runs only."""
    cutoff = clock.now() - dt.timedelta(days=keep_days)
    session.execute(delete(JobRun).where(JobRun.job == name, JobRun.started_at < cutoff))
    session.commit()


def completed(session: Session, name: str, day: dt.date) -> bool:
    status = session.scalar(select(JobRun.status).where(JobRun.job == name, JobRun.slot == day.isoformat()))
    return status == "ok"


def running_alive(session: Session, liveness: Liveness, name: str, day: dt.date) -> bool:
    """Whether a live process is running job ``name`` for ``day`` right now."""
    row = session.scalars(select(JobRun).where(JobRun.job == name, JobRun.slot == day.isoformat())
                          .execution_options(populate_existing=True)).one_or_none()
    return row is not None and row.status == "running" and liveness.is_alive(row)
