from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for

from tracker import clock
from tracker.auth.roles import EDIT_CASE
from tracker.children.views import get_child_or_403
from tracker.extensions import db
from tracker.placements import services
from tracker.placements.forms import PlacementForm
from tracker.placements.models import Placement
from tracker.web import requires, save
from tracker.web.forms import DeleteForm

bp = Blueprint("placements", __name__, url_prefix="/children/<int:child_id>/placements")


def _placement(child_id: int, placement_id: int) -> Placement:
    child = get_child_or_403(child_id)
    placement = db.session.get(Placement, placement_id)
    if placement is None or placement.child_id != child.id:
        abort(404)
    return placement


@bp.route("/new", methods=["GET", "POST"])
@requires(EDIT_CASE)
def new_placement(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    form = PlacementForm()
    if form.validate_on_submit():
        ok, _ = save(form, lambda: services.start_placement(db.session, child, form.data_for_service(),
                                                            today=clock.today()),
                     success="Placement recorded")
        if ok:
            return redirect(url_for("children.care_history", child_id=child.id))
    return render_template("_components/form_page.html", form=form, heading="Record a placement",
                           caption=child.name, back_url=url_for("children.care_history", child_id=child.id))


@bp.route("/<int:placement_id>/edit", methods=["GET", "POST"])
@requires(EDIT_CASE)
def edit_placement(child_id: int, placement_id: int) -> Any:
    placement = _placement(child_id, placement_id)
    form = PlacementForm(obj=placement)
    del form.previous_end_reason
    if request.method == "GET":
        form.version.data = str(placement.version)
    conflict = None
    if form.validate_on_submit():
        data = form.data_for_service()
        ok, conflict = save(form, lambda: services.update_placement(
            db.session, placement, data, today=clock.today(), expected_version=form.expected_version()),
            success="Placement saved")
        if ok:
            return redirect(url_for("children.care_history", child_id=child_id))
        if conflict:
            db.session.refresh(placement)
            form.version.data = str(placement.version)
    return render_template("_components/form_page.html", form=form, conflict=conflict,
                           heading="Change or end a placement", caption=placement.child.name,
                           back_url=url_for("children.care_history", child_id=child_id))


@bp.route("/<int:placement_id>/delete", methods=["GET", "POST"])
@requires(EDIT_CASE)
def delete_placement(child_id: int, placement_id: int) -> Any:
    placement = _placement(child_id, placement_id)
    form = DeleteForm()
    if request.method == "GET":
        form.version.data = str(placement.version)
    conflict = None
    if form.validate_on_submit():
        expected = int(form.version.data) if (form.version.data or "").isdigit() else None
        ok, conflict = save(form, lambda: services.delete_placement(db.session, placement,
                                                                    expected_version=expected),
                            success="Placement deleted")
        if ok:
            return redirect(url_for("children.care_history", child_id=child_id))
    return render_template("_components/form_page.html", form=form, conflict=conflict,
                           heading="Delete this placement?", caption=placement.child.name,
                           intro=f"{placement.placement_type} placement from {placement.start_on:%d/%m/%Y}. "
                                 "Delete only a placement recorded by mistake; the deletion is audited.",
                           back_url=url_for("children.care_history", child_id=child_id))
