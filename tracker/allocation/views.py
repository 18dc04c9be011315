"""The allocation pages: a manager's small forms for one child, and the list of children
with no allocated worker."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from tracker import clock
from tracker.allocation import queries, services
from tracker.allocation.forms import AdviserForm, IroForm, RestrictedForm, WorkerForm
from tracker.auth.models import User
from tracker.auth.roles import ALLOCATE
from tracker.children.access import WRITE
from tracker.children.guard import for_child
from tracker.children.models import Child
from tracker.children.pages import get_child_or_403
from tracker.extensions import db
from tracker.web import paginate, requires, submit
from tracker.web.forms import with_current

bp = Blueprint("allocation", __name__)


def _back(child: Child) -> str:
    return url_for("children.show_child", child_id=child.id) + "#allocation"


def _people(people: Sequence[User], current: User | None, *, blank: str) -> list[SelectChoice]:
    choices = [SelectChoice("", blank)] + [SelectChoice(str(u.id), f"{u.name} ({u.role_label})"
                                                        + (f", {u.team.name}" if u.team else "")) for u in people]
    return with_current(choices, current.id if current else None,
                        lambda: f"{current.name}{'' if current.active else ' (left)'}" if current else "")


def _page(form: Any, child: Child, save: Callable[[], Any], *, heading: str, intro: str, success: str) -> Any:
    if request.method == "GET":
        form.version.data = str(child.version)
    ok, conflict = submit(form, save, success=success)
    if ok:
        return redirect(_back(child))
    if conflict:
        db.session.refresh(child)
        form.version.data = str(child.version)
    return render_template("_components/form_page.html", form=form, conflict=conflict, heading=heading,
                           caption=child.name, intro=intro, back_url=_back(child))


@bp.route("/children/<int:child_id>/allocation/worker", methods=["GET", "POST"])
@for_child("allocation", WRITE)
def allocate_worker(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    form = WorkerForm()
    form.team_id.choices = with_current([SelectChoice("", "Select a team")] + [
        SelectChoice(str(t.id), t.name) for t in queries.list_teams(db.session)], child.team_id,
        lambda: child.team.name if child.team else "")
    form.allocated_worker_id.choices = _people(queries.list_workers(db.session), child.allocated_worker,
                                               blank="Not allocated")
    if request.method == "GET":
        form.team_id.data, form.allocated_worker_id.data = child.team_id, child.allocated_worker_id
    return _page(form, child, lambda: services.allocate_worker(
        db.session, child, team_id=form.team_id.data, worker_id=form.allocated_worker_id.data, today=clock.today(),
        expected_version=form.expected_version()),
        heading="Allocated worker and team", success="Allocation saved",
        intro="The allocated worker and everyone in the child's team can open the record (only the worker and "
              "the managers if it is restricted). Moving the child to another team hands them over to that "
              "team's manager.")


@bp.route("/children/<int:child_id>/allocation/iro", methods=["GET", "POST"])
@for_child("allocation", WRITE)
def allocate_iro(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    form = IroForm()
    form.iro_id.choices = _people(queries.list_iros(db.session), child.iro, blank="Not allocated")
    if request.method == "GET":
        form.iro_id.data = child.iro_id
    return _page(form, child, lambda: services.allocate_iro(
        db.session, child, iro_id=form.iro_id.data, today=clock.today(), expected_version=form.expected_version()),
        heading="Independent reviewing officer", success="Independent reviewing officer saved",
        intro="The child's IRO can read the record, record reviews and raise concerns as actions.")


@bp.route("/children/<int:child_id>/allocation/personal-adviser", methods=["GET", "POST"])
@for_child("allocation", WRITE)
def allocate_adviser(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    form = AdviserForm()
    form.adviser_id.choices = _people(queries.list_advisers(db.session), child.personal_adviser,
                                      blank="Not allocated")
    if request.method == "GET":
        form.adviser_id.data = child.personal_adviser_id
    return _page(form, child, lambda: services.allocate_adviser(
        db.session, child, adviser_id=form.adviser_id.data, today=clock.today(),
        expected_version=form.expected_version()),
        heading="Personal adviser", success="Personal adviser saved",
        intro="Only for a care leaver. The personal adviser owns the pathway plan reviews, contacts, visits "
              "after a move and birthday data, and can read the young person's record.")


@bp.route("/children/<int:child_id>/allocation/restricted", methods=["GET", "POST"])
@for_child("allocation", WRITE)
def set_restricted(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    form = RestrictedForm()
    if request.method == "GET":
        form.restricted.data = "yes" if child.restricted else "no"
    return _page(form, child, lambda: services.set_restricted(
        db.session, child, restricted=form.restricted.data, expected_version=form.expected_version()),
        heading="Restricted record", success="Restriction saved",
        intro="Restrict the record of a child whose details must be known only to the people working with them "
              "(for example a high-profile family, or a relative on the staff).")


@bp.route("/children/unallocated")
@requires(ALLOCATE)
def unallocated() -> Any:
    today = clock.today()
    page = paginate(queries.list_unallocated(current_user, today=today))
    return render_template("allocation/unallocated.html", page=page, today=today)
