"""Reads about the scheduler processes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.jobs.models import SchedulerHeartbeat


def get_scheduler_heartbeat(session: Session) -> dt.datetime | None:
    """When the active scheduler last showed it was alive (None: no scheduler has ever
    been active). It beats every SCHEDULER_POLL_SECONDS; a much older value means no
    scheduler is running jobs (for ``/readyz``)."""
    return session.scalar(select(func.max(SchedulerHeartbeat.beat_at)).where(SchedulerHeartbeat.state == "active"))


def list_schedulers(session: Session, *, since: dt.datetime) -> list[SchedulerHeartbeat]:
    """Scheduler processes seen since ``since``, latest heartbeat first."""
    return list(session.scalars(select(SchedulerHeartbeat).where(SchedulerHeartbeat.beat_at >= since)
                                .order_by(SchedulerHeartbeat.beat_at.desc(), SchedulerHeartbeat.id.desc())))
