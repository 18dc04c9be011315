"""Writes: raise alerts (one per fact), notify the right people, queue emails.

Every function flushes and never commits: the job adapters in ``tracker.alerts.jobs``
commit, so alerts, their notifications and their emails land in one transaction. All the
inserts are ``INSERT … SELECT … ON CONFLICT DO NOTHING`` against unique keys, so running
a step again for the same day adds nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import and_, func, literal, select, text, update
from sqlalchemy.orm import Session, aliased

from tracker import audit
from tracker.alerts.emails import EmailLine, child_link, child_ref, long_date, render
from tracker.alerts.models import Alert, Notification, OutboxEmail
from tracker.alerts.queries import open_item_conditions
from tracker.auth.models import Team, User
from tracker.auth.roles import MANAGE_SERVICE, MANAGE_TEAM, RUN_JOBS, roles_with
from tracker.children.models import Child
from tracker.db import UTCDateTime
from tracker.errors import ValidationError
from tracker.tracking.calendars import add_working_days, is_working_day
from tracker.tracking.models import TrackedItem
from tracker.tracking.rules import RULES

#: Items listed per section of an email; the rest are counted ("and 12 more").
EMAIL_MAX_LINES = 50


def _insert(session: Session):  # The dialect's insert, for ON CONFLICT DO NOTHING
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _titles() -> dict[str, str]:
    return {r.kind: r.title for r in RULES}


@dataclass
class AlertCounts:
    alerts: int = 0
    notifications: int = 0
    emails: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"alerts": self.alerts, **self.by_kind, "notifications": self.notifications, "emails": self.emails}


# ---------------------------------------------------------------------------- worker alerts


def raise_due_alerts(session: Session, *, today: dt.date, due_soon_days: int, now: dt.datetime) -> AlertCounts:
    """Alert each item's owner, once, that it is due soon and again that it is overdue.

    Reads the statuses as last refreshed (the scan refreshes them first). One
    ``INSERT … SELECT`` over the scan's selection; the unique constraint turns away facts
    already alerted (``ON CONFLICT DO NOTHING`` probes its index per row). Not an
    anti-join: on a table that has just been emptied or created, the planner may scan
    ``alerts`` once per candidate while the statement itself fills it — quadratic.
    """
    insert = _insert(session)
    stamp = literal(now, UTCDateTime())
    source = (select(TrackedItem.id, TrackedItem.child_id, TrackedItem.status, literal("worker"), TrackedItem.due_on,
                     literal(today), stamp)
              .where(*open_item_conditions(today, due_soon_days)))
    kinds = session.scalars(insert(Alert).from_select(
        ["item_id", "child_id", "kind", "level", "due_on", "raised_on", "created_at"], source)
        .on_conflict_do_nothing().returning(Alert.kind)).all()
    counts = AlertCounts(alerts=len(kinds), by_kind={k: kinds.count(k) for k in ("due_soon", "overdue")})
    _after_bulk_insert(session, counts.alerts)
    # Notify about the alerts this call raised (stamped with ``now``), not the whole day's.
    recipients = (select(Alert.id, User.id, stamp)
                  .join(TrackedItem, TrackedItem.id == Alert.item_id)
                  .join(User, User.id == TrackedItem.owner_id)
                  .where(Alert.raised_on == today, Alert.created_at == stamp, Alert.level == "worker",
                         User.active == True))  # noqa: E712
    counts.notifications = _notify(session, recipients)
    return counts


def _notify(session: Session, source: Any) -> int:
    insert = _insert(session)
    return _inserted(session, insert(Notification).from_select(["alert_id", "user_id", "created_at"], source)
                     .on_conflict_do_nothing().returning(Notification.id))


#: After inserting this many alerts in one go, refresh the planner's statistics.
BULK_ROWS = 5000


def _after_bulk_insert(session: Session, inserted: int) -> None:
    """PostgreSQL plans the notification inserts that follow from its statistics, which
    do not know about rows this transaction has just added: believing ``alerts`` holds a
    handful of today's rows, it nests a scan of ``users`` inside each of 300,000 (minutes
    instead of seconds, measured by the bench). ANALYZE inside the transaction counts
    them. Only after a bulk insert: the first day, or a change that alerts many items."""
    if inserted >= BULK_ROWS and session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE alerts"))


def _inserted(session: Session, stmt: Any) -> int:
    """Rows an ``INSERT … ON CONFLICT DO NOTHING RETURNING id`` added (the drivers do not
    all report a row count for it; RETURNING is exact on PostgreSQL and SQLite alike)."""
    return len(session.execute(stmt).all())


# ---------------------------------------------------------------------------- escalation


def overdue_cutoff(today: dt.date, working_days: int) -> dt.date:
    """The latest due date that is overdue by at least ``working_days`` working days on
    ``today``: an item due on D is overdue by N working days from the N-th working day
    after D (weekends and bank holidays in England skipped)."""
    d = today - dt.timedelta(days=1)
    while add_working_days(d, working_days) > today:
        d -= dt.timedelta(days=1)
    return d


@lru_cache(maxsize=4096)
def working_days_overdue(due_on: dt.date, today: dt.date) -> int:
    n = 0
    d = due_on
    while d < today:
        d += dt.timedelta(days=1)
        if is_working_day(d):
            n += 1
    return n


def raise_escalations(session: Session, *, today: dt.date, team_manager_days: int, group_manager_days: int,
                      now: dt.datetime, base_url: str) -> AlertCounts:
    """Escalate items overdue by N working days to the team manager(s) of the item's team
    and after M to the group manager(s) of that team's service, and queue one email per
    manager listing what was escalated to them today — all in the caller's transaction."""
    insert = _insert(session)
    stamp = literal(now, UTCDateTime())
    counts = AlertCounts()
    for level, days in (("team_manager", team_manager_days), ("group_manager", group_manager_days)):
        source = (select(TrackedItem.id, TrackedItem.child_id, literal("escalated"), literal(level),
                         TrackedItem.due_on, literal(today), stamp)
                  .where(TrackedItem.is_open == True, TrackedItem.status == "overdue",  # noqa: E712
                         TrackedItem.due_on <= overdue_cutoff(today, days)))
        counts.by_kind[level] = _inserted(session, insert(Alert).from_select(
            ["item_id", "child_id", "kind", "level", "due_on", "raised_on", "created_at"], source)
            .on_conflict_do_nothing().returning(Alert.id))
        counts.alerts += counts.by_kind[level]
    _after_bulk_insert(session, counts.alerts)

    to_team_managers = (
        select(Alert.id, User.id, stamp)
        .join(TrackedItem, TrackedItem.id == Alert.item_id)
        .join(User, and_(User.team_id == TrackedItem.team_id, User.role.in_(roles_with(MANAGE_TEAM)),
                         User.active == True))  # noqa: E712
        .where(Alert.raised_on == today, Alert.created_at == stamp, Alert.level == "team_manager"))
    item_team = aliased(Team)
    own_team = aliased(Team)
    to_group_managers = (
        select(Alert.id, User.id, stamp)
        .join(TrackedItem, TrackedItem.id == Alert.item_id)
        .join(item_team, item_team.id == TrackedItem.team_id)
        .join(User, and_(User.role.in_(roles_with(MANAGE_SERVICE)), User.active == True))  # noqa: E712
        .outerjoin(own_team, own_team.id == User.team_id)
        .where(Alert.raised_on == today, Alert.created_at == stamp, Alert.level == "group_manager",
               func.coalesce(User.service_id, own_team.service_id) == item_team.service_id))
    counts.notifications = _notify(session, to_team_managers) + _notify(session, to_group_managers)
    counts.emails = _queue_escalation_emails(session, today=today, now=now, stamp=stamp, base_url=base_url)
    return counts


