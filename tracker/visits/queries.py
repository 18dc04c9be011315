"""Reads about visits: a child's visits and plans, and the statutory visits that are
overdue across the children a user may see, by worker and by team.

"Overdue" is the tracked item's status (its due date from the rules table, refreshed by
the daily scan and by every change to the child's facts): nothing here knows a timescale.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from tracker.auth.models import Team, User
from tracker.children.models import Child
from tracker.children.queries import CASEWORK_ROLES, CaseloadScope, visible_to
from tracker.tracking.models import TrackedItem
from tracker.visits.models import Visit

#: The tracked-item kinds this domain's facts complete.
VISIT_KINDS = ("care_plan", "placement_plan", "visit")


def list_visits(session: Session, child: Child) -> list[Visit]:
    """The child's visits, newest first."""
    return list(session.scalars(select(Visit).where(Visit.child_id == child.id)
                                .order_by(Visit.visited_on.desc(), Visit.id.desc())))


def list_plans(session: Session, model: Any, child: Child) -> list[Any]:
    """The child's care plans or placement plans, newest first."""
    return list(session.scalars(select(model).where(model.child_id == child.id)
                                .order_by(model.completed_on.desc(), model.id.desc())))


def list_visitors(session: Session) -> list[User]:
    """Who can be recorded as having visited: active social workers and managers."""
    return list(session.scalars(select(User).where(User.active.is_(True), User.role.in_(CASEWORK_ROLES))
                                .order_by(User.name, User.id)))


# Overdue visits ------------------------------------------------------------------------

@dataclass(frozen=True)
class OverdueVisit:
    child: Child
    due_on: dt.date
    days_overdue: int
    worker: str
    team: str


@dataclass
class OverdueVisits:
    """Overdue statutory visits in a user's scope: each child's one overdue visit (its
    current placement's), counted by allocated worker and by team."""

    rows: list[OverdueVisit] = field(default_factory=list)
    by_worker: list[tuple[int | None, str, int]] = field(default_factory=list)
    by_team: list[tuple[int | None, str, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.rows)


def _scope_condition(user: User, scope: CaseloadScope) -> ColumnElement[bool]:
    """The children a user's caseload covers: their own, their team's, or their service's
    (an administrator's: every team)."""
    if scope.level == "own":
        return Child.allocated_worker_id == user.id
    if scope.level == "team" or user.managed_service_id is not None:
        return Child.team_id.in_(scope.team_ids or {-1})
    return true()


def overdue_visits(session: Session, user: User, scope: CaseloadScope, *, today: dt.date,
                   worker_id: int | None = None, team_id: int | None = None) -> OverdueVisits:
    """Overdue visits of the children ``user`` may see within ``scope``, oldest due date
    first; ``worker_id`` (-1: no allocated worker) and ``team_id`` narrow the list, the
    counts are always of the whole scope."""
    worker = select(User.id, User.name).subquery()
    stmt = (select(Child, TrackedItem.due_on, Child.allocated_worker_id, worker.c.name, Child.team_id, Team.name)
            .join(TrackedItem, TrackedItem.child_id == Child.id)
            .outerjoin(worker, worker.c.id == Child.allocated_worker_id)
            .outerjoin(Team, Team.id == Child.team_id)
            .where(visible_to(user), _scope_condition(user, scope), TrackedItem.kind == "visit",
                   TrackedItem.is_open == true(), TrackedItem.status == "overdue")
            .order_by(TrackedItem.due_on, Child.last_name, Child.first_name, Child.id))
    out = OverdueVisits()
    workers: Counter[tuple[int | None, str]] = Counter()
    teams: Counter[tuple[int | None, str]] = Counter()
    for child, due, wid, wname, tid, tname in session.execute(stmt):
        workers[(wid, wname or "Not allocated")] += 1
        teams[(tid, tname or "No team")] += 1
        if worker_id is not None and (wid or -1) != worker_id:
            continue
        if team_id is not None and tid != team_id:
            continue
        out.rows.append(OverdueVisit(child, due, (today - due).days, wname or "Not allocated", tname or "No team"))
    # Sorted by name (the unallocated and teamless last), so a manager finds a person.
    out.by_worker = sorted(((k[0], k[1], n) for k, n in workers.items()), key=lambda r: (r[0] is None, r[1], r[0] or 0))
    out.by_team = sorted(((k[0], k[1], n) for k, n in teams.items()), key=lambda r: (r[0] is None, r[1], r[0] or 0))
    return out
