"""Writes about children: details, periods of care, legal status. Never commits.

Every service validates in domain terms and raises :class:`ValidationError` with
``{field: message}``; the caller's transaction is left untouched when it does, so
nothing is half-saved.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker import codes
from tracker.children.models import CarePeriod, Child, LegalStatus, Placement
from tracker.errors import ConflictError, ValidationError
from tracker.tracking.services import recompute_child

UPN_RE = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")
LOCAL_ID_RE = re.compile(r"^[A-Za-z0-9]{1,10}$")


def check_version(record: Any, expected: int | None) -> None:
    """Optimistic locking for forms: refuse a save made from a stale copy."""
    if expected is not None and record.version != expected:
        raise ConflictError(record)


def check_version_or_absent(record: Any | None, expected: int | None) -> None:
    """Optimistic locking for a record a form creates the first time it is saved (a
    child's SSDA903 details, OC2 for a year): the form carries version 0 while there is
    no record, so someone else creating (or deleting) it in the meantime is a conflict."""
    if expected is None:
        return
    if (record.version if record is not None else 0) != expected:
        raise ConflictError(record)


def _check_date(errors: dict[str, str], field: str, value: dt.date | None, *, today: dt.date,
                child: Child | None = None, dob: dt.date | None = None, what: str = "The date") -> None:
    if value is None:
        return
    if value > today:
        errors.setdefault(field, f"{what} must be today or in the past")
    born = dob or (child.date_of_birth if child else None)
    if born and value < born:
        errors.setdefault(field, f"{what} must be on or after the child's date of birth ({born:%d/%m/%Y})")


def validate_child_details(session: Session, data: dict[str, Any], *, today: dt.date,
                           child: Child | None = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    local_id = (data.get("local_id") or "").strip()
    if not LOCAL_ID_RE.match(local_id):
        errors["local_id"] = "Child ID must be 1 to 10 letters or numbers"
    else:
        clash = session.scalar(select(Child.id).where(Child.local_id == local_id))
        if clash is not None and (child is None or clash != child.id):
            errors["local_id"] = f"Another child already has the ID {local_id}"
    for field, label in (("first_name", "first name"), ("last_name", "last name")):
        if not (data.get(field) or "").strip():
            errors[field] = f"Enter the child's {label}"
    dob = data.get("date_of_birth")
    if dob is None:
        errors["date_of_birth"] = "Enter the child's date of birth"
    elif dob > today:
        errors["date_of_birth"] = "Date of birth must be today or in the past"
    elif dob < today.replace(year=today.year - 26):
        errors["date_of_birth"] = "Date of birth must be within the last 26 years"
    if data.get("sex") not in codes.SEX:
        errors["sex"] = "Select the child's sex (903 code 1 or 2)"
    if data.get("ethnicity") not in codes.ETHNICITY:
        errors["ethnicity"] = codes.ETHNICITY.choice_message(data.get("ethnicity")) or ""
    upn = (data.get("upn") or "").strip().upper()
    if upn and upn not in codes.UPN_UNKNOWN and not UPN_RE.match(upn):
        errors["upn"] = "UPN must be 13 characters (a letter, 11 digits, a letter or digit) or UN1–UN5"
    if child is not None and dob is not None:
        first = session.scalar(select(CarePeriod.start_on).where(CarePeriod.child_id == child.id)
                               .order_by(CarePeriod.start_on).limit(1))
        if first is not None and dob > first:
            errors["date_of_birth"] = f"Date of birth cannot be after the child entered care ({first:%d/%m/%Y})"
    return errors


#: The child's details a case worker changes. Allocation (worker, team, IRO, personal
#: adviser) and the restricted flag change only through a manager's allocation pages
#: (tracker.allocation), never here.
_DETAIL_FIELDS = ("local_id", "first_name", "last_name", "date_of_birth", "sex", "ethnicity", "upn",
                  "disability", "uasc")


def create_child(session: Session, data: dict[str, Any], *, today: dt.date, team_id: int | None,
                 allowed_team_ids: set[int], allocated_worker_id: int | None = None) -> Child:
    """Add a child to a team (one of ``allowed_team_ids``, the teams the person adding
    the child works in), allocated to ``allocated_worker_id`` if given."""
    errors = validate_child_details(session, data, today=today)
    if team_id is None or team_id not in allowed_team_ids:
        errors["team_id"] = ("Select the child's team" if allowed_team_ids else
                             "You are not in a team, so nobody would be responsible for the child: "
                             "ask an administrator to put you in a team")
    if errors:
        raise ValidationError(errors)
    child = Child(**{k: _clean(k, data.get(k)) for k in _DETAIL_FIELDS}, team_id=team_id,
                  allocated_worker_id=allocated_worker_id, restricted=False)
    session.add(child)
    session.flush()
    return child


def update_child(session: Session, child: Child, data: dict[str, Any], *, today: dt.date,
                 expected_version: int | None = None) -> Child:
    """Change the child's details (only those: see ``_DETAIL_FIELDS``)."""
    check_version(child, expected_version)
    errors = validate_child_details(session, data, today=today, child=child)
    if errors:
        raise ValidationError(errors)
    for key in _DETAIL_FIELDS:
        if key in data:
            setattr(child, key, _clean(key, data[key]))
    session.flush()
    recompute_child(session, child, today=today)  # the date of birth feeds the items
    return child


def _clean(key: str, value: Any) -> Any:
    if key in ("disability", "uasc"):
        return bool(value)
    if key == "upn":
        return (value or "").strip().upper() or None
    if isinstance(value, str):
        return value.strip()
    return value


# Periods of care ---------------------------------------------------------------------

def _overlapping_period(session: Session, child: Child, start: dt.date, end: dt.date | None,
                        exclude_id: int | None = None) -> CarePeriod | None:
    for p in session.scalars(select(CarePeriod).where(CarePeriod.child_id == child.id)):
        if p.id == exclude_id:
            continue
        p_end = p.end_on or dt.date.max
        new_end = end or dt.date.max
        # Periods are [start, end): a child may re-enter care the day they left.
        if start < p_end and p.start_on < new_end:
            return p
    return None


def start_care(session: Session, child: Child, *, start_on: dt.date | None, legal_status: str,
               category_of_need: str, today: dt.date) -> CarePeriod:
    errors: dict[str, str] = {}
    if start_on is None:
        errors["start_on"] = "Enter the date the child started to be looked after"
    _check_date(errors, "start_on", start_on, today=today, child=child, what="Date care started")
    if msg := codes.LEGAL_STATUS.message(legal_status, start_on or today):
        errors["legal_status"] = msg
    if msg := codes.CATEGORY_OF_NEED.choice_message(category_of_need):
        errors["category_of_need"] = msg
    if start_on and "start_on" not in errors:
        if child.age_on(start_on) >= 18:
            errors["start_on"] = "A child cannot start to be looked after on or after their 18th birthday"
        elif (clash := _overlapping_period(session, child, start_on, None)) is not None:
            errors["start_on"] = (f"This overlaps the period of care from {clash.start_on:%d/%m/%Y}"
                                  + (f" to {clash.end_on:%d/%m/%Y}" if clash.end_on else " (still open)"))
    if errors:
        raise ValidationError(errors)
    assert start_on is not None
    period = CarePeriod(child=child, start_on=start_on, reason_new_episode="S",
                        category_of_need=category_of_need)
    session.add(period)
    session.add(LegalStatus(child=child, start_on=start_on, code=legal_status))
    session.flush()
    recompute_child(session, child, today=today)
    return period


def end_care(session: Session, period: CarePeriod, *, end_on: dt.date | None, reason_ceased: str,
             today: dt.date, expected_version: int | None = None) -> CarePeriod:
    check_version(period, expected_version)
    child = period.child
    errors: dict[str, str] = {}
    if end_on is None:
        errors["end_on"] = "Enter the date the child stopped being looked after"
    elif end_on < period.start_on:
        errors["end_on"] = f"Date care ended must be on or after the date it started ({period.start_on:%d/%m/%Y})"
    _check_date(errors, "end_on", end_on, today=today, child=child, what="Date care ended")
    if end_on and (msg := codes.REASON_CEASED.message(reason_ceased, end_on)):
        errors["reason_ceased"] = msg
    elif end_on:
        age = child.age_on(end_on)
        if reason_ceased in ("E11", "E12") and age >= 18:
            errors["reason_ceased"] = "Adoption (E11/E12) is not possible at 18 or over"
        elif reason_ceased in ("E5", "E6") and age < 14:
            errors["reason_ceased"] = "Independent living (E5/E6) is not allowed under 14"
        elif reason_ceased == "E7" and age < 16:
            errors["reason_ceased"] = "Transfer to adult residential care (E7) is not allowed under 16"
        elif reason_ceased == "E17" and age < 18:
            errors["reason_ceased"] = "E17 (remained with carers at 18+) needs the young person to be 18 or over"
    if end_on and "end_on" not in errors:
        later = session.scalar(select(Placement).where(Placement.child_id == child.id,
                                                       Placement.start_on > end_on).limit(1))
        if later is not None:
            errors["end_on"] = f"A placement starts after this date ({later.start_on:%d/%m/%Y}); end or correct it first"
    if errors:
        raise ValidationError(errors)
    period.end_on = end_on
    period.reason_ceased = reason_ceased
    # A period of care ends with its placement: close any open placement on the same day.
    for placement in session.scalars(select(Placement).where(Placement.child_id == child.id,
                                                             Placement.end_on.is_(None))):
        placement.end_on = end_on
        placement.end_reason = placement.end_reason or "CARPL"
    session.flush()
    recompute_child(session, child, today=today)
    return period


def change_legal_status(session: Session, child: Child, *, start_on: dt.date | None, code: str,
                        today: dt.date) -> LegalStatus:
    errors: dict[str, str] = {}
    if start_on is None:
        errors["start_on"] = "Enter the date the legal status changed"
    _check_date(errors, "start_on", start_on, today=today, child=child, what="Date of change")
    if start_on and (msg := codes.LEGAL_STATUS.message(code, start_on)):
        errors["code"] = msg
    if start_on and "start_on" not in errors:
        period = next((p for p in child.care_periods if p.contains(start_on)), None)
        if period is None:
            errors["start_on"] = "The child was not looked after on this date"
        elif session.scalar(select(LegalStatus.id).where(LegalStatus.child_id == child.id,
                                                         LegalStatus.start_on == start_on)):
            errors["start_on"] = "A legal status is already recorded from this date"
    if errors:
        raise ValidationError(errors)
    assert start_on is not None
    status = LegalStatus(child=child, start_on=start_on, code=code)
    session.add(status)
    session.flush()
    recompute_child(session, child, today=today)
    return status


def check_fact_date(session: Session, child: Child, on: dt.date | None, *, today: dt.date, field: str,
                    what: str, in_care: bool = True) -> dict[str, str]:
    """Common checks for a dated fact: given, not in the future, not before birth, and
    (for in-care facts) inside a period of care."""
    errors: dict[str, str] = {}
    if on is None:
        return {field: f"Enter the {what[:1].lower()}{what[1:]}"}
    _check_date(errors, field, on, today=today, child=child, what=what)
    if not errors and in_care and not any(p.start_on <= on and (p.end_on is None or on <= p.end_on)
                                          for p in child.care_periods):
        errors[field] = f"{what} must be while the child was looked after"
    return errors


def update_care_period(session: Session, period: CarePeriod, *, start_on: dt.date | None, end_on: dt.date | None,
                       reason_ceased: str | None, category_of_need: str, today: dt.date,
                       expected_version: int | None = None) -> CarePeriod:
    """Correct a period of care. Its legal status from the start moves with it; placements
    and later legal statuses must still fall inside it."""
    check_version(period, expected_version)
    child = period.child
    errors: dict[str, str] = {}
    if start_on is None:
        errors["start_on"] = "Enter the date the child started to be looked after"
    _check_date(errors, "start_on", start_on, today=today, child=child, what="Date care started")
    _check_date(errors, "end_on", end_on, today=today, child=child, what="Date care ended")
    if start_on and end_on and end_on < start_on:
        errors["end_on"] = f"Date care ended must be on or after the date it started ({start_on:%d/%m/%Y})"
    if end_on and not reason_ceased:
        errors["reason_ceased"] = "Select why the period of care ended"
    elif reason_ceased and not end_on:
        errors["reason_ceased"] = "Only give a reason when the period of care has ended"
    elif reason_ceased and end_on and (msg := codes.REASON_CEASED.message(reason_ceased, end_on)):
        errors["reason_ceased"] = msg
    if msg := codes.CATEGORY_OF_NEED.choice_message(category_of_need):
        errors["category_of_need"] = msg
    if start_on and not errors.get("start_on") and not errors.get("end_on"):
        if (clash := _overlapping_period(session, child, start_on, end_on, exclude_id=period.id)) is not None:
            errors["start_on"] = f"This overlaps the period of care from {clash.start_on:%d/%m/%Y}"
        else:
            stop = end_on or dt.date.max
            for p in session.scalars(select(Placement).where(Placement.child_id == child.id)):
                if period.start_on <= p.start_on and (period.end_on is None or p.start_on <= period.end_on) and (
                        p.start_on < start_on or p.start_on > stop or (p.end_on or dt.date.max) > stop):
                    errors["start_on" if p.start_on < start_on else "end_on"] = (
                        f"The {p.placement_type} placement from {p.start_on:%d/%m/%Y} would fall outside the "
                        "period of care; correct the placement first")
                    break
    if errors:
        raise ValidationError(errors)
    assert start_on is not None
    first = session.scalar(select(LegalStatus).where(LegalStatus.child_id == child.id,
                                                     LegalStatus.start_on == period.start_on))
    for s in session.scalars(select(LegalStatus).where(LegalStatus.child_id == child.id)):
        if s is first:
            continue
        if period.start_on <= s.start_on and (period.end_on is None or s.start_on <= period.end_on) and (
                s.start_on < start_on or (end_on is not None and s.start_on > end_on)):
            raise ValidationError({"start_on": f"The legal status change on {s.start_on:%d/%m/%Y} would fall "
                                               "outside the period of care; delete it first"})
    if first is not None:
        first.start_on = start_on
    period.start_on = start_on
    period.end_on = end_on
    period.reason_ceased = reason_ceased or None
    period.category_of_need = category_of_need
    session.flush()
    recompute_child(session, child, today=today)
    return period


def delete_care_period(session: Session, period: CarePeriod, *, today: dt.date,
                       expected_version: int | None = None) -> None:
    """Delete a period of care recorded by mistake, with its legal statuses. Placements
    must be deleted first, so nothing is lost by accident."""
    check_version(period, expected_version)
    child = period.child
    inside = [p for p in session.scalars(select(Placement).where(Placement.child_id == child.id))
              if period.start_on <= p.start_on and (period.end_on is None or p.start_on <= period.end_on)]
    if inside:
        raise ValidationError({"_form": f"This period of care has {len(inside)} placement(s); delete them first"})
    for s in list(child.legal_statuses):
        if period.start_on <= s.start_on and (period.end_on is None or s.start_on <= period.end_on):
            session.delete(s)
    session.delete(period)
    session.flush()
    session.expire(child, ["care_periods", "legal_statuses"])
    recompute_child(session, child, today=today)


def delete_legal_status(session: Session, status: LegalStatus, *, today: dt.date) -> None:
    """Delete a change of legal status recorded by mistake (not the one a period of care
    started with: correct or delete the period instead)."""
    child = status.child
    if any(p.start_on == status.start_on for p in child.care_periods):
        raise ValidationError({"_form": "This is the legal status the period of care started with; "
                                        "correct the period of care instead"})
    session.delete(status)
    session.flush()
    session.expire(child, ["legal_statuses"])
    recompute_child(session, child, today=today)


def already_recorded(session: Session, column: Any, child_id: int, on: dt.date, *, exclude: Any = None,
                     **same: Any) -> bool:
    """Whether the child already has a record of this kind on this date (``column`` is the
    model's date column; ``same`` narrows it, e.g. ``kind="matched"``), other than the
    record being corrected (``exclude``): "the same event twice on a day" is refused."""
    model = column.class_
    stmt = select(model.id).where(model.child_id == child_id, column == on,
                                  *(getattr(model, name) == value for name, value in same.items()))
    if exclude is not None:
        stmt = stmt.where(model.id != exclude.id)
    return session.scalar(stmt.limit(1)) is not None
