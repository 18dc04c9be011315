"""Recording statutory visits, care plans and placement plans. Never commits; every
change recomputes the child's tracked items in the same transaction, so the page the user
lands on shows the new due dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.auth.models import User
from tracker.children.models import Child, Placement
from tracker.children.queries import CASEWORK_ROLES
from tracker.children.services import already_recorded, check_fact_date, check_version
from tracker.errors import ValidationError
from tracker.tracking.services import recompute_child
from tracker.visits.models import CarePlan, PlacementPlan, Visit


def _child(session: Session, record: Any) -> Child:
    child = session.get(Child, record.child_id)
    assert child is not None
    return child


def placement_on(session: Session, child: Child, on: dt.date) -> Placement | None:
    """The placement a visit or placement plan dated ``on`` belongs to (rules.md §9
    reading 4): on a move date the new one, on the last day of a placement with no
    successor the ending one."""
    found = None
    for p in session.scalars(select(Placement).where(Placement.child_id == child.id)
                             .order_by(Placement.start_on, Placement.id)):
        if p.start_on <= on and (p.end_on is None or on <= p.end_on):
            found = p
    return found


def _in_placement(session: Session, child: Child, on: dt.date, field: str, what: str) -> dict[str, str]:
    if placement_on(session, child, on) is None:
        return {field: f"{child.first_name} had no placement on {on:%d/%m/%Y}: {what} belongs to a placement. "
                       "Record the placement on the care history tab first"}
    return {}


# Visits --------------------------------------------------------------------------------

def _validate_visit(session: Session, child: Child, visited_on: dt.date | None, seen_alone: bool | None,
                    visited_by_id: int | None, *, today: dt.date, record: Visit | None = None) -> None:
    errors = check_fact_date(session, child, visited_on, today=today, field="visited_on", what="Date of the visit")
    if visited_on is not None and not errors:
        errors = _in_placement(session, child, visited_on, "visited_on", "a statutory visit")
    if visited_on is not None and not errors and already_recorded(session, Visit.visited_on, child.id, visited_on,
                                                                  exclude=record):
        errors["visited_on"] = f"A visit on {visited_on:%d/%m/%Y} is already recorded"
    if seen_alone is None:
        errors["seen_alone"] = "Select whether the child was seen alone"
    if visited_by_id is None:
        errors["visited_by_id"] = "Select who visited"
    else:
        visitor = session.get(User, visited_by_id)
        unchanged = record is not None and record.visited_by_id == visited_by_id
        if visitor is None or not unchanged and (not visitor.active or visitor.role not in CASEWORK_ROLES):
            errors["visited_by_id"] = "Select who visited from the list"
    if errors:
        raise ValidationError(errors)


def record_visit(session: Session, child: Child, *, visited_on: dt.date | None, seen_alone: bool | None,
                 visited_by_id: int | None, today: dt.date) -> Visit:
    _validate_visit(session, child, visited_on, seen_alone, visited_by_id, today=today)
    record = Visit(child_id=child.id, visited_on=visited_on, seen_alone=seen_alone, visited_by_id=visited_by_id)
    session.add(record)
    recompute_child(session, child, today=today)
    return record


def update_visit(session: Session, record: Visit, *, visited_on: dt.date | None, seen_alone: bool | None,
                 visited_by_id: int | None, today: dt.date, expected_version: int | None = None) -> Visit:
    check_version(record, expected_version)
    child = _child(session, record)
    _validate_visit(session, child, visited_on, seen_alone, visited_by_id, today=today, record=record)
    record.visited_on = visited_on  # type: ignore[assignment]
    record.seen_alone = seen_alone  # type: ignore[assignment]
    record.visited_by_id = visited_by_id  # type: ignore[assignment]
    recompute_child(session, child, today=today)
    return record


def delete_visit(session: Session, record: Visit, *, today: dt.date, expected_version: int | None = None) -> None:
    check_version(record, expected_version)
    child = _child(session, record)
    session.delete(record)
    recompute_child(session, child, today=today)


# Care plans and placement plans --------------------------------------------------------

def _validate_plan(session: Session, child: Child, model: Any, completed_on: dt.date | None, *, today: dt.date,
                   what: str, record: Any = None) -> None:
    errors = check_fact_date(session, child, completed_on, today=today, field="completed_on",
                             what=f"Date the {what} was completed")
    if completed_on is not None and not errors and model is PlacementPlan:
        errors = _in_placement(session, child, completed_on, "completed_on", "a placement plan")
    if completed_on is not None and not errors and already_recorded(session, model.completed_on, child.id,
                                                                     completed_on, exclude=record):
        errors["completed_on"] = f"A {what} completed on {completed_on:%d/%m/%Y} is already recorded"
    if errors:
        raise ValidationError(errors)


def _record_plan(session: Session, model: Any, what: str, child: Child, completed_on: dt.date | None,
                 today: dt.date) -> Any:
    _validate_plan(session, child, model, completed_on, today=today, what=what)
    record = model(child_id=child.id, completed_on=completed_on)
    session.add(record)
    recompute_child(session, child, today=today)
    return record


def _update_plan(session: Session, record: Any, what: str, completed_on: dt.date | None, today: dt.date,
                 expected_version: int | None) -> Any:
    check_version(record, expected_version)
    child = _child(session, record)
    _validate_plan(session, child, type(record), completed_on, today=today, what=what, record=record)
    record.completed_on = completed_on
    recompute_child(session, child, today=today)
    return record


def _delete_plan(session: Session, record: Any, today: dt.date, expected_version: int | None) -> None:
    check_version(record, expected_version)
    child = _child(session, record)
    session.delete(record)
    recompute_child(session, child, today=today)


def record_care_plan(session: Session, child: Child, *, completed_on: dt.date | None, today: dt.date) -> CarePlan:
    return _record_plan(session, CarePlan, "care plan", child, completed_on, today)  # type: ignore[no-any-return]


def update_care_plan(session: Session, record: CarePlan, *, completed_on: dt.date | None, today: dt.date,
                     expected_version: int | None = None) -> CarePlan:
    return _update_plan(session, record, "care plan", completed_on, today, expected_version)  # type: ignore[no-any-return]


def delete_care_plan(session: Session, record: CarePlan, *, today: dt.date,
                     expected_version: int | None = None) -> None:
    _delete_plan(session, record, today, expected_version)


def record_placement_plan(session: Session, child: Child, *, completed_on: dt.date | None,
                          today: dt.date) -> PlacementPlan:
    return _record_plan(session, PlacementPlan, "placement plan", child, completed_on, today)  # type: ignore[no-any-return]


def update_placement_plan(session: Session, record: PlacementPlan, *, completed_on: dt.date | None, today: dt.date,
                          expected_version: int | None = None) -> PlacementPlan:
    return _update_plan(session, record, "placement plan", completed_on, today, expected_version)  # type: ignore[no-any-return]


def delete_placement_plan(session: Session, record: PlacementPlan, *, today: dt.date,
                          expected_version: int | None = None) -> None:
    _delete_plan(session, record, today, expected_version)
