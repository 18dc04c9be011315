"""Reads for the allocation pages: who may be chosen, and the unallocated children."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from tracker.auth.models import Team, User
from tracker.auth.roles import ADVISE_CARE_LEAVERS, CHAIR_REVIEWS, HOLD_CASES, roles_with
from tracker.children.access import readable
from tracker.children.models import Child


def list_people(session: Session, capability: str) -> list[User]:
    """Active accounts whose role carries ``capability``, by name."""
    return list(session.scalars(select(User).where(User.active.is_(True), User.role.in_(roles_with(capability)))
                                .order_by(User.name, User.id)))


def list_workers(session: Session) -> list[User]:
    return list_people(session, HOLD_CASES)


def list_iros(session: Session) -> list[User]:
    return list_people(session, CHAIR_REVIEWS)


def list_advisers(session: Session) -> list[User]:
    return list_people(session, ADVISE_CARE_LEAVERS)


def list_teams(session: Session) -> list[Team]:
    return list(session.scalars(select(Team).order_by(Team.name)))


def list_unallocated(user: User, *, today: dt.date) -> Select[Any]:
    """Children the manager may see who have no allocated worker, most urgent first
    (most overdue items, then the earliest next due date), then by name."""
    return (select(Child).where(readable(user, today=today), Child.allocated_worker_id.is_(None))
            .order_by(Child.open_overdue.desc(), Child.next_due_on.asc().nulls_last(), Child.last_name,
                      Child.first_name, Child.id))