def _queue_escalation_emails(session: Session, *, today: dt.date, now: dt.datetime, stamp: Any,
                             base_url: str) -> int:
    owner = aliased(User)
    rows = session.execute(
        select(Notification.user_id, Alert.level, TrackedItem.child_id, TrackedItem.kind, TrackedItem.due_on,
               Child.first_name, Child.last_name, Child.local_id, owner.name, Team.name)
        .join(Alert, Alert.id == Notification.alert_id)
        .join(TrackedItem, TrackedItem.id == Alert.item_id)
        .join(Child, Child.id == TrackedItem.child_id)
        .outerjoin(owner, owner.id == TrackedItem.owner_id)
        .outerjoin(Team, Team.id == TrackedItem.team_id)
        .where(Alert.raised_on == today, Alert.created_at == stamp, Alert.kind == "escalated")
        .order_by(Notification.user_id, TrackedItem.due_on, TrackedItem.id))
    titles = _titles()
    per_user: dict[int, list[Any]] = defaultdict(list)
    for r in rows:
        per_user[r[0]].append(r)
    queued = 0
    for user in _recipients(session, per_user):
        found = per_user[user.id]
        lines = [EmailLine(
            child_ref=child_ref(r.first_name, r.last_name, r.local_id), title=titles.get(r.kind, r.kind),
            due_on=r.due_on, status="overdue", link=child_link(base_url, r.child_id),
            days=(today - r.due_on).days, working_days_overdue=working_days_overdue(r.due_on, today),
            owner=r[8] or "Not allocated", team=r[9]) for r in found[:EMAIL_MAX_LINES]]
        subject = (f"Escalated to you: {len(found)} overdue item{'s' if len(found) != 1 else ''}"
                   f" — {long_date(today)}")
        queued += _queue(session, key=f"escalation:{user.id}:{today.isoformat()}", kind="escalation", user=user,
                         subject=subject, template="escalation", now=now,
                         context={"user": user, "today": today, "lines": lines,
                                  "more": len(found) - len(lines), "level": found[0].level, "base_url": base_url})
    return queued


