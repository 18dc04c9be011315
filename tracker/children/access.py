"""Who may read and who may change each part of a child's record: the one place it is decided.

A user may do something to a child's record when BOTH hold:

* their **role** carries the capability the part needs (``AREAS``: reading needs
  ``view_children``; changing health needs ``edit_case``, a PEP ``edit_education``…), and
* one of their **relationships** to this child grants it (``GRANTS``).

The relationships (``relationships``), from the user's role capabilities and the child's
allocation:

==================  ==========================================================================
allocated_worker    the child's allocated worker
team                a case worker of the child's team (not for a restricted child)
team_manager        the team manager of the child's team
group_manager       the group manager of the service the child's team belongs to
iro                 the child's independent reviewing officer
virtual_school      a virtual school officer, for a child of school age (3 to 17, the PEP
                    rules' ages; not for a restricted child)
personal_adviser    the personal adviser allocated to a care leaver (16 or over; a manager
                    allocates one only to a young person the rules make a care leaver)
policy              an administrator where the council's policy lets them read every child
                    (config ``ADMIN_READS_CHILDREN``, default no)
==================  ==========================================================================

Views ask :func:`allows` (through :func:`tracker.children.guard.for_child`); lists,
searches, drill-downs and exports filter with :func:`readable`, the same rules as SQL.
The README's "Access" section is this table in words; ``tests/auth/test_access_table.py``
walks every (role, relationship, part, action) through real HTTP requests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, or_, select, true

from tracker import clock
from tracker.auth.models import Team, User
from tracker.auth.roles import (
    ADVISE_CARE_LEAVERS,
    ALLOCATE,
    CHAIR_REVIEWS,
    EDIT_CASE,
    EDIT_EDUCATION,
    EDIT_LEAVING_CARE,
    HOLD_CASES,
    MANAGE_SERVICE,
    MANAGE_TEAM,
    READ_ALL_CHILDREN,
    SUPPORT_EDUCATION,
    VIEW_AUDIT,
    VIEW_CHILDREN,
)
from tracker.children.models import Child
from tracker.tracking.rules.education import PEP
from tracker.tracking.rules.eligibility import ELIGIBILITY

READ = "read"
WRITE = "write"
R = frozenset({READ})
RW = frozenset({READ, WRITE})


@dataclass(frozen=True)
class Area:
    """A part of the child's record: its name in words and the capabilities a role
    needs to read it and to change it (besides a relationship that grants it)."""

    label: str
    write_capability: str
    read_capability: str = VIEW_CHILDREN


#: The parts of a child's record. Each child page names its area (the guard), and each
#: fact in the registry names the area of its record, correct and delete pages.
AREAS: dict[str, Area] = {
    "overview": Area("Overview and the child's details (name, date of birth, identity)", EDIT_CASE),
    "record": Area("Due dates and chronology (every kind of record in one list)", EDIT_CASE),
    "care": Area("Care history, legal statuses, placements, visits, care and placement plans, missing episodes",
                 EDIT_CASE),
    "permanence": Area("Permanence plans, milestones and court proceedings", EDIT_CASE),
    "reviews": Area("Statutory reviews", EDIT_CASE),
    "health": Area("Health assessments, dental checks, SDQ", EDIT_CASE),
    "education": Area("Education (PEPs)", EDIT_EDUCATION),
    "leaving_care": Area("Leaving care (pathway plans, contacts, accommodation, EET…)", EDIT_LEAVING_CARE),
    "return": Area("SSDA903 details (social workers, deprivation of liberty, OC2, adoption)", EDIT_CASE),
    "actions": Area("Tracked actions and concerns raised", EDIT_CASE),
    "meetings": Area("Tracking-meeting decisions about the child", EDIT_CASE),
    "history": Area("Audit history (every change)", EDIT_CASE),
    "viewers": Area("Who viewed the record", ALLOCATE, read_capability=VIEW_AUDIT),
    "allocation": Area("Allocation (worker, team, IRO, personal adviser) and the restricted flag", ALLOCATE),
}

_CASE_AREAS = ("overview", "record", "care", "permanence", "reviews", "health", "education", "leaving_care",
               "return", "actions")


def _grant(read: Iterable[str] = (), write: Iterable[str] = ()) -> Mapping[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {a: R for a in read}
    out.update({a: RW for a in write})
    return out


#: What each relationship grants, per area (an area not listed: nothing).
GRANTS: dict[str, Mapping[str, frozenset[str]]] = {
    "allocated_worker": _grant(read=("meetings", "history"), write=_CASE_AREAS),
    "team": _grant(read=("meetings",), write=_CASE_AREAS),
    "team_manager": _grant(read=("meetings", "history", "viewers"), write=(*_CASE_AREAS, "allocation")),
    "group_manager": _grant(read=("meetings", "history", "viewers"), write=(*_CASE_AREAS, "allocation")),
    "iro": _grant(read=(*_CASE_AREAS, "meetings"), write=("reviews", "actions")),
    "virtual_school": _grant(read=("overview",), write=("education",)),
    "personal_adviser": _grant(read=(*_CASE_AREAS, "meetings"), write=("leaving_care",)),
    "policy": _grant(read=(*_CASE_AREAS, "meetings", "history", "viewers")),
}

#: Relationships that hold for a restricted child too (the others need an open record).
RESTRICTED_OK = frozenset({"allocated_worker", "team_manager", "group_manager", "iro", "personal_adviser",
                           "policy"})


def school_age_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    """Children born after the first date and on or before the second are of school age
    today: aged from the PEP rules' ``from_age`` and under their ``until_age``."""
    return (_years_before(today, int(PEP.params["until_age"])), _years_before(today, int(PEP.params["from_age"])))


