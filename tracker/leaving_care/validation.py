"""Checks for care-leaver records, shared by the services and the demo-data test.

Each kind of record has a cleaner (form values → column values) and a validator that
returns ``{field: message}``; the decisions they encode are listed in ``services``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.children.models import Child
from tracker.children.services import already_recorded, check_fact_date
from tracker.leaving_care import oc3
from tracker.leaving_care.models import (
    CONTACT_METHODS,
    IN_TOUCH,
    PATHWAY_EVENTS,
    TENANCY_ENDINGS,
    TENURES,
    Accommodation,
    Activity,
    CareLeaverRecord,
    PaContact,
    PathwayEvent,
    StayingPut,
    Tenancy,
)
from tracker.tracking.calendars import birthday

POSTCODE_DISTRICT_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
Errors = dict[str, str]


# --------------------------------------------------------------------------- helpers

def _text(value: Any) -> str | None:
    value = (value or "").strip() if isinstance(value, str) or value is None else value
    return value or None


def _code(value: Any) -> str | None:
    text = _text(value)
    return text.upper() if isinstance(text, str) else text


def _yes_no(value: Any) -> bool | None:
    """Radio buttons give "yes"/"no"; services also accept booleans."""
    if isinstance(value, bool) or value is None:
        return value
    return {"yes": True, "no": False}.get(str(value).strip().lower())


def _dmy(d: dt.date) -> str:
    return d.strftime("%d/%m/%Y")


def _check_date(session: Session, child: Child, errors: Errors, field: str, value: dt.date | None, *,
                today: dt.date, what: str, required: bool = True) -> None:
    """A care-leaver fact date: given, not in the future, on or after the 16th birthday."""
    if value is None:
        if required:
            errors.setdefault(field, f"Enter the {what.lower()}")
        return
    for key, message in check_fact_date(session, child, value, today=today, field=field, what=what,
                                        in_care=False).items():
        errors.setdefault(key, message)
    b16 = birthday(child.date_of_birth, 16)
    if field not in errors and value < b16:
        errors[field] = f"{what} must be on or after the 16th birthday ({_dmy(b16)})"


def _check_end(errors: Errors, start: dt.date | None, end: dt.date | None, *, today: dt.date,
               field: str = "end_on", what: str = "End date") -> None:
    if end is None:
        return
    if end > today:
        errors.setdefault(field, f"{what} must be today or in the past")
    elif start is not None and end < start:
        errors.setdefault(field, f"{what} must be on or after the start date ({_dmy(start)})")


def _overlapping(session: Session, model: Any, child: Child, start: dt.date, end: dt.date | None, *,
                 exclude_id: int | None, ends: Mapping[int, dt.date] | None = None) -> Any | None:
    """A record of ``model`` sharing a day with [start, end); a record may start on the
    day the previous one ends. ``ends`` overrides end dates about to be set."""
    far = dt.date.max
    for row in session.scalars(select(model).where(model.child_id == child.id).order_by(model.start_on)):
        if row.id == exclude_id:
            continue
        row_end = (ends or {}).get(row.id, row.end_on) or far
        if row.start_on == start or (start < row_end and row.start_on < (end or far)):
            return row
    return None


def _span(row: Any) -> str:
    return f"from {_dmy(row.start_on)}" + (f" to {_dmy(row.end_on)}" if row.end_on else " (still current)")


def previous_open(session: Session, model: Any, child: Child, start: dt.date | None) -> Any | None:
    """The open record a new one starting on ``start`` will end."""
    if start is None:
        return None
    return session.scalar(select(model).where(model.child_id == child.id, model.end_on.is_(None),
                                              model.start_on < start)
                          .order_by(model.start_on.desc()).limit(1))


def _check_overlap(session: Session, model: Any, child: Child, errors: Errors, values: Mapping[str, Any], *,
                   what: str, record: Any | None, auto_end: bool) -> None:
    start = values.get("start_on")
    if start is None or "start_on" in errors or "end_on" in errors:
        return
    ends: dict[int, dt.date] = {}
    if auto_end and record is None and (prev := previous_open(session, model, child, start)) is not None:
        ends[prev.id] = start
    clash = _overlapping(session, model, child, start, values.get("end_on"),
                         exclude_id=record.id if record is not None else None, ends=ends)
    if clash is not None:
        errors["start_on"] = f"This overlaps the {what} {_span(clash)}"


# --------------------------------------------------------------------------- per kind

def _pathway_event(session: Session, child: Child, v: dict[str, Any], today: dt.date,
                   record: Any | None) -> Errors:
    errors: Errors = {}
    kind = v.get("kind")
    if not kind:
        errors["kind"] = "Select what happened"
    elif kind not in PATHWAY_EVENTS:
        errors["kind"] = "Select what happened from the list"
    _check_date(session, child, errors, "on", v.get("on"), today=today, what="Date it happened")
    on = v.get("on")
    if kind == "pa_extended_to_25" and on and "on" not in errors:
        b18, b25 = birthday(child.date_of_birth, 18), birthday(child.date_of_birth, 25)
        if not b18 <= on < b25:
            errors["on"] = (f"Support can be extended to 25 only from the 18th birthday ({_dmy(b18)}) "
                            f"to before the 25th ({_dmy(b25)})")
    if kind in PATHWAY_EVENTS and on and "on" not in errors:
        if already_recorded(session, PathwayEvent.on, child.id, on, exclude=record, kind=kind):
            errors["on"] = f"{PATHWAY_EVENTS[kind]} on {_dmy(on)} is already recorded"
    return errors


def _contact(session: Session, child: Child, v: dict[str, Any], today: dt.date, record: Any | None) -> Errors:
    errors: Errors = {}
    _check_date(session, child, errors, "contact_on", v.get("contact_on"), today=today, what="Date of the contact")
    method = v.get("method")
    if not method:
        errors["method"] = "Select how the contact was made"
    elif method not in CONTACT_METHODS:
        errors["method"] = "Select how the contact was made: visit, phone or message"
    return errors


def _accommodation(session: Session, child: Child, v: dict[str, Any], today: dt.date,
                   record: Any | None) -> Errors:
    errors: Errors = {}
    start = v.get("start_on")
    _check_date(session, child, errors, "start_on", start, today=today, what="Date they moved in")
    if start and "start_on" not in errors and any(p.contains(start) for p in child.care_periods):
        errors["start_on"] = ("The young person was looked after on this date: record a placement instead "
                              "(accommodation is recorded from the day they leave care)")
    _check_end(errors, start, v.get("end_on"), today=today, what="Date they moved out")
    letter = v.get("accommodation")
    if not letter:
        errors["accommodation"] = "Select the type of accommodation"
    elif letter not in oc3.ACCOMMODATION:
        errors["accommodation"] = "Select the type of accommodation from the list"
    else:
        _adult_only(child, errors, "accommodation", letter, start)
    if v.get("suitable") is None:
        errors["suitable"] = "Select whether the accommodation is suitable"
    elif v["suitable"] is False and not v.get("unsuitable_reason"):
        errors["unsuitable_reason"] = "Enter why the accommodation is not suitable"
    district = v.get("postcode_district")
    if district and not POSTCODE_DISTRICT_RE.match(district):
        errors["postcode_district"] = "Enter the first part of the postcode only, like LS6"
    _check_overlap(session, Accommodation, child, errors, v, what="accommodation", record=record, auto_end=True)
    return errors


def _adult_only(child: Child, errors: Errors, field: str, letter: str, on: dt.date | None) -> None:
    rule = oc3.ADULT_ONLY_ACCOMMODATION.get(letter)
    if rule and on is not None and child.age_on(on) < 18:
        errors[field] = f"{oc3.ACCOMMODATION.label(letter)} is only for young people aged 18 or over ({rule})"


def _activity(session: Session, child: Child, v: dict[str, Any], today: dt.date, record: Any | None) -> Errors:
    errors: Errors = {}
    _check_date(session, child, errors, "start_on", v.get("start_on"), today=today, what="Start date")
    _check_end(errors, v.get("start_on"), v.get("end_on"), today=today)
    code = v.get("activity")
    if not code:
        errors["activity"] = "Select the young person's activity"
    elif code not in oc3.ACTIVITY:
        errors["activity"] = "Select the activity from the list"
    _check_overlap(session, Activity, child, errors, v, what="activity", record=record, auto_end=True)
    return errors


def _tenancy(session: Session, child: Child, v: dict[str, Any], today: dt.date, record: Any | None) -> Errors:
    errors: Errors = {}
    tenure = v.get("tenure")
    if not tenure:
        errors["tenure"] = "Select the type of tenancy"
    elif tenure not in TENURES:
        errors["tenure"] = "Select the landlord: council, housing association or private"
    _check_date(session, child, errors, "start_on", v.get("start_on"), today=today, what="Start date")
    _check_end(errors, v.get("start_on"), v.get("end_on"), today=today)
    reason = v.get("end_reason")
    if reason and reason not in TENANCY_ENDINGS:
        errors["end_reason"] = "Select how the tenancy ended from the list"
    elif v.get("end_on") and not reason:
        errors["end_reason"] = "Select how the tenancy ended"
    elif reason and not v.get("end_on"):
        errors.setdefault("end_on", "Enter the date the tenancy ended, or leave how it ended blank")
    _check_overlap(session, Tenancy, child, errors, v, what="tenancy", record=record, auto_end=False)
    return errors


def _staying_put(session: Session, child: Child, v: dict[str, Any], today: dt.date, record: Any | None) -> Errors:
    errors: Errors = {}
    start, end = v.get("start_on"), v.get("end_on")
    _check_date(session, child, errors, "start_on", start, today=today, what="Start date")
    b18, b21 = birthday(child.date_of_birth, 18), birthday(child.date_of_birth, 21)
    if start and "start_on" not in errors and start < b18:
        errors["start_on"] = f"Staying put starts on or after the 18th birthday ({_dmy(b18)})"
    _check_end(errors, start, end, today=today)
    if end and "end_on" not in errors and end > b21:
        errors["end_on"] = f"Staying put ends by the 21st birthday ({_dmy(b21)})"
    elif end is None and today > b21:
        errors["end_on"] = f"Staying put ended by the 21st birthday ({_dmy(b21)}): enter the date it ended"
    _check_overlap(session, StayingPut, child, errors, v, what="staying put arrangement", record=record,
                   auto_end=False)
    return errors


def _birthday_data(session: Session, child: Child, v: dict[str, Any], today: dt.date,
                   record: Any | None) -> Errors:
    """OC3 consistency (codes.md §6.8): rules 153, 344, 345, 347, 348 and 3001."""
    errors: Errors = {}
    on = v.get("recorded_on")
    _check_date(session, child, errors, "recorded_on", on, today=today, what="Date recorded")
    in_touch, activity, letter = v.get("in_touch"), v.get("activity"), v.get("accommodation")
    if not in_touch:
        errors["in_touch"] = "Select whether the young person is in touch"
    elif in_touch not in IN_TOUCH:
        errors["in_touch"] = "Select whether they are in touch from the list"
    if activity and activity not in oc3.ACTIVITY:
        errors["activity"] = "Select the activity from the list"
    if letter and letter not in oc3.ACCOMMODATION:
        errors["accommodation"] = "Select the accommodation from the list"
    elif letter:
        _adult_only(child, errors, "accommodation", letter, on)
        if v.get("suitable") is None:
            errors["suitable"] = "Select whether the accommodation is suitable"
    if in_touch == "YES":
        if not activity:
            errors.setdefault("activity", "A young person in touch needs an activity, not 0 (OC3 rule 345)")
        if not letter:
            errors.setdefault("accommodation", "A young person in touch needs an accommodation type, not 0 (OC3 rule 345)")
    elif in_touch in oc3.NO_ACTIVITY_IN_TOUCH:
        why = "has died" if in_touch == "DIED" else "has returned home"
        if activity:
            errors.setdefault("activity", f"Choose 0 (none) when the young person {why} (OC3 rule 344)")
        if letter:
            errors.setdefault("accommodation", f"Choose 0 (none) when the young person {why} (OC3 rule 344)")
    elif bool(activity) != bool(letter):
        missing = "activity" if letter else "accommodation"
        errors.setdefault(missing, "Give both the activity and the accommodation, or neither (OC3 rule 153)")
    if on and in_touch and "recorded_on" not in errors:
        others = [r for r in session.scalars(select(CareLeaverRecord).where(CareLeaverRecord.child_id == child.id))
                  if record is None or r.id != record.id]
        if any(r.recorded_on == on for r in others):
            errors["recorded_on"] = f"Birthday data on {_dmy(on)} is already recorded"
        elif in_touch != "DIED" and (died := next((r for r in others if r.in_touch == "DIED"
                                                    and r.recorded_on < on), None)):
            errors["in_touch"] = f"Recorded as died on {_dmy(died.recorded_on)}: once died, always died (OC3 rule 348)"
        elif in_touch == "DIED" and (later := next((r for r in others if r.in_touch != "DIED"
                                                     and r.recorded_on > on), None)):
            errors["in_touch"] = (f"A later record ({_dmy(later.recorded_on)}) says {IN_TOUCH[later.in_touch].lower()}: "
                                  "once died, always died (OC3 rule 348)")
    return errors


# --------------------------------------------------------------------------- registry

@dataclass(frozen=True)
class Kind:
    """A kind of care-leaver record: its model, its columns and how they are checked."""

    model: Any
    label: str
    fields: tuple[str, ...]
    validate: Callable[[Session, Child, dict[str, Any], dt.date, Any | None], Errors]
    #: Codes: trimmed and upper-cased; "0" (OC3 for none) is stored as no value.
    codes: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    yes_no: tuple[str, ...] = ()
    #: A new record ends the previous open one on the day it starts.
    ends_previous: bool = False

    def clean(self, data: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in self.fields:
            value = data.get(name)
            if name in self.codes:
                value = _code(value)
                value = None if value == "0" else value
            elif name in self.flags:
                value = bool(value)
            elif name in self.yes_no:
                value = _yes_no(value)
            elif isinstance(value, str) or value is None:
                value = _text(value)
            out[name] = value
        return out


KINDS: dict[str, Kind] = {
    "pathway_event": Kind(PathwayEvent, "pathway plan event", ("kind", "on"), _pathway_event),
    "contact": Kind(PaContact, "personal adviser contact", ("contact_on", "method", "seen_alone"), _contact,
                    flags=("seen_alone",)),
    "accommodation": Kind(Accommodation, "accommodation",
                          ("start_on", "end_on", "accommodation", "suitable", "unsuitable_reason",
                           "postcode_district"), _accommodation, codes=("accommodation", "postcode_district"),
                          yes_no=("suitable",), ends_previous=True),
    "activity": Kind(Activity, "activity", ("start_on", "end_on", "activity"), _activity, codes=("activity",),
                     ends_previous=True),
    "tenancy": Kind(Tenancy, "tenancy", ("tenure", "start_on", "end_on", "end_reason", "rent_arrears",
                                         "support_in_place"), _tenancy, flags=("rent_arrears", "support_in_place")),
    "staying_put": Kind(StayingPut, "staying put arrangement", ("carer_ref", "start_on", "end_on"), _staying_put),
    "birthday_data": Kind(CareLeaverRecord, "birthday data",
                          ("recorded_on", "in_touch", "activity", "accommodation", "suitable"), _birthday_data,
                          codes=("in_touch", "activity", "accommodation"), yes_no=("suitable",)),
}
KIND_OF_MODEL = {k.model: name for name, k in KINDS.items()}


def _normalise(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    if kind == "accommodation" and values.get("suitable"):
        values["unsuitable_reason"] = None  # a reason only for unsuitable accommodation
    if kind == "birthday_data" and not values.get("accommodation"):
        values["suitable"] = None
    return values


def validate(session: Session, child: Child, kind: str, data: Mapping[str, Any], *, today: dt.date,
             record: Any | None = None) -> tuple[dict[str, Any], Errors]:
    """Clean ``data`` and check it; returns (values, errors). Used by the services and to
    check the demo data against the same rules."""
    spec = KINDS[kind]
    values = spec.clean(data)
    return _normalise(kind, values), spec.validate(session, child, values, today, record)