# ---------------------------------------------------------------------------- digest


def queue_digests(session: Session, *, today: dt.date, due_soon_days: int, now: dt.datetime,
                  base_url: str) -> dict[str, int]:
    """One email per worker with anything overdue or due soon, once per business day."""
    new_alert = aliased(Alert)
    rows = session.execute(
        select(TrackedItem.owner_id, TrackedItem.child_id, TrackedItem.kind, TrackedItem.due_on,
               TrackedItem.status, Child.first_name, Child.last_name, Child.local_id,
               new_alert.id.is_not(None).label("new"))
        .join(Child, Child.id == TrackedItem.child_id)
        .join(User, User.id == TrackedItem.owner_id)
        .outerjoin(new_alert, and_(new_alert.item_id == TrackedItem.id, new_alert.level == "worker",
                                   new_alert.kind == TrackedItem.status, new_alert.due_on == TrackedItem.due_on,
                                   new_alert.raised_on == today))
        .where(*open_item_conditions(today, due_soon_days), User.active == True)  # noqa: E712
        .order_by(TrackedItem.owner_id, TrackedItem.due_on, TrackedItem.id))
    titles = _titles()
    per_user: dict[int, list[EmailLine]] = defaultdict(list)
    for r in rows:
        per_user[r.owner_id].append(EmailLine(
            child_ref=child_ref(r.first_name, r.last_name, r.local_id), title=titles.get(r.kind, r.kind),
            due_on=r.due_on, status=r.status, link=child_link(base_url, r.child_id),
            days=abs((r.due_on - today).days), new=bool(r.new)))
    keys = {uid: f"digest:{uid}:{today.isoformat()}" for uid in per_user}
    done = _existing_keys(session, keys.values())
    queued = 0
    for user in _recipients(session, {uid: v for uid, v in per_user.items() if keys[uid] not in done}):
        lines = per_user[user.id]
        overdue = [line for line in lines if line.status == "overdue"]
        due_soon = [line for line in lines if line.status == "due_soon"]
        parts = [f"{len(overdue)} overdue"] if overdue else []
        if due_soon:
            parts.append(f"{len(due_soon)} due soon")
        subject = f"Your due dates: {', '.join(parts)} — {long_date(today)}"
        queued += _queue(session, key=keys[user.id], kind="digest", user=user, subject=subject, template="digest",
                         now=now, context={"user": user, "today": today, "overdue": overdue[:EMAIL_MAX_LINES],
                                           "overdue_total": len(overdue), "due_soon": due_soon[:EMAIL_MAX_LINES],
                                           "due_soon_total": len(due_soon), "base_url": base_url})
    return {"workers": len(per_user), "emails": queued, "items": sum(len(v) for v in per_user.values())}


