from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from tracker import clock, codes
from tracker.children.access import WRITE
from tracker.children.guard import for_child
from tracker.children.models import Child, Placement
from tracker.children.pages import get_child_or_403
from tracker.extensions import db
from tracker.placements import queries, services
from tracker.placements.forms import NewPlacementForm, PlacementForm
from tracker.web import submit
from tracker.web.forms import DeleteForm

bp = Blueprint("placements", __name__, url_prefix="/children/<int:child_id>/placements")


def _placement(child_id: int, placement_id: int) -> Placement:
    child = get_child_or_403(child_id)
    placement = db.session.get(Placement, placement_id)
    if placement is None or placement.child_id != child.id:
        abort(404)
    return placement


def _care_history(child_id: int) -> str:
    return url_for("children.care_history", child_id=child_id)


def _warn_if_no_placement(child: Child) -> None:
    """A looked-after child is never left without a current placement unnoticed."""
    gap = queries.get_placement_gap(db.session, child)
    if gap is not None:
        flash(f"{child.first_name} is looked after but has had no placement since {gap:%d/%m/%Y}. "
              "Record where they live now.", "warning")


@bp.route("/new", methods=["GET", "POST"])
@for_child("care", WRITE)
def new_placement(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    form = NewPlacementForm()
    ok, _ = submit(form, lambda: services.start_placement(db.session, child, form.data_for_service(),
                                                          today=clock.today()),
                   success="Placement recorded")
    if ok:
        return redirect(_care_history(child.id))
    return render_template("_components/form_page.html", form=form, heading="Record a placement",
                           caption=child.name, back_url=_care_history(child.id))


@bp.route("/<int:placement_id>/edit", methods=["GET", "POST"])
@for_child("care", WRITE)
def edit_placement(child_id: int, placement_id: int) -> Any:
    placement = _placement(child_id, placement_id)
    child = placement.child
    form = PlacementForm(obj=placement)
    if request.method == "GET":
        form.version.data = str(placement.version)
    ok, conflict = submit(form, lambda: services.update_placement(
        db.session, placement, form.data_for_service(), today=clock.today(),
        expected_version=form.expected_version()), success="Placement saved")
    if ok:
        _warn_if_no_placement(child)
        return redirect(_care_history(child_id))
    current = None
    if conflict:
        db.session.refresh(placement)
        form.version.data = str(placement.version)
        current = describe(placement)
    return render_template("children/record_form.html", form=form, conflict=conflict,
                           heading="Change or end a placement", caption=child.name,
                           current_values=current, current_heading="What is saved now",
                           back_url=_care_history(child_id), field_params={})


def describe(p: Placement) -> list[tuple[str, str]]:
    return [("Type", codes.PLACEMENT_TYPE.label(p.placement_type)),
            ("From", f"{p.start_on:%d/%m/%Y}"), ("To", f"{p.end_on:%d/%m/%Y}" if p.end_on else "Current"),
            ("Provider", p.provider or "Not applicable"), ("Carer reference", p.carer_ref or ""),
            ("Weekly cost", f"£{p.weekly_cost:,.2f}" if p.weekly_cost is not None else ""),
            ("Long term", "Yes" if p.long_term else "No"),
            ("Temporary approval", "Yes" if p.temporary_approval else "No"),
            ("End reason", codes.REASON_PLACE_CHANGE.label(p.end_reason) or "Not ended")]


@bp.route("/<int:placement_id>/delete", methods=["GET", "POST"])
@for_child("care", WRITE)
def delete_placement(child_id: int, placement_id: int) -> Any:
    placement = _placement(child_id, placement_id)
    child = placement.child
    form = DeleteForm()
    if request.method == "GET":
        form.version.data = str(placement.version)
    plan = services.plan_deletion(db.session, placement)
    ok, conflict = submit(form, lambda: services.delete_placement(
        db.session, placement, today=clock.today(), expected_version=form.expected_version()),
        success=plan.outcome)
    if ok:
        _warn_if_no_placement(child)
        return redirect(_care_history(child_id))
    if conflict:
        db.session.refresh(placement)
        form.version.data = str(placement.version)
        plan = services.plan_deletion(db.session, placement)
    return render_template("placements/delete.html", form=form, conflict=conflict, plan=plan,
                           heading="Delete this placement?", caption=child.name, placement=placement,
                           details=describe(placement), back_url=_care_history(child_id))
