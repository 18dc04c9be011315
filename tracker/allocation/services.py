"""Allocation changes. Never commits; each change is checked, recorded as an ``allocate``
event in the child's history (in words, beside the record's own before/after row) and
recomputes the child's items (their team and owners follow the allocation)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from tracker import audit
from tracker.auth.models import Team, User
from tracker.auth.roles import ADVISE_CARE_LEAVERS, CHAIR_REVIEWS, HOLD_CASES
from tracker.children.models import Child
from tracker.children.services import check_version
from tracker.errors import ValidationError
from tracker.leaving_care.queries import CATEGORY_LABELS, get_status
from tracker.tracking.services import recompute_child

#: Care-leaver categories a personal adviser may be allocated for (rules.md §4): every
#: care leaver, "qualifying" ones included (they are owed advice and assistance).
ADVISED = ("eligible", "relevant", "former_relevant", "qualifying")


def _name(user: User | None) -> str:
    return user.name if user is not None else "nobody"


def _record(session: Session, child: Child, what: str, before: str, after: str) -> None:
    audit.record(session, action="allocate", entity_type="children", entity_id=child.id, child_id=child.id,
                 summary=f"{what}: {before} → {after}", before={what: before}, after={what: after})


def _person(session: Session, user_id: int | None, current_id: int | None, capability: str) -> User | None:
    """The person chosen (``None``: nobody). The one allocated now may stay even if
    they have since left or changed role; anyone else must be an active account with
    ``capability``."""
    if user_id is None:
        return None
    user = session.get(User, user_id)
    if user is None or (user_id != current_id and not (user.active and user.can(capability))):
        raise LookupError
    return user


def allocate_worker(session: Session, child: Child, *, team_id: int | None, worker_id: int | None, today: dt.date,
                    expected_version: int | None = None) -> Child:
    """Set the child's team and allocated worker (a case worker of that team, or nobody)."""
    check_version(child, expected_version)
    errors: dict[str, str] = {}
    team = session.get(Team, team_id) if team_id is not None else None
    if team is None:
        errors["team_id"] = "Select the child's team" + (" (a restricted record must have one)"
                                                          if child.restricted else "")
    try:
        worker = _person(session, worker_id, child.allocated_worker_id, HOLD_CASES)
    except LookupError:
        errors["allocated_worker_id"] = "Select a worker from the list"
        worker = None
    if worker is not None and team is not None and worker.team_id != team.id and worker.id != child.allocated_worker_id:
        errors["allocated_worker_id"] = f"{worker.name} is not in {team.name}: select a worker of that team"
    if errors:
        raise ValidationError(errors)
    assert team is not None
    if child.team_id != team.id:
        _record(session, child, "Team", child.team.name if child.team else "no team", team.name)
    if child.allocated_worker_id != (worker.id if worker else None):
        _record(session, child, "Allocated worker", _name(child.allocated_worker), _name(worker))
    child.team_id, child.allocated_worker_id = team.id, worker.id if worker else None
    session.flush()
    session.expire(child, ["team", "allocated_worker"])
    recompute_child(session, child, today=today)
    return child


def allocate_iro(session: Session, child: Child, *, iro_id: int | None, today: dt.date,
                 expected_version: int | None = None) -> Child:
    check_version(child, expected_version)
    try:
        iro = _person(session, iro_id, child.iro_id, CHAIR_REVIEWS)
    except LookupError:
        raise ValidationError({"iro_id": "Select an independent reviewing officer from the list"}) from None
    if child.iro_id != (iro.id if iro else None):
        _record(session, child, "Independent reviewing officer", _name(child.iro), _name(iro))
    child.iro_id = iro.id if iro else None
    session.flush()
    session.expire(child, ["iro"])
    return child


def allocate_adviser(session: Session, child: Child, *, adviser_id: int | None, today: dt.date,
                     expected_version: int | None = None) -> Child:
    """Set (or clear) the young person's personal adviser: only for a care leaver (the
    rules engine's status from their care history). The adviser then owns the
    personal-adviser items (pathway plan reviews, contacts, visits, birthday data)."""
    check_version(child, expected_version)
    try:
        adviser = _person(session, adviser_id, child.personal_adviser_id, ADVISE_CARE_LEAVERS)
    except LookupError:
        raise ValidationError({"adviser_id": "Select a personal adviser from the list"}) from None
    if adviser is not None and adviser.id != child.personal_adviser_id:
        category = get_status(session, child, today).category
        if category not in ADVISED:
            raise ValidationError({"adviser_id": (
                f"{child.first_name} is not a care leaver ({CATEGORY_LABELS.get(category, category).lower()}), "
                "so a personal adviser cannot be allocated")})
    if child.personal_adviser_id != (adviser.id if adviser else None):
        _record(session, child, "Personal adviser", _name(child.personal_adviser), _name(adviser))
    child.personal_adviser_id = adviser.id if adviser else None
    session.flush()
    session.expire(child, ["personal_adviser"])
    recompute_child(session, child, today=today)
    return child


def set_restricted(session: Session, child: Child, *, restricted: str | None, expected_version: int | None = None
                   ) -> Child:
    """Restrict the record (or lift the restriction). A restricted record always has a
    team: otherwise no manager could open it."""
    check_version(child, expected_version)
    if restricted not in ("yes", "no"):
        raise ValidationError({"restricted": "Select whether the record is restricted"})
    wanted = restricted == "yes"
    if wanted and child.team_id is None:
        raise ValidationError({"restricted": "Allocate the child to a team first: a restricted record needs a team "
                                             "whose managers can open it"})
    if child.restricted != wanted:
        _record(session, child, "Restricted record", "yes" if child.restricted else "no", restricted)
    child.restricted = wanted
    session.flush()
    return child
