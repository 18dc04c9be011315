"""Rules page, a child's due dates, and the administrator's policy settings and term dates."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from sqlalchemy import select
from wtforms import HiddenField, IntegerField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange

from tracker import clock
from tracker.auth.models import User
from tracker.auth.roles import EDIT_CASE, MANAGE_SETTINGS, VIEW_CHILDREN
from tracker.children.forms import ActionForm, CompleteActionForm
from tracker.children.models import Child
from tracker.children.pages import (
    child_context,
    correct_fact,
    delete_fact,
    get_child_or_403,
    record_fact,
)
from tracker.education.models import TermDate
from tracker.extensions import db
from tracker.tracking import actions, queries
from tracker.tracking import settings as settings_mod
from tracker.tracking.models import Action
from tracker.tracking.rules import RULES
from tracker.tracking.services import NOT_RECORDED_YET, all_child_ids, recompute_children
from tracker.web import requires, submit
from tracker.web.forms import MAX_INT, Form, safe_int

bp = Blueprint("tracking", __name__)


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    return {"status_labels": queries.STATUS_LABELS, "status_tag": queries.STATUS_TAG,
            "kind_titles": {r.kind: r.title for r in RULES}}


@bp.route("/rules")
@requires(VIEW_CHILDREN)
def rules_page() -> Any:
    values = settings_mod.get_settings(db.session)
    return render_template("tracking/rules.html", rules=RULES, values=values, specs=settings_mod.SPECS,
                           config=settings_mod.get_rule_config(db.session), not_tracked=NOT_RECORDED_YET)


@bp.route("/children/<int:child_id>/due-dates")
@requires(VIEW_CHILDREN)
def child_items(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    today = clock.today()
    items = queries.list_child_items(db.session, child.id)
    return render_template("tracking/child_items.html", child=child, items=items, today=today, tab="items",
                           can_record=current_user.can(EDIT_CASE),
                           **child_context(child, today))


class WholeNumberField(IntegerField):
    """A whole number typed into a text box, with a message a person can act on."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        self.data = safe_int(valuelist[0], minimum=-MAX_INT)
        if self.data is None:
            raise ValueError(f"{self.label.text} must be a whole number, like 12")


def _settings_form() -> type[Form]:
    class SettingsForm(Form):
        version = HiddenField()
        submit = SubmitField("Save settings", widget=GovSubmitInput())

    for spec in settings_mod.SETTINGS:
        setattr(SettingsForm, spec.key, WholeNumberField(
            spec.label, description=spec.hint, widget=GovTextInput(),
            validators=[InputRequired(message=f"Enter a number for {spec.label.lower()}"),
                        NumberRange(spec.minimum, spec.maximum,
                                    message=f"{spec.label} must be a whole number from {spec.minimum} to "
                                            f"{spec.maximum}")]))
    return SettingsForm


@bp.route("/admin/settings", methods=["GET", "POST"])
@requires(MANAGE_SETTINGS)
def edit_settings() -> Any:

    values = settings_mod.get_settings(db.session)
    form = _settings_form()(data={**values, "version": settings_mod.settings_version(db.session)})
    changed: list[str] = []

    def apply() -> None:
        changed.extend(settings_mod.update_settings(
            db.session, {s.key: getattr(form, s.key).data for s in settings_mod.SETTINGS},
            expected_version=form.version.data or None))
        if set(changed) & {"due_soon_days", "dental_months", "pre_proceedings_weeks"}:
            # The numbers feed every child's due dates: recompute in the same transaction.
            recompute_children(db.session, all_child_ids(db.session), today=clock.today())

    ok, conflict = submit(form, apply, success=lambda: "Settings saved" + (
        " and every child's due dates recomputed" if changed else ""))
    if ok:
        return redirect(url_for("tracking.edit_settings"))
    if conflict:
        form.version.data = settings_mod.settings_version(db.session)
    return render_template("_components/form_page.html", form=form, heading="Policy settings", conflict=conflict,
                           intro="Local policy numbers. Statutory timescales are fixed in the rules table; "
                                 "every change here is audited.",
                           back_url=url_for("tracking.rules_page"))


@bp.route("/admin/term-dates")
@requires(MANAGE_SETTINGS)
def term_dates() -> Any:
    terms = list(db.session.scalars(select(TermDate).order_by(TermDate.start_on)))
    return render_template("tracking/term_dates.html", terms=terms, today=clock.today(),
                           missing_next=request.args.get("missing"))


# Actions ------------------------------------------------------------------------------

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
@requires(EDIT_CASE)
def new_action(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    form = ActionForm()
    form.owner_id.choices = _owner_choices()
    if request.method == "GET":
        form.owner_id.data = child.allocated_worker_id or current_user.id
    return record_fact(form, lambda: actions.record_action(
        db.session, child, title=form.title.data, owner_id=form.owner_id.data, due_on=form.due_on.data,
        source=form.source.data, today=clock.today(), created_by_id=current_user.id),
        child=child, success="Action added", heading="Add an action",
        back_url=url_for("tracking.child_items", child_id=child.id))


@bp.route("/children/<int:child_id>/actions/<int:action_id>/done", methods=["GET", "POST"],
          endpoint="complete_action")
@requires(EDIT_CASE)
def complete_action_page(child_id: int, action_id: int) -> Any:
    child = get_child_or_403(child_id)
    action = _action(child, action_id)
    form = CompleteActionForm(obj=action)
    if request.method == "GET" and action.completed_on is None:
        form.completed_on.data = clock.today()
    return correct_fact(form, action, lambda version: actions.complete_action(
        db.session, action, completed_on=form.completed_on.data, today=clock.today(), expected_version=version),
        child=child, describe=describe_action, success="Action marked as done", heading="Mark an action as done",
        intro=f"{action.title} (due {action.due_on:%d/%m/%Y}).",
        back_url=url_for("tracking.child_items", child_id=child.id))


@bp.route("/children/<int:child_id>/actions/<int:action_id>/delete", methods=["GET", "POST"],
          endpoint="delete_action")
@requires(EDIT_CASE)
def delete_action_page(child_id: int, action_id: int) -> Any:
    child = get_child_or_403(child_id)
    action = _action(child, action_id)
    return delete_fact(action, lambda version: actions.delete_action(
        db.session, action, today=clock.today(), expected_version=version),
        child=child, describe=describe_action, success="Action deleted", heading="Delete this action?",
        back_url=url_for("tracking.child_items", child_id=child.id))