def _adviser_born_by(today: dt.date) -> dt.date:
    """A personal adviser's young people are at least the age eligibility starts (16)."""
    return _years_before(today, int(ELIGIBILITY["from_age"]))


def _years_before(on: dt.date, years: int) -> dt.date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def relationships(user: User, child: Child, *, today: dt.date | None = None) -> frozenset[str]:
    """The user's relationships to this child (empty: none, so nothing is allowed)."""
    today = today or clock.today()
    out: set[str] = set()
    if user.can(READ_ALL_CHILDREN):
        out.add("policy")
    if user.can(HOLD_CASES):
        if child.allocated_worker_id == user.id:
            out.add("allocated_worker")
        if user.team_id is not None and child.team_id == user.team_id:
            out.add("team")
    if user.can(MANAGE_TEAM) and user.team_id is not None and child.team_id == user.team_id:
        out.add("team_manager")
    service_id = user.managed_service_id
    if (user.can(MANAGE_SERVICE) and service_id is not None and child.team is not None
            and child.team.service_id == service_id):
        out.add("group_manager")
    if user.can(CHAIR_REVIEWS) and child.iro_id == user.id:
        out.add("iro")
    if user.can(SUPPORT_EDUCATION):
        born_after, born_by = school_age_bounds(today)
        if born_after < child.date_of_birth <= born_by:
            out.add("virtual_school")
    if (user.can(ADVISE_CARE_LEAVERS) and child.personal_adviser_id == user.id
            and child.date_of_birth <= _adviser_born_by(today)):
        out.add("personal_adviser")
    if child.restricted:
        out &= RESTRICTED_OK
    return frozenset(out)


def granted(user: User, relations: Iterable[str], area: str, action: str) -> bool:
    """Whether ``relations`` grant ``action`` on ``area`` to a user with this role."""
    spec = AREAS[area]
    if not user.can(spec.read_capability if action == READ else spec.write_capability):
        return False
    return any(action in GRANTS[rel].get(area, frozenset()) for rel in relations)


