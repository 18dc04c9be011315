"""Recording care-leaver facts: personal adviser, pathway plans, contacts, accommodation,
activity (EET), tenancies, staying put and birthday data. Never commits.

Each kind of record is cleaned and checked by ``validation`` (``{field: message}``)
before anything is changed, so a refused save leaves nothing half-done. Every change recomputes the young person's tracked items
in the same transaction (the pathway-plan, PA-contact and birthday-data clocks read
these tables). Changes are audited by the flush hook (all these models are ``Audited``).

Decisions on points the issue leaves open:

* Care-leaver records are dated on or after the 16th birthday (the duties start at 16),
  today or earlier.
* Accommodation is where the young person lives *after leaving care*: a start date while
  they are looked after is refused (record a placement instead). The day they leave
  counts as after.
* A new accommodation (or activity) ends the previous open one on the day it starts; the
  two share that day. Deleting an open record that ended another one re-opens it (the
  undo of a record made by mistake). Otherwise records of the same kind may not overlap.
* Tenancies and staying-put arrangements never overlap either, and are not ended
  automatically: ending a tenancy needs the way it ended.
* Only active users with the personal adviser role can be allocated as adviser.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.children.models import Child
from tracker.children.services import check_version
from tracker.errors import ValidationError
from tracker.leaving_care.models import (
    Accommodation,
    Activity,
    PathwayEvent,
    StayingPut,
    Tenancy,
)
from tracker.leaving_care.validation import KIND_OF_MODEL, KINDS, previous_open, validate
from tracker.tracking.services import recompute_child

# --------------------------------------------------------------------------- services

def record_fact(session: Session, child: Child, kind: str, data: Mapping[str, Any], *, today: dt.date,
                actor_id: int | None = None) -> Any:
    """Add a record of ``kind`` for ``child`` (see ``KINDS``)."""
    spec = KINDS[kind]
    values, errors = validate(session, child, kind, data, today=today)
    if errors:
        raise ValidationError(errors)
    if spec.ends_previous and (prev := previous_open(session, spec.model, child, values["start_on"])) is not None:
        prev.end_on = values["start_on"]
    if kind == "contact":
        values["adviser_id"] = actor_id
    row = spec.model(child_id=child.id, **values)
    session.add(row)
    recompute_child(session, child, today=today)
    return row


def record_pathway_event(session: Session, child: Child, data: Mapping[str, Any], *, today: dt.date) -> PathwayEvent:
    return record_fact(session, child, "pathway_event", data, today=today)


def record_accommodation(session: Session, child: Child, data: Mapping[str, Any], *, today: dt.date) -> Accommodation:
    return record_fact(session, child, "accommodation", data, today=today)


def record_activity(session: Session, child: Child, data: Mapping[str, Any], *, today: dt.date) -> Activity:
    return record_fact(session, child, "activity", data, today=today)


def record_tenancy(session: Session, child: Child, data: Mapping[str, Any], *, today: dt.date) -> Tenancy:
    return record_fact(session, child, "tenancy", data, today=today)


def record_staying_put(session: Session, child: Child, data: Mapping[str, Any], *, today: dt.date) -> StayingPut:
    return record_fact(session, child, "staying_put", data, today=today)


def update_record(session: Session, record: Any, data: Mapping[str, Any], *, today: dt.date,
                  expected_version: int | None = None) -> Any:
    """Correct a record; the same checks as recording it, against the other records."""
    check_version(record, expected_version)
    kind = KIND_OF_MODEL[type(record)]
    child = session.get(Child, record.child_id)
    assert child is not None
    values, errors = validate(session, child, kind, data, today=today, record=record)
    if errors:
        raise ValidationError(errors)
    for name, value in values.items():
        setattr(record, name, value)
    recompute_child(session, child, today=today)
    return record


def delete_record(session: Session, record: Any, *, today: dt.date, expected_version: int | None = None) -> None:
    """Delete a record made by mistake (audited). An open accommodation or activity that
    had ended the previous one re-opens it."""
    check_version(record, expected_version)
    spec = KINDS[KIND_OF_MODEL[type(record)]]
    child = session.get(Child, record.child_id)
    assert child is not None
    if spec.ends_previous and record.end_on is None:
        prev = session.scalar(select(spec.model).where(spec.model.child_id == child.id,
                                                       spec.model.end_on == record.start_on,
                                                       spec.model.id != record.id))
        if prev is not None:
            prev.end_on = None
    session.delete(record)
    recompute_child(session, child, today=today)
