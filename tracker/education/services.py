"""Recording personal education plans (PEPs). Never commits; every change recomputes
the child's tracked items."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from tracker.children.models import Child
from tracker.children.services import already_recorded, check_fact_date, check_version
from tracker.education.models import Pep
from tracker.errors import ValidationError
from tracker.tracking.services import recompute_child

PEP_MIN_AGE, PEP_MAX_AGE = 3, 17


def _validate(session: Session, child: Child, held_on: dt.date | None, *, today: dt.date,
              pep: Pep | None = None) -> None:
    errors = ({"held_on": "Enter the date of the PEP meeting"} if held_on is None else
              check_fact_date(session, child, held_on, today=today, field="held_on", what="Date of the PEP meeting"))
    if held_on and not errors:
        age = child.age_on(held_on)
        if not PEP_MIN_AGE <= age <= PEP_MAX_AGE:
            errors["held_on"] = (f"A PEP is for a child aged {PEP_MIN_AGE} to {PEP_MAX_AGE}; "
                                 f"{child.first_name} was {age} on this date")
        else:
            if already_recorded(session, Pep.held_on, child.id, held_on, exclude=pep):
                errors["held_on"] = f"A PEP on {held_on:%d/%m/%Y} is already recorded"
    if errors:
        raise ValidationError(errors)


def record_pep(session: Session, child: Child, *, held_on: dt.date | None, today: dt.date) -> Pep:
    _validate(session, child, held_on, today=today)
    pep = Pep(child_id=child.id, held_on=held_on)
    session.add(pep)
    recompute_child(session, child, today=today)
    return pep


def update_pep(session: Session, pep: Pep, *, held_on: dt.date | None, today: dt.date,
               expected_version: int | None = None) -> Pep:
    check_version(pep, expected_version)
    child = session.get(Child, pep.child_id)
    assert child is not None
    _validate(session, child, held_on, today=today, pep=pep)
    pep.held_on = held_on  # type: ignore[assignment]
    recompute_child(session, child, today=today)
    return pep


def delete_pep(session: Session, pep: Pep, *, today: dt.date, expected_version: int | None = None) -> None:
    check_version(pep, expected_version)
    child = session.get(Child, pep.child_id)
    assert child is not None
    session.delete(pep)
    recompute_child(session, child, today=today)
