"""Meeting mode (decisions and actions) and weekly snapshots. Never commits."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from tracker import clock
from tracker.actions import services as actions
from tracker.auth.models import Service, User
from tracker.children import access
from tracker.children.models import Child
from tracker.children.services import check_version, check_version_or_absent
from tracker.errors import ValidationError
from tracker.meetings import queries
from tracker.meetings.models import Meeting, MeetingDecision, WeeklySnapshot
from tracker.tracking.services import recompute_child


def start_meeting(session: Session, *, service: Service, week_of: dt.date, chair: User, attendees: str,
                  today: dt.date) -> Meeting:
    week = queries.week_start(week_of)
    existing = session.scalar(select(Meeting).where(Meeting.service_id == service.id, Meeting.week_of == week))
    if existing is not None:
        return existing
    people = [line.strip() for line in attendees.splitlines() if line.strip()]
    if not people:
        raise ValidationError({"attendees": "Enter who is at the meeting"})
    meeting = Meeting(service_id=service.id, week_of=week, held_on=today, chair_id=chair.id,
                      attendees="\n".join(people), status="open")
    session.add(meeting)
    session.flush()
    return meeting


def record_decision(session: Session, *, meeting: Meeting, child: Child, decision: str, actor: User,
                    action_title: str | None, action_owner: User | None, action_due: dt.date | None,
                    today: dt.date, expected_version: int | None = None) -> MeetingDecision:
    """Record (or replace) the decision for a child, and optionally add an action (a
    tracked item, through the same service as any other action). ``expected_version``
    is the decision's version when the form was opened (0: none yet)."""
    row = session.scalar(select(MeetingDecision).where(MeetingDecision.meeting_id == meeting.id,
                                                       MeetingDecision.child_id == child.id))
    check_version_or_absent(row, expected_version)
    errors: dict[str, str] = {}
    if meeting.status != "open":
        errors["_form"] = "This meeting is closed; its minutes can no longer change"
    if not decision.strip():
        errors["decision"] = "Enter the decision for this child"
    title = (action_title or "").strip()
    wants_action = bool(title or action_owner or action_due)
    if wants_action and not title:
        errors["action_title"] = "Enter what the action is"
    if wants_action and action_owner is None:
        errors["action_owner"] = "Select who owns the action"
    if wants_action and action_due is None:
        errors["action_due"] = "Enter the date the action is due"
    if errors:
        raise ValidationError(errors)
    if row is None:
        row = MeetingDecision(meeting_id=meeting.id, child_id=child.id, decision=decision.strip(),
                              recorded_by_id=actor.id)
        session.add(row)
    else:
        row.decision = decision.strip()
    session.flush()
    if wants_action:
        assert action_owner is not None
        try:
            actions.record_action(session, child, title=title, owner_id=action_owner.id, due_on=action_due,
                                  source="meeting", today=today, created_by_id=actor.id, meeting_id=meeting.id)
        except ValidationError as exc:
            names = {"title": "action_title", "owner_id": "action_owner", "due_on": "action_due"}
            raise ValidationError({names.get(k, k): v for k, v in exc.errors.items()}) from None
    else:
        recompute_child(session, child, today=today)
    return row


def close_meeting(session: Session, meeting: Meeting, *, expected_version: int | None = None) -> None:
    check_version(meeting, expected_version)
    meeting.status = "closed"
    session.flush()


def take_snapshot(session: Session, *, week_of: dt.date, today: dt.date, viewer: User | None = None) -> int:
    """Store this week's counts per team and per service, replacing any earlier run for the
    same week (rerunning a week's snapshot replaces it; it never duplicates)."""
    week = queries.week_start(week_of)
    system = viewer or _system_viewer()
    written = 0
    now = clock.now()
    for service in session.scalars(select(Service).order_by(Service.id)):
        scope = queries.make_scope(session, system, service.id, week, today)
        c = queries.counts(session, scope)
        session.execute(delete(WeeklySnapshot).where(WeeklySnapshot.week_of == week,
                                                     WeeklySnapshot.service_id == service.id))
        rows = []
        for metric in queries.SUMMARY_METRICS:
            for team in (*scope.team_ids, "all"):
                rows.append({"week_of": week, "service_id": service.id,
                             "team_id": team if team != "all" else None, "team_key": str(team),
                             "metric": metric, "value": c.get(metric, team), "taken_at": now})
        if rows:
            session.execute(insert(WeeklySnapshot), rows)
            written += len(rows)
    session.flush()
    return written


def _system_viewer() -> Any:
    """The snapshot counts every child, restricted or not (tracker.children.access.SYSTEM)."""
    return access.SYSTEM
