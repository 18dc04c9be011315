"""Reads about children, always through the viewer's visibility rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, case, exists, extract, func, or_, select, true
from sqlalchemy.orm import Session, aliased

from tracker.auth.models import Team, User
from tracker.auth.roles import HOLD_CASES, VIEW_SERVICE, VIEW_TEAM, roles_with
from tracker.children import access
from tracker.children.models import CarePeriod, Child, LegalStatus
from tracker.tracking import registry
from tracker.tracking.models import TrackedItem
from tracker.tracking.registry import Entry


def visible_to(user: User) -> ColumnElement[bool]:
    """SQL condition: children ``user`` may open (:func:`tracker.children.access.readable`)."""
    return access.readable(user)


def can_view(user: User, child: Child) -> bool:
    """May ``user`` open the child's record (:func:`tracker.children.access.can_read`)?"""
    return access.can_read(user, child)


def list_my_children(user: User) -> Select[tuple[Child]]:
    return (select(Child).where(Child.allocated_worker_id == user.id, visible_to(user))
            .order_by(Child.last_name, Child.first_name, Child.id))


def get_current_legal_status(session: Session, child: Child, on: dt.date) -> str | None:
    return session.scalar(
        select(LegalStatus.code).where(LegalStatus.child_id == child.id, LegalStatus.start_on <= on)
        .order_by(LegalStatus.start_on.desc()).limit(1))


def get_open_care_period(session: Session, child: Child) -> CarePeriod | None:
    return session.scalar(select(CarePeriod).where(CarePeriod.child_id == child.id, CarePeriod.end_on.is_(None)))


# Caseload ------------------------------------------------------------------------------

#: Age bands for the caseload filter: label -> (youngest, oldest or None).
AGE_BANDS: dict[str, tuple[int, int | None]] = {
    "0-4": (0, 4), "5-9": (5, 9), "10-15": (10, 15), "16-17": (16, 17), "18-plus": (18, None),
}
STATUS_FILTERS = {"overdue": "Any overdue", "due_soon": "Any due soon", "none": "None overdue or due soon"}
CASEWORK_ROLES = roles_with(HOLD_CASES)


@dataclass(frozen=True)
class CaseloadFilters:
    """What the caseload page and its CSV export are filtered by (all optional)."""

    status: str = ""
    legal_status: str = ""
    age_band: str = ""
    care_leaver: str = ""
    q: str = ""
    #: A worker's id, or -1 for children with no allocated worker (managers only).
    worker_id: int | None = None
    team_id: int | None = None

    @property
    def active(self) -> bool:
        return any((self.status, self.legal_status, self.age_band, self.care_leaver, self.q.strip(),
                    self.worker_id is not None, self.team_id is not None))


@dataclass(frozen=True)
class CaseloadScope:
    """Whose children a user's caseload covers.

    ``own``: the children allocated to the user (social workers, and anyone without a
    team-wide view); ``team``: a team manager's team, switchable by worker; ``service``:
    every team in a group manager's service (administrators: every team), filterable by
    team and worker.
    """

    level: str
    teams: tuple[Team, ...] = ()
    workers: tuple[User, ...] = ()

    @property
    def team_ids(self) -> set[int]:
        return {t.id for t in self.teams}

    @property
    def worker_ids(self) -> set[int]:
        return {w.id for w in self.workers}


def get_caseload_scope(session: Session, user: User) -> CaseloadScope:
    if user.can(VIEW_SERVICE):
        teams_q = select(Team).order_by(Team.name)
        if user.managed_service_id is not None:
            teams_q = teams_q.where(Team.service_id == user.managed_service_id)
        teams = tuple(session.scalars(teams_q))
        level = "service"
    elif user.can(VIEW_TEAM) and user.team_id is not None:
        teams = tuple(session.scalars(select(Team).where(Team.id == user.team_id)))
        level = "team"
    else:
        return CaseloadScope(level="own")
    workers = tuple(session.scalars(
        select(User).where(User.active.is_(True), User.role.in_(CASEWORK_ROLES),
                           User.team_id.in_([t.id for t in teams]))
        .order_by(User.name)))
    return CaseloadScope(level=level, teams=teams, workers=workers)


