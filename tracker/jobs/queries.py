"""Reads about the scheduler processes and the job runs."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session

from tracker.jobs.models import JobRun, SchedulerHeartbeat


def get_scheduler_heartbeat(session: Session) -> dt.datetime | None:
    """When the active scheduler last showed it was alive (None: no scheduler has ever
    been active). It beats every SCHEDULER_POLL_SECONDS; a much older value means no
    scheduler is running jobs (for ``/readyz``)."""
    return session.scalar(select(func.max(SchedulerHeartbeat.beat_at)).where(SchedulerHeartbeat.state == "active"))


def list_schedulers(session: Session, *, since: dt.datetime) -> list[SchedulerHeartbeat]:
    """Scheduler processes seen since ``since``, latest heartbeat first."""
    return list(session.scalars(select(SchedulerHeartbeat).where(SchedulerHeartbeat.beat_at >= since)
                                .order_by(SchedulerHeartbeat.beat_at.desc(), SchedulerHeartbeat.id.desc())))


def last_runs(session: Session) -> dict[str, JobRun]:
    """The latest run of each job."""
    latest = (select(JobRun.job, func.max(JobRun.id).label("id")).group_by(JobRun.job).subquery())
    rows = session.scalars(select(JobRun).join(latest, JobRun.id == latest.c.id))
    return {r.job: r for r in rows}


def list_recent_runs(session: Session, jobs: list[str], *, limit: int = 30) -> list[JobRun]:
    return list(session.scalars(select(JobRun).where(JobRun.job.in_(jobs)).order_by(JobRun.id.desc()).limit(limit)))


def last_failures(session: Session) -> dict[str, JobRun]:
    """The latest failed run of each job (a job that runs every minute hides it otherwise)."""
    latest = (select(JobRun.job, func.max(JobRun.id).label("id")).where(JobRun.status == "failed")
              .group_by(JobRun.job).subquery())
    return {r.job: r for r in session.scalars(select(JobRun).join(latest, JobRun.id == latest.c.id))}


def next_run_times(session: Session) -> dict[str, dt.datetime]:
    """When the scheduler will next run each job (from APScheduler's job store, if any)."""
    bind = session.get_bind()
    if not inspect(bind).has_table("apscheduler_jobs"):
        return {}
    out: dict[str, dt.datetime] = {}
    for job_id, ts in session.execute(text("SELECT id, next_run_time FROM apscheduler_jobs")):
        if ts is not None:
            out[job_id] = dt.datetime.fromtimestamp(float(ts), dt.UTC)
    return out
