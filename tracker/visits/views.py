"""A child's statutory visits, care plans and placement plans ("Visits and plans" tab),
and the overdue visits of a user's caseload, by worker and team."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from tracker import clock, codes
from tracker.auth.models import User
from tracker.auth.roles import VIEW_CHILDREN
from tracker.children.access import WRITE
from tracker.children.guard import for_child
from tracker.children.models import Child
from tracker.children.pages import (
    child_context,
    correct_fact,
    delete_fact,
    get_child_or_403,
    get_record_or_404,
    record_fact,
)
from tracker.children.queries import get_caseload_scope, list_items_of
from tracker.extensions import db
from tracker.visits import queries, services
from tracker.visits.forms import CarePlanForm, PlacementPlanForm, VisitForm
from tracker.visits.models import CarePlan, PlacementPlan, Visit
from tracker.web import requires
from tracker.web.forms import safe_int, with_current

bp = Blueprint("visits", __name__)


def _tab(child_id: int) -> str:
    return url_for("visits.child_visits", child_id=child_id)


def _placement_label(child: Child, on: Any) -> str:
    placement = services.placement_on(db.session, child, on)
    if placement is None:
        return "No placement on this date"
    return f"{codes.PLACEMENT_TYPE.label(placement.placement_type)}, from {placement.start_on:%d/%m/%Y}"


@bp.route("/children/<int:child_id>/visits")
@for_child("care")
def child_visits(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    today = clock.today()
    placement_plans = queries.list_plans(db.session, PlacementPlan, child)
    return render_template("visits/child_visits.html", child=child, today=today, tab="visits",
                           items=list_items_of(db.session, child, *queries.VISIT_KINDS),
                           visits=queries.list_visits(db.session, child),
                           care_plans=queries.list_plans(db.session, CarePlan, child),
                           placement_plans=[(p, _placement_label(child, p.completed_on)) for p in placement_plans],
                           **child_context(child, today))


# Visits --------------------------------------------------------------------------------

def _visit_form(child: Child, record: Visit | None = None) -> VisitForm:
    form = VisitForm(obj=record) if record is not None else VisitForm()
    visitors = queries.list_visitors(db.session)
    choices = [SelectChoice("", "Select")] + [SelectChoice(str(u.id), f"{u.name} ({u.role_label})")
                                              for u in visitors]
    current = record.visited_by_id if record is not None else None
    form.visited_by_id.choices = with_current(choices, current, lambda: _name(current))
    if request.method == "GET":
        if record is not None:
            form.seen_alone.data = "yes" if record.seen_alone else "no"
        elif any(u.id == current_user.id for u in visitors):
            form.visited_by_id.data = current_user.id
        elif child.allocated_worker_id and any(u.id == child.allocated_worker_id for u in visitors):
            form.visited_by_id.data = child.allocated_worker_id
    return form


def _name(user_id: int | None) -> str:
    user = db.session.get(User, user_id) if user_id else None
    return user.name if user is not None else "Former member of staff"


def describe_visit(record: Visit) -> list[tuple[str, str]]:
    return [("Date of the visit", f"{record.visited_on:%d/%m/%Y}"),
            ("Seen alone", "Yes" if record.seen_alone else "No"), ("Who visited", _name(record.visited_by_id))]


@bp.route("/children/<int:child_id>/visits/new", methods=["GET", "POST"])
@for_child("care", WRITE)
def record_visit(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    form = _visit_form(child)
    return record_fact(form, lambda: services.record_visit(
        db.session, child, visited_on=form.visited_on.data, seen_alone=form.seen_alone_value(),
        visited_by_id=form.visited_by_id.data, today=clock.today()),
        child=child, success="Visit recorded", heading="Record a statutory visit", back_url=_tab(child.id))


@bp.route("/children/<int:child_id>/visits/<int:record_id>/edit", methods=["GET", "POST"])
@for_child("care", WRITE)
def edit_visit(child_id: int, record_id: int) -> Any:
    child = get_child_or_403(child_id)
    record = get_record_or_404(Visit, child, record_id)
    form = _visit_form(child, record)
    return correct_fact(form, record, lambda version: services.update_visit(
        db.session, record, visited_on=form.visited_on.data, seen_alone=form.seen_alone_value(),
        visited_by_id=form.visited_by_id.data, today=clock.today(), expected_version=version),
        child=child, describe=describe_visit, success="Visit saved", heading="Correct a statutory visit",
        back_url=_tab(child.id))


@bp.route("/children/<int:child_id>/visits/<int:record_id>/delete", methods=["GET", "POST"])
@for_child("care", WRITE)
def delete_visit(child_id: int, record_id: int) -> Any:
    child = get_child_or_403(child_id)
    record = get_record_or_404(Visit, child, record_id)
    return delete_fact(record, lambda version: services.delete_visit(
        db.session, record, today=clock.today(), expected_version=version), child=child,
        describe=describe_visit, success="Visit deleted", heading="Delete this visit?", back_url=_tab(child.id))


# Care plans ----------------------------------------------------------------------------

def describe_care_plan(record: CarePlan) -> list[tuple[str, str]]:
    return [("Date the care plan was completed", f"{record.completed_on:%d/%m/%Y}")]


@bp.route("/children/<int:child_id>/care-plans/new", methods=["GET", "POST"])
@for_child("care", WRITE)
def record_care_plan(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    form = CarePlanForm()
    return record_fact(form, lambda: services.record_care_plan(
        db.session, child, completed_on=form.completed_on.data, today=clock.today()),
        child=child, success="Care plan recorded", heading="Record a care plan", back_url=_tab(child.id))


@bp.route("/children/<int:child_id>/care-plans/<int:record_id>/edit", methods=["GET", "POST"])
@for_child("care", WRITE)
def edit_care_plan(child_id: int, record_id: int) -> Any:
    child = get_child_or_403(child_id)
    record = get_record_or_404(CarePlan, child, record_id)
    form = CarePlanForm(obj=record)
    return correct_fact(form, record, lambda version: services.update_care_plan(
        db.session, record, completed_on=form.completed_on.data, today=clock.today(), expected_version=version),
        child=child, describe=describe_care_plan, success="Care plan saved", heading="Correct a care plan",
        back_url=_tab(child.id))


@bp.route("/children/<int:child_id>/care-plans/<int:record_id>/delete", methods=["GET", "POST"])
@for_child("care", WRITE)
def delete_care_plan(child_id: int, record_id: int) -> Any:
    child = get_child_or_403(child_id)
    record = get_record_or_404(CarePlan, child, record_id)
    return delete_fact(record, lambda version: services.delete_care_plan(
        db.session, record, today=clock.today(), expected_version=version), child=child,
        describe=describe_care_plan, success="Care plan deleted", heading="Delete this care plan?",
        back_url=_tab(child.id))


# Placement plans -----------------------------------------------------------------------

def _describe_placement_plan(child: Child) -> Any:
    def describe(record: PlacementPlan) -> list[tuple[str, str]]:
        return [("Date the placement plan was completed", f"{record.completed_on:%d/%m/%Y}"),
                ("Placement", _placement_label(child, record.completed_on))]

    return describe


@bp.route("/children/<int:child_id>/placement-plans/new", methods=["GET", "POST"])
@for_child("care", WRITE)
def record_placement_plan(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    form = PlacementPlanForm()
    return record_fact(form, lambda: services.record_placement_plan(
        db.session, child, completed_on=form.completed_on.data, today=clock.today()),
        child=child, success="Placement plan recorded", heading="Record a placement plan", back_url=_tab(child.id))


@bp.route("/children/<int:child_id>/placement-plans/<int:record_id>/edit", methods=["GET", "POST"])
@for_child("care", WRITE)
def edit_placement_plan(child_id: int, record_id: int) -> Any:
    child = get_child_or_403(child_id)
    record = get_record_or_404(PlacementPlan, child, record_id)
    form = PlacementPlanForm(obj=record)
    return correct_fact(form, record, lambda version: services.update_placement_plan(
        db.session, record, completed_on=form.completed_on.data, today=clock.today(), expected_version=version),
        child=child, describe=_describe_placement_plan(child), success="Placement plan saved",
        heading="Correct a placement plan", back_url=_tab(child.id))


@bp.route("/children/<int:child_id>/placement-plans/<int:record_id>/delete", methods=["GET", "POST"])
@for_child("care", WRITE)
def delete_placement_plan(child_id: int, record_id: int) -> Any:
    child = get_child_or_403(child_id)
    record = get_record_or_404(PlacementPlan, child, record_id)
    return delete_fact(record, lambda version: services.delete_placement_plan(
        db.session, record, today=clock.today(), expected_version=version), child=child,
        describe=_describe_placement_plan(child), success="Placement plan deleted",
        heading="Delete this placement plan?", back_url=_tab(child.id))


# Overdue visits across a caseload ------------------------------------------------------

@bp.route("/visits/overdue")
@requires(VIEW_CHILDREN)
def overdue_visits() -> Any:
    """Overdue statutory visits of the user's caseload, counted by worker and by team,
    with the children behind each count (filtered by ``worker`` or ``team``)."""
    scope = get_caseload_scope(db.session, current_user)
    # The filters only narrow the user's own scope (the query keeps to it), so any id is safe.
    worker_id = _filter_arg("worker", none_value=True)
    team_id = _filter_arg("team")
    today = clock.today()
    found = queries.overdue_visits(db.session, current_user, scope, today=today, worker_id=worker_id,
                                   team_id=team_id)
    return render_template("visits/overdue.html", found=found, scope=scope, worker_id=worker_id, team_id=team_id,
                           today=today)


def _filter_arg(name: str, *, none_value: bool = False) -> int | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    if none_value and raw == "none":
        return -1
    number = safe_int(raw, minimum=1)
    if number is None:
        abort(404)
    return number


@bp.app_template_global()
def overdue_visits_summary() -> queries.OverdueVisits:
    """The signed-in user's overdue visits (for their home page)."""
    scope = get_caseload_scope(db.session, current_user)
    return queries.overdue_visits(db.session, current_user, scope, today=clock.today())
