"""Recording health assessments, dental checks and SDQ scores. Never commits; every
change recomputes the child's tracked items in the same transaction."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.children.models import CarePeriod, Child
from tracker.children.services import already_recorded, check_fact_date, check_version
from tracker.errors import ValidationError
from tracker.health.models import DentalCheck, HealthAssessment, SdqScore
from tracker.tracking.services import recompute_child

KINDS = ("initial", "review")


def _child(session: Session, record: HealthAssessment | DentalCheck | SdqScore) -> Child:
    child = session.get(Child, record.child_id)
    assert child is not None
    return child


def _period_of(child: Child, on: dt.date) -> CarePeriod | None:
    """The period of care a fact dated ``on`` belongs to (its end date included)."""
    return next((p for p in child.care_periods if p.start_on <= on and (p.end_on is None or on <= p.end_on)), None)


# Health assessments ------------------------------------------------------------------

def _validate_assessment(session: Session, child: Child, held_on: dt.date | None, kind: str | None, *,
                         today: dt.date, record: HealthAssessment | None = None) -> None:
    errors = ({"held_on": "Enter the date of the health assessment"} if held_on is None else
              check_fact_date(session, child, held_on, today=today, field="held_on",
                              what="Date of the health assessment"))
    if kind not in KINDS:
        errors["kind"] = "Select whether this was the initial or a review health assessment"
    if errors:
        raise ValidationError(errors)
    assert held_on is not None
    others = [h for h in session.scalars(select(HealthAssessment).where(HealthAssessment.child_id == child.id))
              if record is None or h.id != record.id]
    if any(h.held_on == held_on and h.kind == kind for h in others):
        errors["held_on"] = f"A{'n' if kind == 'initial' else ''} {kind} health assessment on {held_on:%d/%m/%Y} is already recorded"
    else:
        period = _period_of(child, held_on)
        in_period = [h for h in others if period is not None and _period_of(child, h.held_on) is period]
        initial = next((h for h in in_period if h.kind == "initial"), None)
        if kind == "initial" and initial is not None:
            errors["kind"] = (f"An initial health assessment is already recorded for this period of care "
                              f"({initial.held_on:%d/%m/%Y}); record this one as a review health assessment")
        elif kind == "review" and (initial is None or initial.held_on > held_on):
            errors["kind"] = ("There is no initial health assessment before this date in this period of care; "
                              "record the initial health assessment first")
    if errors:
        raise ValidationError(errors)


def record_health_assessment(session: Session, child: Child, *, held_on: dt.date | None, kind: str | None,
                             today: dt.date) -> HealthAssessment:
    _validate_assessment(session, child, held_on, kind, today=today)
    record = HealthAssessment(child_id=child.id, held_on=held_on, kind=kind)
    session.add(record)
    recompute_child(session, child, today=today)
    return record


def update_health_assessment(session: Session, record: HealthAssessment, *, held_on: dt.date | None,
                             kind: str | None, today: dt.date,
                             expected_version: int | None = None) -> HealthAssessment:
    check_version(record, expected_version)
    child = _child(session, record)
    _validate_assessment(session, child, held_on, kind, today=today, record=record)
    record.held_on = held_on  # type: ignore[assignment]
    record.kind = kind  # type: ignore[assignment]
    recompute_child(session, child, today=today)
    return record


def delete_health_assessment(session: Session, record: HealthAssessment, *, today: dt.date,
                             expected_version: int | None = None) -> None:
    check_version(record, expected_version)
    child = _child(session, record)
    session.delete(record)
    recompute_child(session, child, today=today)


# Dental checks -----------------------------------------------------------------------

def _validate_dental(session: Session, child: Child, checked_on: dt.date | None, *, today: dt.date,
                     record: DentalCheck | None = None) -> None:
    errors = ({"checked_on": "Enter the date of the dental check"} if checked_on is None else
              check_fact_date(session, child, checked_on, today=today, field="checked_on",
                              what="Date of the dental check"))
    if not errors:
        if already_recorded(session, DentalCheck.checked_on, child.id, checked_on, exclude=record):
            errors["checked_on"] = f"A dental check on {checked_on:%d/%m/%Y} is already recorded"
    if errors:
        raise ValidationError(errors)


def record_dental_check(session: Session, child: Child, *, checked_on: dt.date | None,
                        today: dt.date) -> DentalCheck:
    _validate_dental(session, child, checked_on, today=today)
    record = DentalCheck(child_id=child.id, checked_on=checked_on)
    session.add(record)
    recompute_child(session, child, today=today)
    return record


def update_dental_check(session: Session, record: DentalCheck, *, checked_on: dt.date | None, today: dt.date,
                        expected_version: int | None = None) -> DentalCheck:
    check_version(record, expected_version)
    child = _child(session, record)
    _validate_dental(session, child, checked_on, today=today, record=record)
    record.checked_on = checked_on  # type: ignore[assignment]
    recompute_child(session, child, today=today)
    return record


def delete_dental_check(session: Session, record: DentalCheck, *, today: dt.date,
                        expected_version: int | None = None) -> None:
    check_version(record, expected_version)
    child = _child(session, record)
    session.delete(record)
    recompute_child(session, child, today=today)


# SDQ scores --------------------------------------------------------------------------

SDQ_MIN_AGE, SDQ_MAX_AGE = 4, 16


def _validate_sdq(session: Session, child: Child, completed_on: dt.date | None, score: int | None, *,
                  today: dt.date, record: SdqScore | None = None) -> None:
    errors = ({"completed_on": "Enter the date the SDQ was completed"} if completed_on is None else
              check_fact_date(session, child, completed_on, today=today, field="completed_on",
                              what="Date the SDQ was completed"))
    if score is None:
        errors["score"] = "Enter the SDQ total difficulties score"
    elif not 0 <= score <= 40:
        errors["score"] = "SDQ total score must be a whole number from 0 to 40"
    if completed_on and "completed_on" not in errors:
        age = child.age_on(completed_on)
        if not SDQ_MIN_AGE <= age <= SDQ_MAX_AGE:
            errors["completed_on"] = (f"The SDQ is for children aged {SDQ_MIN_AGE} to {SDQ_MAX_AGE}; "
                                      f"{child.first_name} was {age} on this date")
        else:
            if already_recorded(session, SdqScore.completed_on, child.id, completed_on, exclude=record):
                errors["completed_on"] = f"An SDQ on {completed_on:%d/%m/%Y} is already recorded"
    if errors:
        raise ValidationError(errors)


def record_sdq(session: Session, child: Child, *, completed_on: dt.date | None, score: int | None,
               today: dt.date) -> SdqScore:
    _validate_sdq(session, child, completed_on, score, today=today)
    record = SdqScore(child_id=child.id, completed_on=completed_on, score=score)
    session.add(record)
    recompute_child(session, child, today=today)
    return record


def update_sdq(session: Session, record: SdqScore, *, completed_on: dt.date | None, score: int | None,
               today: dt.date, expected_version: int | None = None) -> SdqScore:
    check_version(record, expected_version)
    child = _child(session, record)
    _validate_sdq(session, child, completed_on, score, today=today, record=record)
    record.completed_on = completed_on  # type: ignore[assignment]
    record.score = score  # type: ignore[assignment]
    recompute_child(session, child, today=today)
    return record


def delete_sdq(session: Session, record: SdqScore, *, today: dt.date, expected_version: int | None = None) -> None:
    check_version(record, expected_version)
    child = _child(session, record)
    session.delete(record)
    recompute_child(session, child, today=today)
