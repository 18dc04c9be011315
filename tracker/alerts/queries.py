"""Reads: the scan's selection, notifications, the outbox, and the health panel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from tracker import clock
from tracker.alerts.models import Alert, Notification, OutboxEmail
from tracker.children.models import Child
from tracker.jobs.models import JobRun, SchedulerHeartbeat
from tracker.jobs.queries import list_schedulers
from tracker.tracking.models import TrackedItem

ALERT_STATUSES = ("overdue", "due_soon")


def open_item_conditions(today: dt.date, due_soon_days: int, columns: Any = TrackedItem) -> list[Any]:
    """Open items that are overdue or due soon as of ``today``.

    The due-date bound lets the database walk the partial index on open items
    (``ix_tracked_items_open_due``); the status test keeps the engine's word on items
    with special rules (a PEP is never "overdue"). ``is_open = true`` (not ``IS TRUE``) so
    PostgreSQL and SQLite match the index predicate. ``columns`` is the mapped class or,
    for plain Core statements, the table's ``c``.
    """
    return [
        columns.is_open == True,  # noqa: E712
        columns.due_on <= today + dt.timedelta(days=due_soon_days),
        columns.status.in_(ALERT_STATUSES),
    ]


def select_alert_candidates(today: dt.date, due_soon_days: int) -> Select[Any]:
    """The daily scan's selection: every open item overdue or due soon (see the bench).

    A plain Core statement on the table: the scan runs it inside ``INSERT … SELECT`` and
    readers fetch hundreds of thousands of rows, so it skips the ORM's result machinery.
    """
    c = TrackedItem.__table__.c
    return (select(c.id, c.child_id, c.status, c.due_on, c.owner_id, c.team_id)
            .where(*open_item_conditions(today, due_soon_days, c)))


def list_alert_candidates(session: Session, today: dt.date, due_soon_days: int) -> list[Any]:
    """Fetch the scan's selection (rows of id, child_id, status, due_on, owner_id, team_id)."""
    return list(session.connection().execute(select_alert_candidates(today, due_soon_days)).all())


# ---------------------------------------------------------------------------- notifications


def count_unread(session: Session, user_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Notification)
                          .where(Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def list_notifications(user_id: int) -> Select[Any]:
    """A user's notifications, unread first, newest first (rows for the list page)."""
    return (select(Notification, Alert, TrackedItem, Child)
            .join(Alert, Alert.id == Notification.alert_id)
            .join(TrackedItem, TrackedItem.id == Alert.item_id)
            .join(Child, Child.id == Alert.child_id)
            .where(Notification.user_id == user_id)
            .order_by(Notification.read_at.is_not(None), Alert.raised_on.desc(), Notification.id.desc()))


# ---------------------------------------------------------------------------- outbox


def count_outbox(session: Session) -> dict[str, int]:
    counts = dict.fromkeys(("pending", "sending", "sent", "failed"), 0)
    for status, n in session.execute(select(OutboxEmail.status, func.count()).group_by(OutboxEmail.status)):
        counts[status] = n
    return counts


def list_outbox(status: str | None = None) -> Select[Any]:
    stmt = select(OutboxEmail)
    if status:
        stmt = stmt.where(OutboxEmail.status == status)
    return stmt.order_by(OutboxEmail.id.desc())


# ---------------------------------------------------------------------------- health


def parse_time(value: str) -> dt.time:
    """"06:30" or "06:30:15" → a time (ValueError if it is not one)."""
    parts = [int(p) for p in str(value).strip().split(":")]
    if len(parts) == 2:
        parts.append(0)
    if len(parts) != 3 or not (0 <= parts[0] < 24 and 0 <= parts[1] < 60 and 0 <= parts[2] < 60):
        raise ValueError(f"expected a time HH:MM or HH:MM:SS, got {value!r}")
    return dt.time(*parts)


@dataclass
class Health:
    """What an administrator needs to know is working: the scheduler, today's scan, mail."""

    now: dt.datetime
    today: dt.date
    #: The active scheduler's latest heartbeat row, and whether it is recent.
    scheduler: SchedulerHeartbeat | None
    scheduler_alive: bool
    standbys: list[SchedulerHeartbeat]
    scan: JobRun | None
    scan_at: dt.time
    scan_late_at: dt.time
    scan_late: bool
    outbox: dict[str, int]
    oldest_pending_at: dt.datetime | None
    mail_stuck: bool
    mail_server: str | None
    problems: list[str] = field(default_factory=list)


def get_health(session: Session, config: Mapping[str, Any], now: dt.datetime | None = None) -> Health:
    now = now or clock.now()
    local = now.astimezone(clock.LONDON)
    today = local.date()
    recent = now - dt.timedelta(seconds=max(60, 3 * int(config["SCHEDULER_POLL_SECONDS"])))
    seen = list_schedulers(session, since=now - dt.timedelta(days=1))
    active = next((s for s in seen if s.state == "active"), None)
    standbys = [s for s in seen if s.state == "standby" and s.beat_at >= recent]
    scan = session.scalars(select(JobRun).where(JobRun.job == "scan", JobRun.slot == today.isoformat())).first()
    scan_at, late_at = parse_time(config["SCAN_AT"]), parse_time(config["SCAN_LATE_AT"])
    scan_late = local.time() >= late_at and (scan is None or scan.status != "ok")
    oldest = session.scalar(select(func.min(OutboxEmail.created_at)).where(OutboxEmail.status == "pending"))
    mail_server = config.get("MAIL_SERVER") or None
    stuck = bool(mail_server and oldest and oldest < now - dt.timedelta(seconds=int(config["MAIL_STUCK_AFTER_SECONDS"])))
    health = Health(now=now, today=today, scheduler=active, scheduler_alive=bool(active and active.beat_at >= recent),
                    standbys=standbys, scan=scan, scan_at=scan_at, scan_late_at=late_at, scan_late=scan_late,
                    outbox=count_outbox(session), oldest_pending_at=oldest, mail_stuck=stuck, mail_server=mail_server)
    if not health.scheduler_alive:
        health.problems.append("No scheduler is running jobs: start `tracker scheduler`." if active is None else
                               "The scheduler has not shown a sign of life since "
                               f"{active.beat_at.astimezone(clock.LONDON):%d/%m/%Y %H:%M} (it was on {active.host}).")
    if scan_late:
        # Never the error text here: these lines go into emails, and an error may quote data.
        what = ("has not started" if scan is None else "is still running" if scan.status == "running"
                else "failed (the jobs page shows why)")
        health.problems.append(f"Today's scan {what}. It was due at {scan_at:%H:%M}: until it succeeds, statuses, "
                               "alerts, escalations and digests are a day old.")
    if stuck and oldest:
        health.problems.append(f"{health.outbox['pending']} email{'s' if health.outbox['pending'] != 1 else ''} "
                               f"waiting to be sent, the oldest since "
                               f"{oldest.astimezone(clock.LONDON):%d/%m/%Y %H:%M}.")
    last_send = session.scalars(select(JobRun).where(JobRun.job == "send-email", JobRun.status != "running")
                                .order_by(JobRun.id.desc()).limit(1)).first()
    if mail_server and last_send is not None and last_send.status == "failed" and last_send.error \
            and last_send.error.startswith("MailServerUnavailable: "):
        health.problems.append("Email cannot be sent just now: " + last_send.error.removeprefix(
            "MailServerUnavailable: ") + ".")
    if health.outbox["failed"]:
        health.problems.append(f"{health.outbox['failed']} email{'s' if health.outbox['failed'] != 1 else ''} "
                               "could not be sent.")
    return health
