"""Reads about children, always through the viewer's visibility rules."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, Select, false, or_, select, true
from sqlalchemy.orm import Session

from tracker.auth.models import Team, User
from tracker.auth.roles import SEE_ALL_RESTRICTED
from tracker.children.models import CarePeriod, Child, LegalStatus


def visible_to(user: User) -> ColumnElement[bool]:
    """SQL condition: children ``user`` may open.

    Restricted records are visible only to the allocated worker, the team manager(s) of
    the child's team, the group manager of that team's service, and administrators.
    """
    if user.can(SEE_ALL_RESTRICTED):
        return true()
    allowed: list[ColumnElement[bool]] = [Child.restricted.is_(False), Child.allocated_worker_id == user.id]
    if user.role == "team_manager" and user.team_id is not None:
        allowed.append(Child.team_id == user.team_id)
    service_id = user.managed_service_id
    if service_id is not None:
        allowed.append(Child.team_id.in_(select(Team.id).where(Team.service_id == service_id)))
    return or_(*allowed) if allowed else false()


def can_view(user: User, child: Child) -> bool:
    if user.can(SEE_ALL_RESTRICTED) or not child.restricted:
        return True
    if child.allocated_worker_id == user.id:
        return True
    if user.role == "team_manager" and child.team_id is not None and child.team_id == user.team_id:
        return True
    service_id = user.managed_service_id
    return service_id is not None and child.team is not None and child.team.service_id == service_id


def list_my_children(user: User) -> Select[tuple[Child]]:
    return (select(Child).where(Child.allocated_worker_id == user.id)
            .order_by(Child.last_name, Child.first_name, Child.id))


def get_current_legal_status(session: Session, child: Child, on: dt.date) -> str | None:
    return session.scalar(
        select(LegalStatus.code).where(LegalStatus.child_id == child.id, LegalStatus.start_on <= on)
        .order_by(LegalStatus.start_on.desc()).limit(1))


def get_open_care_period(session: Session, child: Child) -> CarePeriod | None:
    return session.scalar(select(CarePeriod).where(CarePeriod.child_id == child.id, CarePeriod.end_on.is_(None)))
