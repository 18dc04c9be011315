"""Recording missing and away episodes and their return home interviews. Never commits;
every change recomputes the child's tracked items in the same transaction.

The checks keep what the return and the rules engine need true: an episode starts while
the child is looked after, episodes never overlap, an episode ends by the end of the
period of care (903: missing episodes end by the end of the period; rules.md §9), and a
return home interview is for a child who was missing and comes on or after the return.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.children.models import CarePeriod, Child
from tracker.children.services import check_fact_date, check_version
from tracker.errors import ValidationError
from tracker.missing.models import INTERVIEW_OUTCOMES, MISSING_KINDS, MissingEpisode
from tracker.tracking.services import recompute_child

FIELDS = ("kind", "start_on", "end_on", "interview", "interview_on")


def _child(session: Session, record: MissingEpisode) -> Child:
    child = session.get(Child, record.child_id)
    assert child is not None
    return child


def _period_of(child: Child, on: dt.date) -> CarePeriod | None:
    return next((p for p in child.care_periods if p.start_on <= on and (p.end_on is None or on <= p.end_on)), None)


def _validate(session: Session, child: Child, data: dict[str, Any], *, today: dt.date,
              record: MissingEpisode | None = None) -> None:
    kind, start, end = data.get("kind") or None, data.get("start_on"), data.get("end_on")
    interview, interview_on = data.get("interview") or None, data.get("interview_on")
    errors: dict[str, str] = {}
    if kind not in MISSING_KINDS:
        errors["kind"] = "Select whether the child was missing or away without authorisation"
    errors |= check_fact_date(session, child, start, today=today, field="start_on",
                              what="Date the episode started")
    if end is not None:
        end_errors = check_fact_date(session, child, end, today=today, field="end_on", what="Date the child returned",
                                     in_care=False)
        if not end_errors and start is not None and end < start:
            end_errors = {"end_on": f"Date the child returned must be on or after the start ({start:%d/%m/%Y})"}
        errors |= end_errors
    if start is not None and "start_on" not in errors and "end_on" not in errors:
        period = _period_of(child, start)
        if period is not None and period.end_on is not None and (end is None or end > period.end_on):
            errors["end_on"] = (f"{child.first_name} stopped being looked after on {period.end_on:%d/%m/%Y}: "
                                "an episode ends by then. Enter the date the child returned")
        else:
            clash = _overlap(session, child, start, end, record)
            if clash is not None:
                until = f"to {clash.end_on:%d/%m/%Y}" if clash.end_on else "(the child has not returned)"
                errors["start_on"] = (f"This overlaps the episode from {clash.start_on:%d/%m/%Y} {until}"
                                      + ("" if clash.end_on else ": record when the child returned first"))
    if interview is not None and interview not in INTERVIEW_OUTCOMES:
        errors["interview"] = "Select what happened to the return home interview from the list"
    elif interview is not None or interview_on is not None:
        if kind == "A":
            errors["interview"] = ("A return home interview is for a child who was missing, not away without "
                                   "authorisation: leave it as not recorded")
        elif interview is None:
            errors["interview"] = "Select what happened to the return home interview"
        if interview_on is None:
            errors.setdefault("interview_on", "Enter the date of the return home interview")
        elif end is None:
            errors.setdefault("interview_on", "Enter the date the child returned first: the interview comes after it")
        elif interview_on < end:
            errors.setdefault("interview_on", f"Date of the return home interview must be on or after the return "
                                              f"({end:%d/%m/%Y})")
        elif interview_on > today:
            errors.setdefault("interview_on", "Date of the return home interview must be today or in the past")
    if errors:
        raise ValidationError(errors)


def _overlap(session: Session, child: Child, start: dt.date, end: dt.date | None,
             record: MissingEpisode | None) -> MissingEpisode | None:
    """Another episode sharing a day with this one (a child may go missing again the day
    they came back: an episode may start the day the previous one ended)."""
    for other in session.scalars(select(MissingEpisode).where(MissingEpisode.child_id == child.id)
                                 .order_by(MissingEpisode.start_on)):
        if record is not None and other.id == record.id:
            continue
        if other.start_on == start:
            return other
        if start < (other.end_on or dt.date.max) and other.start_on < (end or dt.date.max):
            return other
    return None


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    out = {k: data.get(k) for k in FIELDS}
    out["interview"] = out["interview"] or None
    return out


def record_episode(session: Session, child: Child, data: dict[str, Any], *, today: dt.date) -> MissingEpisode:
    _validate(session, child, data, today=today)
    record = MissingEpisode(child_id=child.id, **_clean(data))
    session.add(record)
    recompute_child(session, child, today=today)
    return record


def update_episode(session: Session, record: MissingEpisode, data: dict[str, Any], *, today: dt.date,
                   expected_version: int | None = None) -> MissingEpisode:
    check_version(record, expected_version)
    child = _child(session, record)
    _validate(session, child, data, today=today, record=record)
    for key, value in _clean(data).items():
        setattr(record, key, value)
    recompute_child(session, child, today=today)
    return record


def delete_episode(session: Session, record: MissingEpisode, *, today: dt.date,
                   expected_version: int | None = None) -> None:
    check_version(record, expected_version)
    child = _child(session, record)
    session.delete(record)
    recompute_child(session, child, today=today)
