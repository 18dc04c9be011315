"""A child's actions: add one, mark it as done, delete one added by mistake."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from tracker import clock
from tracker.actions import services
from tracker.actions.forms import ActionForm, CompleteActionForm
from tracker.auth.models import User
from tracker.children.access import WRITE
from tracker.children.guard import for_child
from tracker.children.models import Child
from tracker.children.pages import correct_fact, delete_fact, get_child_or_403, record_fact
from tracker.extensions import db
from tracker.tracking.models import Action

bp = Blueprint("actions", __name__)


def _owner_choices() -> list[SelectChoice]:
    users = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name))
    return [SelectChoice("", "Select")] + [SelectChoice(str(u.id), f"{u.name} ({u.role_label})") for u in users]


def _action(child: Child, action_id: int) -> Action:
    action = db.session.get(Action, action_id)
    if action is None or action.child_id != child.id:
        abort(404)
    return action


def describe_action(action: Action) -> list[tuple[str, str]]:
    return [("Action", action.title), ("Who", action.owner.name if action.owner else ""),
            ("Set on", f"{action.created_on:%d/%m/%Y}"), ("Due", f"{action.due_on:%d/%m/%Y}"),
            ("Done", f"{action.completed_on:%d/%m/%Y}" if action.completed_on else "Not yet")]


@bp.route("/children/<int:child_id>/actions/new", methods=["GET", "POST"])
@for_child("actions", WRITE)
def new_action(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    form = ActionForm()
    form.owner_id.choices = _owner_choices()
    if request.method == "GET":
        form.owner_id.data = child.allocated_worker_id or current_user.id
    return record_fact(form, lambda: services.record_action(
        db.session, child, title=form.title.data, owner_id=form.owner_id.data, due_on=form.due_on.data,
        source=form.source.data, today=clock.today(), created_by_id=current_user.id),
        child=child, success="Action added", heading="Add an action",
        back_url=url_for("children.child_items", child_id=child.id))


@bp.route("/children/<int:child_id>/actions/<int:action_id>/done", methods=["GET", "POST"],
          endpoint="complete_action")
@for_child("actions", WRITE)
def complete_action_page(child_id: int, action_id: int) -> Any:
    child = get_child_or_403(child_id)
    action = _action(child, action_id)
    form = CompleteActionForm(obj=action)
    if request.method == "GET" and action.completed_on is None:
        form.completed_on.data = clock.today()
    return correct_fact(form, action, lambda version: services.complete_action(
        db.session, action, completed_on=form.completed_on.data, today=clock.today(), expected_version=version),
        child=child, describe=describe_action, success="Action marked as done", heading="Mark an action as done",
        intro=f"{action.title} (due {action.due_on:%d/%m/%Y}).",
        back_url=url_for("children.child_items", child_id=child.id))


@bp.route("/children/<int:child_id>/actions/<int:action_id>/delete", methods=["GET", "POST"],
          endpoint="delete_action")
@for_child("actions", WRITE)
def delete_action_page(child_id: int, action_id: int) -> Any:
    child = get_child_or_403(child_id)
    action = _action(child, action_id)
    return delete_fact(action, lambda version: services.delete_action(
        db.session, action, today=clock.today(), expected_version=version),
        child=child, describe=describe_action, success="Action deleted", heading="Delete this action?",
        back_url=url_for("children.child_items", child_id=child.id))
