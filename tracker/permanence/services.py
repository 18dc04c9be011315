"""Recording permanence plans, milestones, pre-proceedings and care proceedings.

Never commits; every change recomputes the child's tracked items. Court events may
predate care (a case on the edge of care), so they need not fall in a period of care;
plans and milestones must.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.children.models import Child
from tracker.children.services import already_recorded, check_fact_date, check_version
from tracker.errors import ValidationError
from tracker.permanence.models import (
    COURT_EVENTS,
    MILESTONES,
    ORDERS,
    PLANS,
    CourtEvent,
    PermanenceMilestone,
    PermanencePlan,
)
from tracker.tracking.rules.court import MAX_EXTENSION_WEEKS
from tracker.tracking.services import recompute_child


def _child(session: Session, record: PermanencePlan | PermanenceMilestone | CourtEvent) -> Child:
    child = session.get(Child, record.child_id)
    assert child is not None
    return child


# Plans -------------------------------------------------------------------------------

def _validate_plan(session: Session, child: Child, agreed_on: dt.date | None, plan: str | None, *,
                   today: dt.date, record: PermanencePlan | None = None) -> None:
    errors = ({"agreed_on": "Enter the date the plan was agreed"} if agreed_on is None else
              check_fact_date(session, child, agreed_on, today=today, field="agreed_on",
                              what="Date the plan was agreed"))
    if plan not in PLANS:
        errors["plan"] = "Select the plan for permanence"
    if agreed_on and "agreed_on" not in errors:
        if already_recorded(session, PermanencePlan.agreed_on, child.id, agreed_on, exclude=record):
            errors["agreed_on"] = f"A permanence plan agreed on {agreed_on:%d/%m/%Y} is already recorded"
    if errors:
        raise ValidationError(errors)


def record_plan(session: Session, child: Child, *, agreed_on: dt.date | None, plan: str | None,
                today: dt.date) -> PermanencePlan:
    _validate_plan(session, child, agreed_on, plan, today=today)
    record = PermanencePlan(child_id=child.id, agreed_on=agreed_on, plan=plan)
    session.add(record)
    recompute_child(session, child, today=today)
    return record


def update_plan(session: Session, record: PermanencePlan, *, agreed_on: dt.date | None, plan: str | None,
                today: dt.date, expected_version: int | None = None) -> PermanencePlan:
    check_version(record, expected_version)
    child = _child(session, record)
    _validate_plan(session, child, agreed_on, plan, today=today, record=record)
    record.agreed_on = agreed_on  # type: ignore[assignment]
    record.plan = plan  # type: ignore[assignment]
    recompute_child(session, child, today=today)
    return record


def delete_plan(session: Session, record: PermanencePlan, *, today: dt.date,
                expected_version: int | None = None) -> None:
    check_version(record, expected_version)
    child = _child(session, record)
    session.delete(record)
    recompute_child(session, child, today=today)


# Milestones --------------------------------------------------------------------------

def _validate_milestone(session: Session, child: Child, kind: str | None, on: dt.date | None, *,
                        today: dt.date, record: PermanenceMilestone | None = None) -> None:
    errors = ({"on": "Enter the date of the milestone"} if on is None else
              check_fact_date(session, child, on, today=today, field="on", what="Date of the milestone"))
    if kind not in MILESTONES:
        errors["kind"] = "Select the milestone"
    elif on and "on" not in errors:
        if already_recorded(session, PermanenceMilestone.on, child.id, on, exclude=record, kind=kind):
            errors["on"] = f"{MILESTONES[kind]} on {on:%d/%m/%Y} is already recorded"
    if errors:
        raise ValidationError(errors)


def record_milestone(session: Session, child: Child, *, kind: str | None, on: dt.date | None,
                     today: dt.date) -> PermanenceMilestone:
    _validate_milestone(session, child, kind, on, today=today)
    record = PermanenceMilestone(child_id=child.id, kind=kind, on=on)
    session.add(record)
    recompute_child(session, child, today=today)
    return record


def update_milestone(session: Session, record: PermanenceMilestone, *, kind: str | None, on: dt.date | None,
                     today: dt.date, expected_version: int | None = None) -> PermanenceMilestone:
    check_version(record, expected_version)
    child = _child(session, record)
    _validate_milestone(session, child, kind, on, today=today, record=record)
    record.kind = kind  # type: ignore[assignment]
    record.on = on  # type: ignore[assignment]
    recompute_child(session, child, today=today)
    return record


def delete_milestone(session: Session, record: PermanenceMilestone, *, today: dt.date,
                     expected_version: int | None = None) -> None:
    check_version(record, expected_version)
    child = _child(session, record)
    session.delete(record)
    recompute_child(session, child, today=today)


# Court events ------------------------------------------------------------------------

def open_pre_proceedings(events: Sequence[CourtEvent], on: dt.date) -> CourtEvent | None:
    """The pre-proceedings started on or before ``on`` and not ended before it."""
    enders = [e.on for e in events if e.kind in ("pre_proceedings_ended", "proceedings_issued")]
    for start in sorted((e for e in events if e.kind == "pre_proceedings_started"), key=lambda e: e.on,
                        reverse=True):
        if start.on <= on and not any(start.on <= d < on for d in enders):
            return start
    return None


def open_proceedings(events: Sequence[CourtEvent], on: dt.date) -> CourtEvent | None:
    """The care proceedings issued on or before ``on`` with no final order before it."""
    finals = [e.on for e in events if e.kind == "final_order"]
    for issued in sorted((e for e in events if e.kind == "proceedings_issued"), key=lambda e: e.on, reverse=True):
        if issued.on <= on and not any(issued.on <= d < on for d in finals):
            return issued
    return None


def _validate_court_event(session: Session, child: Child, *, kind: str | None, on: dt.date | None,
                          weeks: int | None, court_order: str | None, today: dt.date,
                          record: CourtEvent | None = None) -> None:
    errors = ({"on": "Enter the date"} if on is None else
              check_fact_date(session, child, on, today=today, field="on", what="Date", in_care=False))
    if kind not in COURT_EVENTS:
        errors["kind"] = "Select what happened"
    if kind == "proceedings_extended":
        if weeks is None:
            errors["weeks"] = f"Select how many weeks the timetable was extended by (1 to {MAX_EXTENSION_WEEKS})"
        elif not 1 <= weeks <= MAX_EXTENSION_WEEKS:
            errors["weeks"] = f"An extension is from 1 to {MAX_EXTENSION_WEEKS} weeks"
    elif weeks is not None:
        errors["weeks"] = "Only give weeks for an extension of the timetable"
    if kind == "final_order":
        if not court_order:
            errors["court_order"] = "Select the order the court made"
        elif court_order not in ORDERS:
            errors["court_order"] = "Select the order the court made from the list"
    elif court_order:
        errors["court_order"] = "Only give an order for a final order"
    if errors or on is None or kind is None:
        raise ValidationError(errors)

    others = [e for e in session.scalars(select(CourtEvent).where(CourtEvent.child_id == child.id))
              if record is None or e.id != record.id]
    label = COURT_EVENTS[kind]
    if any(e.kind == kind and e.on == on for e in others):
        errors["on"] = f"{label} on {on:%d/%m/%Y} is already recorded"
    elif kind == "pre_proceedings_started" and (pre := open_pre_proceedings(others, on)) is not None:
        errors["on"] = f"Pre-proceedings started on {pre.on:%d/%m/%Y} have not ended yet"
    elif kind == "pre_proceedings_ended" and open_pre_proceedings(others, on) is None:
        errors["kind"] = "There are no pre-proceedings open on this date; record when they started first"
    elif kind == "proceedings_issued" and (open_ := open_proceedings(others, on)) is not None:
        errors["on"] = f"Care proceedings issued on {open_.on:%d/%m/%Y} have no final order yet"
    elif kind in ("proceedings_extended", "hearing", "final_order") and open_proceedings(others, on) is None:
        errors["kind"] = (f"{label} needs care proceedings issued on or before this date and still open; "
                          "record the issue of proceedings first")
    if errors:
        raise ValidationError(errors)


def record_court_event(session: Session, child: Child, *, kind: str | None, on: dt.date | None,
                       weeks: int | None = None, court_order: str | None = None, notes: str | None = None,
                       today: dt.date) -> CourtEvent:
    court_order = court_order or None
    _validate_court_event(session, child, kind=kind, on=on, weeks=weeks, court_order=court_order, today=today)
    record = CourtEvent(child_id=child.id, kind=kind, on=on, weeks=weeks, court_order=court_order,
                        notes=(notes or "").strip() or None)
    session.add(record)
    recompute_child(session, child, today=today)
    return record


def update_court_event(session: Session, record: CourtEvent, *, kind: str | None, on: dt.date | None,
                       weeks: int | None = None, court_order: str | None = None, notes: str | None = None,
                       today: dt.date, expected_version: int | None = None) -> CourtEvent:
    check_version(record, expected_version)
    child = _child(session, record)
    court_order = court_order or None
    _validate_court_event(session, child, kind=kind, on=on, weeks=weeks, court_order=court_order, today=today,
                          record=record)
    record.kind = kind  # type: ignore[assignment]
    record.on = on  # type: ignore[assignment]
    record.weeks = weeks
    record.court_order = court_order
    record.notes = (notes or "").strip() or None
    recompute_child(session, child, today=today)
    return record


def delete_court_event(session: Session, record: CourtEvent, *, today: dt.date,
                       expected_version: int | None = None) -> None:
    check_version(record, expected_version)
    child = _child(session, record)
    session.delete(record)
    recompute_child(session, child, today=today)