def _years_before(on: dt.date, years: int) -> dt.date:
    """The date ``years`` years before ``on`` (29 February becomes 28 February)."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)


def _age_on(dob: Any, on: Any) -> ColumnElement[int]:
    """Age in whole years on ``on`` (a date column or expression), in portable SQL."""
    birthday_later = ((extract("month", on) * 100 + extract("day", on))
                      < (extract("month", dob) * 100 + extract("day", dob)))
    return extract("year", on) - extract("year", dob) - case((birthday_later, 1), else_=0)


def caseload_columns(today: dt.date) -> dict[str, Any]:
    """SQL expressions for one caseload row, correlated to ``Child``."""
    in_care = exists().where(CarePeriod.child_id == Child.id, CarePeriod.start_on <= today,
                             or_(CarePeriod.end_on.is_(None), CarePeriod.end_on > today))
    legal_status = (select(LegalStatus.code)
                    .where(LegalStatus.child_id == Child.id, LegalStatus.start_on <= today)
                    .order_by(LegalStatus.start_on.desc()).limit(1).scalar_subquery())
    # Care leaver (a heuristic, deliberately simple SQL): the child has a period of care
    # that had started by today and was still open on or after their 16th birthday, i.e.
    # their age on the day the period ended (or today, if it is open) is 16 or more. The
    # statutory test (13 weeks looked after since 14, rules.md §4) is the engine's job;
    # this filter only has to find the older cohort quickly.
    care_leaver = exists().where(
        CarePeriod.child_id == Child.id, CarePeriod.start_on <= today,
        _age_on(Child.date_of_birth, func.coalesce(CarePeriod.end_on, today)) >= 16)
    next_item = (select(TrackedItem.kind).where(TrackedItem.child_id == Child.id, TrackedItem.is_open == true())
                 .order_by(TrackedItem.due_on, TrackedItem.id).limit(1).scalar_subquery())
    return {"in_care": in_care, "legal_status": case((in_care, legal_status), else_=None),
            "care_leaver": care_leaver, "next_kind": next_item}


def _scope_conditions(user: User, scope: CaseloadScope, filters: CaseloadFilters) -> list[ColumnElement[bool]]:
    """Whose children: the user's own, a team's (optionally one worker's), or a service's."""
    conds: list[ColumnElement[bool]] = [visible_to(user)]
    if scope.level == "own":
        # A case worker's own caseload is their allocated children; for an IRO, a virtual
        # school officer or a personal adviser it is every child they work with.
        if user.can(HOLD_CASES):
            conds.append(Child.allocated_worker_id == user.id)
        return conds
    if scope.level == "team" or user.managed_service_id is not None:
        conds.append(Child.team_id.in_(scope.team_ids or {-1}))
    if filters.team_id is not None:
        conds.append(Child.team_id == filters.team_id)
    if filters.worker_id == -1:
        conds.append(Child.allocated_worker_id.is_(None))
    elif filters.worker_id is not None:
        conds.append(Child.allocated_worker_id == filters.worker_id)
    return conds


def list_caseload(session: Session, user: User, scope: CaseloadScope, filters: CaseloadFilters, *,
                  today: dt.date, limit: int | None = None, offset: int = 0) -> Select[Any]:
    """The caseload (or one page of it) as ONE statement: a row per child with its
    open-item counts, the total number of matching children, and the details shown.

    Counts are the child's open-item counts kept by the recompute (``Child.open_overdue``,
    ``open_due_soon``, ``next_due_on``), so a page of 25 or an export of 10,000 is a single
    query, never one per child, and never an aggregate over every open item. An inner query filters,
    orders (most overdue, then most due soon, then the earliest next due date) and cuts
    the page, with ``count(*) over ()`` giving the total; the outer query adds the
    per-child details (next item, legal status, care leaver, worker, team) for the rows
    of that page only.
    """
    scope_conds = _scope_conditions(user, scope, filters)
    # Each child's open-item counts are kept on the child by the recompute, so ordering a
    # whole service by urgency needs no aggregate over its open items.
    overdue = Child.open_overdue
    due_soon = Child.open_due_soon
    cols = caseload_columns(today)

    inner = (select(Child.id.label("child_id"), overdue.label("overdue"), due_soon.label("due_soon"),
                    Child.next_due_on.label("next_due"), func.count().over().label("total"))
             .where(*scope_conds))
    if filters.status == "overdue":
        inner = inner.where(overdue > 0)
    elif filters.status == "due_soon":
        inner = inner.where(due_soon > 0)
    elif filters.status == "none":
        inner = inner.where(overdue == 0, due_soon == 0)
    if filters.legal_status == "none":
        inner = inner.where(~cols["in_care"])
    elif filters.legal_status:
        inner = inner.where(cols["legal_status"] == filters.legal_status)
    if filters.age_band in AGE_BANDS:
        youngest, oldest = AGE_BANDS[filters.age_band]
        inner = inner.where(Child.date_of_birth <= _years_before(today, youngest))
        if oldest is not None:
            inner = inner.where(Child.date_of_birth > _years_before(today, oldest + 1))
    if filters.care_leaver == "yes":
        inner = inner.where(cols["care_leaver"])
    elif filters.care_leaver == "no":
        inner = inner.where(~cols["care_leaver"])
    q = filters.q.strip()
    if q:
        like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        inner = inner.where(or_((Child.first_name + " " + Child.last_name).ilike(like, escape="\\"),
                                (Child.last_name + ", " + Child.first_name).ilike(like, escape="\\"),
                                Child.local_id.ilike(like, escape="\\")))
    inner = inner.order_by(overdue.desc(), due_soon.desc(), Child.next_due_on.asc().nulls_last(),
                           Child.last_name, Child.first_name, Child.id)
    if limit is not None:
        inner = inner.limit(limit).offset(offset)
    page = inner.subquery("page")

    worker = aliased(User)
    return (select(Child, page.c.overdue, page.c.due_soon, page.c.next_due, page.c.total,
                   cols["next_kind"].label("next_kind"), cols["legal_status"].label("legal_status"),
                   cols["care_leaver"].label("care_leaver"), worker.name.label("worker_name"),
                   Team.name.label("team_name"))
            .join(page, page.c.child_id == Child.id)
            .outerjoin(worker, worker.id == Child.allocated_worker_id)
            .outerjoin(Team, Team.id == Child.team_id)
            .order_by(page.c.overdue.desc(), page.c.due_soon.desc(), page.c.next_due.asc().nulls_last(),
                      Child.last_name, Child.first_name, Child.id))


# Chronology ----------------------------------------------------------------------------

def list_chronology(session: Session, child: Child) -> list[Entry]:
    """Every recorded fact about ``child``, oldest first: one query per kind of fact the
    domains declare (tracker.tracking.registry)."""
    out: list[Entry] = []
    for fact in registry.facts():
        for row in session.scalars(select(fact.model).where(fact.model.child_id == child.id)):
            out.extend(fact.entries(row))
    out.sort(key=lambda e: (e.on, e.order, e.what))
    return out


def list_open_items(session: Session, child: Child, *, limit: int = 5) -> list[TrackedItem]:
    """The child's next due items (open ones, earliest first)."""
    return list(session.scalars(select(TrackedItem).where(TrackedItem.child_id == child.id,
                                                          TrackedItem.is_open == true())
                                .order_by(TrackedItem.due_on, TrackedItem.id).limit(limit)))


def list_items_of(session: Session, child: Child, *kinds: str) -> list[TrackedItem]:
    """The child's tracked items of some kinds, most recent due date first."""
    return list(session.scalars(select(TrackedItem).where(TrackedItem.child_id == child.id,
                                                          TrackedItem.kind.in_(kinds))
                                .order_by(TrackedItem.due_on.desc(), TrackedItem.id.desc())))
