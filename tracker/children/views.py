"""Home page, child record and its forms."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from tracker import audit, clock
from tracker.audit.models import AuditEvent
from tracker.auth.models import Team, User
from tracker.auth.roles import EDIT_CASE, VIEW_AUDIT, VIEW_CHILDREN
from tracker.children import queries, services
from tracker.children.forms import ChildForm, EndCareForm, LegalStatusForm, StartCareForm
from tracker.children.models import CarePeriod, Child
from tracker.extensions import db
from tracker.placements.models import Placement
from tracker.web import paginate, requires, save, signed_in

bp = Blueprint("children", __name__)


def get_child_or_403(child_id: int) -> Child:
    """Load a child the signed-in user may see; refusals are audited."""
    child = db.session.get(Child, child_id)
    if child is None:
        abort(404)
    if not queries.can_view(current_user, child):
        audit.record(db.session, action="access_denied", entity_type="children", entity_id=child.id,
                     child_id=child.id, summary=f"Refused {request.method} {request.path}")
        db.session.commit()
        abort(403)
    return child


@bp.route("/")
@signed_in
def home() -> Any:
    page = paginate(queries.list_my_children(current_user))
    today = clock.today()
    return render_template("children/home.html", page=page, today=today,
                           legal_status=lambda c: queries.get_current_legal_status(db.session, c, today))


def _worker_choices() -> list[SelectChoice]:
    users = db.session.scalars(select(User).where(User.active.is_(True),
                                                  User.role.in_(("social_worker", "team_manager", "group_manager")))
                               .order_by(User.name))
    return [SelectChoice("", "Not allocated")] + [SelectChoice(str(u.id), f"{u.name} ({u.role_label})")
                                                  for u in users]


def _team_choices() -> list[SelectChoice]:
    return [SelectChoice("", "No team")] + [SelectChoice(str(t.id), t.name)
                                            for t in db.session.scalars(select(Team).order_by(Team.name))]


def _child_form(child: Child | None = None) -> ChildForm:
    form = ChildForm(obj=child) if child is not None else ChildForm()
    form.allocated_worker_id.choices = _worker_choices()
    form.team_id.choices = _team_choices()
    if child is not None and request.method == "GET":
        form.version.data = str(child.version)
        form.allocated_worker_id.data = child.allocated_worker_id
        form.team_id.data = child.team_id
    return form


def _detail_data(form: ChildForm) -> dict[str, Any]:
    keys = ("local_id", "first_name", "last_name", "date_of_birth", "sex", "ethnicity", "upn", "disability",
            "uasc", "restricted", "allocated_worker_id", "team_id")
    return {k: getattr(form, k).data for k in keys}


@bp.route("/children/new", methods=["GET", "POST"])
@requires(EDIT_CASE)
def new_child() -> Any:
    form = _child_form()
    if request.method == "GET":
        form.allocated_worker_id.data = current_user.id
        form.team_id.data = current_user.team_id
    created: list[Child] = []
    if form.validate_on_submit():
        ok, _ = save(form, lambda: created.append(services.create_child(db.session, _detail_data(form),
                                                                          today=clock.today())),
                     success="Child added")
        if ok:
            return redirect(url_for("children.show_child", child_id=created[0].id))
    return render_template("_components/form_page.html", form=form, heading="Add a child",
                           back_url=url_for("children.home"))


@bp.route("/children/<int:child_id>")
@requires(VIEW_CHILDREN)
def show_child(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    today = clock.today()
    return render_template("children/overview.html", child=child, today=today, tab="overview",
                           **_child_context(child, today))


def _child_context(child: Child, today: Any) -> dict[str, Any]:
    placements = list(db.session.scalars(select(Placement).where(Placement.child_id == child.id)
                                         .order_by(Placement.start_on.desc())))
    current = next((p for p in placements if p.end_on is None), None)
    return {
        "legal_status": queries.get_current_legal_status(db.session, child, today),
        "open_period": queries.get_open_care_period(db.session, child),
        "placements": placements,
        "current_placement": current,
        "can_edit": current_user.can(EDIT_CASE),
    }


@bp.route("/children/<int:child_id>/care-history")
@requires(VIEW_CHILDREN)
def care_history(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    today = clock.today()
    return render_template("children/care_history.html", child=child, today=today, tab="care",
                           **_child_context(child, today))


@bp.route("/children/<int:child_id>/history")
@requires(VIEW_CHILDREN)
def audit_history(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    if not (current_user.can(VIEW_AUDIT) or child.allocated_worker_id == current_user.id):
        abort(403)
    page = paginate(select(AuditEvent).where(AuditEvent.child_id == child.id)
                    .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()), per_page=50)
    return render_template("children/history.html", child=child, page=page, tab="history",
                           **_child_context(child, clock.today()))


@bp.route("/children/<int:child_id>/edit", methods=["GET", "POST"])
@requires(EDIT_CASE)
def edit_child(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    form = _child_form(child)
    conflict = None
    if form.validate_on_submit():
        ok, conflict = save(form, lambda: services.update_child(
            db.session, child, _detail_data(form), today=clock.today(),
            expected_version=form.expected_version()), success="Child's details saved")
        if ok:
            return redirect(url_for("children.show_child", child_id=child.id))
        if conflict:
            db.session.refresh(child)
            form.version.data = str(child.version)
    return render_template("_components/form_page.html", form=form, conflict=conflict, current=child,
                           heading="Change details", caption=child.name,
                           back_url=url_for("children.show_child", child_id=child.id))


@bp.route("/children/<int:child_id>/enter-care", methods=["GET", "POST"])
@requires(EDIT_CASE)
def enter_care(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    form = StartCareForm()
    if form.validate_on_submit():
        ok, _ = save(form, lambda: services.start_care(
            db.session, child, start_on=form.start_on.data, legal_status=form.legal_status.data or "",
            category_of_need=form.category_of_need.data or "", today=clock.today()),
            success="Entering care recorded")
        if ok:
            return redirect(url_for("children.care_history", child_id=child.id))
    return render_template("_components/form_page.html", form=form, heading="Record entering care",
                           caption=child.name, back_url=url_for("children.care_history", child_id=child.id))


@bp.route("/children/<int:child_id>/care-periods/<int:period_id>/end", methods=["GET", "POST"])
@requires(EDIT_CASE)
def leave_care(child_id: int, period_id: int) -> Any:
    child = get_child_or_403(child_id)
    period = db.session.get(CarePeriod, period_id)
    if period is None or period.child_id != child.id:
        abort(404)
    form = EndCareForm(obj=period)
    if request.method == "GET":
        form.version.data = str(period.version)
    conflict = None
    if form.validate_on_submit():
        ok, conflict = save(form, lambda: services.end_care(
            db.session, period, end_on=form.end_on.data, reason_ceased=form.reason_ceased.data or "",
            today=clock.today(), expected_version=form.expected_version()), success="Leaving care recorded")
        if ok:
            return redirect(url_for("children.care_history", child_id=child.id))
    return render_template("_components/form_page.html", form=form, conflict=conflict,
                           heading="Record leaving care", caption=child.name,
                           intro=f"Period of care from {period.start_on:%d/%m/%Y}.",
                           back_url=url_for("children.care_history", child_id=child.id))


@bp.route("/children/<int:child_id>/legal-status/new", methods=["GET", "POST"])
@requires(EDIT_CASE)
def change_legal_status(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    form = LegalStatusForm()
    if form.validate_on_submit():
        ok, _ = save(form, lambda: services.change_legal_status(
            db.session, child, start_on=form.start_on.data, code=form.code.data or "", today=clock.today()),
            success="Legal status recorded")
        if ok:
            return redirect(url_for("children.care_history", child_id=child.id))
    return render_template("_components/form_page.html", form=form, heading="Record a change of legal status",
                           caption=child.name, back_url=url_for("children.care_history", child_id=child.id))


def flash_and_back(message: str, child: Child) -> Any:
    flash(message, "success")
    return redirect(url_for("children.show_child", child_id=child.id))