def allows(user: User, child: Child, area: str, action: str = READ, *, today: dt.date | None = None) -> bool:
    """May ``user`` read (or change) this part of the child's record?"""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return granted(user, relationships(user, child, today=today), area, action)


def can_read(user: User, child: Child, *, today: dt.date | None = None) -> bool:
    """May ``user`` open the child's record at all (any part)?"""
    relations = relationships(user, child, today=today)
    return any(granted(user, relations, area, READ) for area in AREAS)


def allowed_areas(user: User, child: Child, action: str = READ, *, today: dt.date | None = None) -> set[str]:
    relations = relationships(user, child, today=today)
    return {area for area in AREAS if granted(user, relations, area, action)}


def readable(user: User, *, today: dt.date | None = None) -> ColumnElement[bool]:
    """SQL condition on ``Child``: the children ``user`` may open (any part of the
    record), by the same relationships as :func:`relationships`. Every list of children
    (caseloads, search, drill-downs, meeting packs, exports) filters with it."""
    today = today or clock.today()
    if not user.can(VIEW_CHILDREN):
        return false()
    if user.can(READ_ALL_CHILDREN):
        return true()
    open_record = Child.restricted.is_(False)
    conds: list[ColumnElement[bool]] = []
    if user.can(HOLD_CASES):
        conds.append(Child.allocated_worker_id == user.id)
        if user.team_id is not None:
            conds.append(and_(open_record, Child.team_id == user.team_id))
    if user.can(MANAGE_TEAM) and user.team_id is not None:
        conds.append(Child.team_id == user.team_id)
    service_id = user.managed_service_id
    if user.can(MANAGE_SERVICE) and service_id is not None:
        conds.append(Child.team_id.in_(select(Team.id).where(Team.service_id == service_id)))
    if user.can(CHAIR_REVIEWS):
        conds.append(Child.iro_id == user.id)
    if user.can(SUPPORT_EDUCATION):
        born_after, born_by = school_age_bounds(today)
        conds.append(and_(open_record, Child.date_of_birth > born_after, Child.date_of_birth <= born_by))
    if user.can(ADVISE_CARE_LEAVERS):
        conds.append(and_(Child.personal_adviser_id == user.id, Child.date_of_birth <= _adviser_born_by(today)))
    return or_(*conds) if conds else false()


class SystemReader:
    """The service's own reads that count every child (the weekly snapshot job): it may
    read every record and change none. Never a signed-in user."""

    id = 0
    team_id = None
    managed_service_id = None
    is_authenticated = False
    is_active = False

    def can(self, capability: str) -> bool:
        return capability in (VIEW_CHILDREN, READ_ALL_CHILDREN)


SYSTEM = SystemReader()


#: The relationships in words (the README's table).
RELATIONSHIP_LABELS: dict[str, str] = {
    "allocated_worker": "allocated worker", "team": "team", "team_manager": "team manager",
    "group_manager": "group manager", "iro": "IRO", "virtual_school": "virtual school",
    "personal_adviser": "personal adviser", "policy": "administrator (policy)",
}


def readme_table() -> str:
    """The rows of the README's table of parts (what each relationship may do)."""
    return "".join(f"| `{area}` | {label} | {', '.join(RELATIONSHIP_LABELS[r] for r in read) or '–'} | "
                   f"{', '.join(RELATIONSHIP_LABELS[r] for r in write) or '–'} |\n"
                   for area, label, read, write in areas_table())


def areas_table() -> list[tuple[str, str, list[str], list[str]]]:
    """(area, label, relationships that read it, relationships that change it): the
    README's "Access" table (``tests/auth/test_access_model.py`` checks they agree)."""
    rows = []
    for name, spec in AREAS.items():
        read = [rel for rel, g in GRANTS.items() if READ in g.get(name, ())]
        write = [rel for rel, g in GRANTS.items() if WRITE in g.get(name, ())]
        rows.append((name, spec.label, read, write))
    return rows