# ---------------------------------------------------------------------------- outbox


def _recipients(session: Session, per_user: dict[int, Any]) -> list[User]:
    if not per_user:
        return []
    users = session.scalars(select(User).where(User.id.in_(list(per_user)), User.active == True)  # noqa: E712
                            .order_by(User.id))
    return [u for u in users if u.email]


def _existing_keys(session: Session, keys: Iterable[str]) -> set[str]:
    keys = list(keys)
    found: set[str] = set()
    for i in range(0, len(keys), 500):
        found.update(session.scalars(select(OutboxEmail.key).where(OutboxEmail.key.in_(keys[i:i + 500]))))
    return found


def _queue(session: Session, *, key: str, kind: str, user: User, subject: str, template: str,
           now: dt.datetime, context: dict[str, Any]) -> int:
    text, html = render(template, **context)
    insert = _insert(session)
    return _inserted(session, insert(OutboxEmail).values(
        key=key, kind=kind, recipient_id=user.id, to_address=user.email, subject=subject[:200], text_body=text,
        html_body=html, status="pending", attempts=0, next_attempt_at=now, created_at=now,
    ).on_conflict_do_nothing().returning(OutboxEmail.id))


def queue_admin_warnings(session: Session, *, health: Any, now: dt.datetime, base_url: str) -> dict[str, int]:
    """One email a day to each administrator per problem: today's scan late, mail stuck.
    ``health`` is :class:`tracker.alerts.queries.Health`."""
    problems = []
    if health.scan_late:
        problems.append(("scan-late", "Today's scan has not succeeded"))
    if health.mail_stuck:
        problems.append(("outbox-stuck", "Email is waiting in the outbox"))
    if not problems:
        return {"warnings": 0}
    admins = [u for u in session.scalars(select(User).where(User.role.in_(roles_with(RUN_JOBS)), User.active == True)  # noqa: E712
                                         .order_by(User.id)) if u.email]
    queued = 0
    for kind, subject in problems:
        for user in admins:
            queued += _queue(session, key=f"{kind}:{user.id}:{health.today.isoformat()}", kind=kind, user=user,
                             subject=f"{subject} — {long_date(health.today)}", template="admin_warning", now=now,
                             context={"user": user, "today": health.today, "headline": subject,
                                      "problems": health.problems, "base_url": base_url})
    return {"warnings": queued}


def retry_email(session: Session, *, email_id: int, now: dt.datetime) -> None:
    """An administrator sends a failed email again (from the admin page)."""
    row = session.get(OutboxEmail, email_id)
    if row is None or row.status != "failed":
        raise ValidationError({"_form": "Only a failed email can be sent again."})
    session.execute(update(OutboxEmail).where(OutboxEmail.id == email_id, OutboxEmail.status == "failed")
                    .values(status="pending", attempts=0, next_attempt_at=now, claim_token=None, claimed_at=None)
                    .execution_options(synchronize_session=False))
    audit.record(session, action="retry_email", entity_type="outbox_emails", entity_id=email_id,
                 summary=f"Email {row.kind} to {row.to_address} queued to be sent again")
    session.flush()


# ---------------------------------------------------------------------------- notifications


def mark_read(session: Session, *, user_id: int, notification_id: int, now: dt.datetime) -> bool:
    result = session.execute(update(Notification)
                             .where(Notification.id == notification_id, Notification.user_id == user_id,
                                    Notification.read_at.is_(None))
                             .values(read_at=now).execution_options(synchronize_session=False))
    return result.rowcount == 1


def mark_all_read(session: Session, *, user_id: int, now: dt.datetime) -> int:
    result = session.execute(update(Notification)
                             .where(Notification.user_id == user_id, Notification.read_at.is_(None))
                             .values(read_at=now).execution_options(synchronize_session=False))
    return max(result.rowcount, 0)
