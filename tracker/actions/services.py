"""Adding, completing and deleting actions. Services: explicit arguments, never
read the request or commit, raise ValidationError, recompute the child's items."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.auth.models import User
from tracker.children.models import Child
from tracker.children.services import check_version
from tracker.errors import ValidationError
from tracker.tracking.models import Action
from tracker.tracking.services import recompute_child

ACTION_SOURCES = ("other", "meeting", "review", "pathway_plan")


def record_action(session: Session, child: Child, *, title: str | None, owner_id: int | None,
                  due_on: dt.date | None, source: str | None, today: dt.date,
                  created_by_id: int | None, meeting_id: int | None = None) -> Action:
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "Enter what needs to be done"
    elif len(title) > 200:
        errors["title"] = "Keep it to 200 characters or fewer"
    owner = session.get(User, owner_id) if owner_id else None
    if owner is None or not owner.active:
        errors["owner_id"] = "Select who will do it"
    if due_on is None:
        errors["due_on"] = "Enter the due date"
    elif due_on < today:
        errors["due_on"] = "Due date must be today or in the future"
    if source not in ACTION_SOURCES:
        errors["source"] = "Select where the action was agreed"
    if not errors:
        clash = session.scalar(select(Action.id).where(Action.child_id == child.id, Action.title == title,
                                                       Action.due_on == due_on, Action.completed_on.is_(None)))
        if clash is not None:
            errors["title"] = f"This action, due {due_on:%d/%m/%Y}, is already recorded"
    if errors:
        raise ValidationError(errors)
    assert due_on is not None and owner_id is not None and source is not None
    action = Action(child_id=child.id, title=title, owner_id=owner_id, due_on=due_on, source=source,
                    created_by_id=created_by_id, created_on=today, meeting_id=meeting_id)
    session.add(action)
    recompute_child(session, child, today=today)
    return action


def complete_action(session: Session, action: Action, *, completed_on: dt.date | None, today: dt.date,
                    expected_version: int | None = None) -> Action:
    check_version(action, expected_version)
    errors: dict[str, str] = {}
    if completed_on is None:
        errors["completed_on"] = "Enter the date it was done"
    elif completed_on > today:
        errors["completed_on"] = "Date it was done must be today or in the past"
    elif completed_on < action.created_on:
        errors["completed_on"] = (f"Date it was done must be on or after the date the action was set "
                                  f"({action.created_on:%d/%m/%Y})")
    elif action.completed_on is not None:
        errors["completed_on"] = f"This action was already marked as done on {action.completed_on:%d/%m/%Y}"
    if errors:
        raise ValidationError(errors)
    action.completed_on = completed_on
    child = session.get(Child, action.child_id)
    assert child is not None
    recompute_child(session, child, today=today)
    return action


def delete_action(session: Session, action: Action, *, today: dt.date, expected_version: int | None = None) -> None:
    check_version(action, expected_version)
    child = session.get(Child, action.child_id)
    assert child is not None
    session.delete(action)
    recompute_child(session, child, today=today)


