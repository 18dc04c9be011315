"""Home page, child record and its forms."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from tracker import audit, clock, codes
from tracker.audit.models import AuditEvent
from tracker.auth.models import Team
from tracker.auth.roles import HOLD_CASES, VIEW_CHILDREN
from tracker.children import queries, services
from tracker.children.access import READ, WRITE
from tracker.children.forms import (
    CarePeriodForm,
    ChildForm,
    EndCareForm,
    LegalStatusForm,
    NewChildForm,
    StartCareForm,
)
from tracker.children.guard import VIEW_ACTION, for_child
from tracker.children.models import CarePeriod, Child, LegalStatus
from tracker.children.pages import (
    child_context,
    correct_fact,
    delete_fact,
    get_child_or_403,
    get_record_or_404,
    may,
    record_form_page,
)
from tracker.extensions import db
from tracker.tracking import queries as tracking_queries
from tracker.tracking import registry
from tracker.tracking.rules import RULES_BY_KIND
from tracker.web import Page, csv_response, page_number, paginate, requires, signed_in, submit
from tracker.web.forms import DeleteForm

bp = Blueprint("children", __name__)


@bp.route("/")
@signed_in
def home() -> Any:
    page = paginate(queries.list_my_children(current_user))
    today = clock.today()
    return render_template("children/home.html", page=page, today=today,
                           legal_status=lambda c: queries.get_current_legal_status(db.session, c, today))


def _new_child_teams() -> list[Team]:
    """The teams someone may add a child to: their own, or (group managers) their service's."""
    service_id = current_user.managed_service_id
    if service_id is not None:
        return list(db.session.scalars(select(Team).where(Team.service_id == service_id).order_by(Team.name)))
    return [current_user.team] if current_user.team is not None else []


def _child_form(child: Child) -> ChildForm:
    form = ChildForm(obj=child)
    if request.method == "GET":
        form.version.data = str(child.version)
    return form


def _detail_data(form: ChildForm) -> dict[str, Any]:
    keys = ("local_id", "first_name", "last_name", "date_of_birth", "sex", "ethnicity", "upn", "disability", "uasc")
    return {k: getattr(form, k).data for k in keys}


@bp.route("/children/new", methods=["GET", "POST"])
@requires(HOLD_CASES)
def new_child() -> Any:
    teams = _new_child_teams()
    form = NewChildForm()
    form.team_id.choices = [SelectChoice("", "Select a team")] + [SelectChoice(str(t.id), t.name) for t in teams]
    if request.method == "GET":
        form.team_id.data = current_user.team_id if current_user.team_id in {t.id for t in teams} else None

    def create() -> None:
        team_id = form.team_id.data
        # The person adding the child becomes their worker when they work in that team.
        worker = current_user.id if team_id is not None and team_id == current_user.team_id else None
        created.append(services.create_child(db.session, _detail_data(form), today=clock.today(), team_id=team_id,
                                             allowed_team_ids={t.id for t in teams}, allocated_worker_id=worker))

    created: list[Child] = []
    ok, _ = submit(form, create, success="Child added")
    if ok:
        return redirect(url_for("children.show_child", child_id=created[0].id))
    return render_template("_components/form_page.html", form=form, heading="Add a child",
                           intro="You become the child's allocated worker if you work in their team; otherwise "
                                 "the team's manager allocates a worker.",
                           back_url=url_for("children.home"))


@bp.route("/children/<int:child_id>")
@for_child("overview")
def show_child(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    today = clock.today()
    return render_template("children/overview.html", child=child, today=today, tab="overview",
                           next_items=queries.list_open_items(db.session, child),
                           **child_context(child, today))


@bp.route("/children/<int:child_id>/care-history")
@for_child("care")
def care_history(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    today = clock.today()
    return render_template("children/care_history.html", child=child, today=today, tab="care",
                           **child_context(child, today))


@bp.route("/children/<int:child_id>/history")
@for_child("history")
def audit_history(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    page = paginate(select(AuditEvent).where(AuditEvent.child_id == child.id, AuditEvent.action != VIEW_ACTION)
                    .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()), per_page=50)
    viewers = None
    if may(child, "viewers", READ):
        viewers = list(db.session.scalars(
            select(AuditEvent).where(AuditEvent.child_id == child.id, AuditEvent.action == VIEW_ACTION)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(200)))
    return render_template("children/history.html", child=child, page=page, tab="history", viewers=viewers,
                           logs_views=child.restricted or current_app.config["LOG_ALL_CHILD_VIEWS"],
                           **child_context(child, clock.today()))


@bp.route("/children/<int:child_id>/edit", methods=["GET", "POST"])
@for_child("overview", WRITE)
def edit_child(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    form = _child_form(child)
    ok, conflict = submit(form, lambda: services.update_child(
        db.session, child, _detail_data(form), today=clock.today(),
        expected_version=form.expected_version()), success="Child's details saved")
    if ok:
        return redirect(url_for("children.show_child", child_id=child.id))
    if conflict:
        db.session.refresh(child)
        form.version.data = str(child.version)
    return record_form_page(form, child=child, heading="Change details", conflict=conflict,
                            current=describe_child(child) if conflict else None, current_heading="What is saved now",
                            back_url=url_for("children.show_child", child_id=child.id))


def describe_child(child: Child) -> list[tuple[str, str]]:
    return [("Child ID", child.local_id), ("Name", child.name), ("Date of birth", f"{child.date_of_birth:%d/%m/%Y}"),
            ("Sex", codes.SEX.label(child.sex)), ("Ethnicity", codes.ETHNICITY.label(child.ethnicity)),
            ("Unique pupil number", child.upn or "Not recorded"),
            ("Disability", "Yes" if child.disability else "No"),
            ("Unaccompanied asylum-seeking child", "Yes" if child.uasc else "No")]


@bp.route("/children/<int:child_id>/enter-care", methods=["GET", "POST"])
@for_child("care", WRITE)
def enter_care(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    form = StartCareForm()
    ok, _ = submit(form, lambda: services.start_care(
        db.session, child, start_on=form.start_on.data, legal_status=form.legal_status.data or "",
        category_of_need=form.category_of_need.data or "", today=clock.today()),
        success="Entering care recorded")
    if ok:
        return redirect(url_for("children.care_history", child_id=child.id))
    return render_template("_components/form_page.html", form=form, heading="Record entering care",
                           caption=child.name, back_url=url_for("children.care_history", child_id=child.id))


@bp.route("/children/<int:child_id>/care-periods/<int:period_id>/end", methods=["GET", "POST"])
@for_child("care", WRITE)
def leave_care(child_id: int, period_id: int) -> Any:
    child = get_child_or_403(child_id)
    period = db.session.get(CarePeriod, period_id)
    if period is None or period.child_id != child.id:
        abort(404)
    form = EndCareForm(obj=period)
    if request.method == "GET":
        form.version.data = str(period.version)
    ok, conflict = submit(form, lambda: services.end_care(
        db.session, period, end_on=form.end_on.data, reason_ceased=form.reason_ceased.data or "",
        today=clock.today(), expected_version=form.expected_version()), success="Leaving care recorded")
    if ok:
        return redirect(url_for("children.care_history", child_id=child.id))
    if conflict:
        db.session.refresh(period)
        form.version.data = str(period.version)
    return render_template("_components/form_page.html", form=form, conflict=conflict,
                           heading="Record leaving care", caption=child.name,
                           intro=f"Period of care from {period.start_on:%d/%m/%Y}.",
                           back_url=url_for("children.care_history", child_id=child.id))


@bp.route("/children/<int:child_id>/legal-status/new", methods=["GET", "POST"])
@for_child("care", WRITE)
def change_legal_status(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    form = LegalStatusForm()
    ok, _ = submit(form, lambda: services.change_legal_status(
        db.session, child, start_on=form.start_on.data, code=form.code.data or "", today=clock.today()),
        success="Legal status recorded")
    if ok:
        return redirect(url_for("children.care_history", child_id=child.id))
    return render_template("_components/form_page.html", form=form, heading="Record a change of legal status",
                           caption=child.name, back_url=url_for("children.care_history", child_id=child.id))


# Caseload ------------------------------------------------------------------------------

def _caseload_request() -> tuple[queries.CaseloadScope, queries.CaseloadFilters]:
    """The signed-in user's scope and the filters in the query string (refusing a worker
    or team outside the user's own scope)."""
    scope = queries.get_caseload_scope(db.session, current_user)
    args = request.args

    def as_id(name: str, allowed: set[int], *, none_value: bool = False) -> int | None:
        raw = (args.get(name) or "").strip()
        if not raw:
            return None
        if none_value and raw == "none" and scope.level != "own":
            return -1
        if not raw.isdigit() or int(raw) not in allowed:
            abort(403)
        return int(raw)

    filters = queries.CaseloadFilters(
        status=args.get("status", "") if args.get("status") in queries.STATUS_FILTERS else "",
        legal_status=args.get("legal_status", "") if (args.get("legal_status") in codes.LEGAL_STATUS
                                                       or args.get("legal_status") == "none") else "",
        age_band=args.get("age", "") if args.get("age") in queries.AGE_BANDS else "",
        care_leaver=args.get("care_leaver", "") if args.get("care_leaver") in ("yes", "no") else "",
        q=(args.get("q") or "")[:100],
        worker_id=as_id("worker", scope.worker_ids, none_value=True),
        team_id=as_id("team", scope.team_ids) if scope.level == "service" else None,
    )
    return scope, filters


def _caseload_title(scope: queries.CaseloadScope) -> str:
    if scope.level == "own":
        return "My caseload"
    if scope.level == "team" and scope.teams:
        return f"Caseload: {scope.teams[0].name}"
    if current_user.managed_service_id is not None and current_user.service is not None:
        return f"Caseload: {current_user.service.name}"
    return "Caseload: all teams"


def _caseload_page(scope: queries.CaseloadScope, filters: queries.CaseloadFilters, today: Any) -> Page:
    """One page of the caseload from a single statement (its rows carry the total)."""
    per_page = current_app.config["PAGE_SIZE"]
    number = page_number()

    def fetch(n: int) -> list[Any]:
        return list(db.session.execute(queries.list_caseload(db.session, current_user, scope, filters, today=today,
                                                             limit=per_page, offset=(n - 1) * per_page)))

    rows = fetch(number)
    if not rows and number > 1:  # past the end (the list got shorter): show the last page
        first = fetch(1)
        number = max(1, -(-(first[0].total if first else 0) // per_page))
        rows = fetch(number) if first else []
    return Page(items=rows, page=number, per_page=per_page, total=rows[0].total if rows else 0)


@bp.route("/caseload")
@requires(VIEW_CHILDREN)
def caseload() -> Any:
    today = clock.today()
    scope, filters = _caseload_request()
    page = _caseload_page(scope, filters, today)
    csv_args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("children/caseload.html", page=page, scope=scope, filters=filters, today=today,
                           title=_caseload_title(scope), age_bands=queries.AGE_BANDS,
                           status_filters=queries.STATUS_FILTERS, csv_args=csv_args)


@bp.route("/caseload.csv")
@requires(VIEW_CHILDREN)
def caseload_csv() -> Any:
    today = clock.today()
    scope, filters = _caseload_request()
    rows = list(db.session.execute(queries.list_caseload(db.session, current_user, scope, filters, today=today)))
    audit.record_and_commit(
        db.session, action="export", entity_type="children",
        summary=f"Caseload CSV, {len(rows)} children ({request.query_string.decode()[:200] or 'no filters'})")
    header = ["Child ID", "First name", "Last name", "Date of birth", "Age", "Legal status", "Care leaver",
              "Allocated worker", "Team", "Overdue items", "Due soon items", "Next due", "Next item"]
    def title(kind: str | None) -> str:
        return RULES_BY_KIND[kind].title if kind in RULES_BY_KIND else (kind or "")

    return csv_response(f"caseload-{today:%Y-%m-%d}.csv", header, (
        [r.Child.local_id, r.Child.first_name, r.Child.last_name, r.Child.date_of_birth.isoformat(),
         r.Child.age_on(today), r.legal_status or "Not looked after", "Yes" if r.care_leaver else "No",
         r.worker_name or "", r.team_name or "", r.overdue, r.due_soon,
         r.next_due.isoformat() if r.next_due else "", title(r.next_kind)] for r in rows))


# Due dates and chronology -------------------------------------------------------------

def record_buttons(child: Child) -> list[tuple[str, str]]:
    """The "Record …" buttons the signed-in user may use: (endpoint, label)."""
    return [(f.record.endpoint, f.button) for f in registry.facts()
            if f.record is not None and f.button and may(child, f.area)]


@bp.route("/children/<int:child_id>/due-dates")
@for_child("record")
def child_items(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    today = clock.today()
    items = tracking_queries.list_child_items(db.session, child.id)
    return render_template("children/due_dates.html", child=child, items=items, today=today, tab="items",
                           buttons=record_buttons(child), can_record=may(child, "actions"),
                           **child_context(child, today))


def correct_url(child: Child, entry: registry.Entry) -> str | None:
    """Where the signed-in user can correct a chronology line (None: nowhere they may)."""
    page = entry.fact.correct
    if page is None or not may(child, entry.fact.area):
        return None
    return url_for(page.endpoint, **page.url_args(child.id, entry.record_id))


@bp.route("/children/<int:child_id>/chronology")
@for_child("record")
def chronology(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    today = clock.today()
    entries = queries.list_chronology(db.session, child)
    newest_first = request.args.get("order") == "newest"
    if newest_first:
        entries.reverse()
    return render_template("children/chronology.html", child=child, today=today, tab="chronology",
                           entries=entries, newest_first=newest_first, correct_url=correct_url,
                           **child_context(child, today))


def describe_period(period: CarePeriod) -> list[tuple[str, str]]:
    return [("Started", f"{period.start_on:%d/%m/%Y}"),
            ("Ended", f"{period.end_on:%d/%m/%Y}" if period.end_on else "Still looked after"),
            ("Reason ended", codes.REASON_CEASED.label(period.reason_ceased) or "–"),
            ("Category of need", codes.CATEGORY_OF_NEED.label(period.category_of_need))]


@bp.route("/children/<int:child_id>/care-periods/<int:period_id>/edit", methods=["GET", "POST"])
@for_child("care", WRITE)
def edit_care_period(child_id: int, period_id: int) -> Any:
    child = get_child_or_403(child_id)
    period = get_record_or_404(CarePeriod, child, period_id)
    form = CarePeriodForm(obj=period)
    return correct_fact(form, period, lambda version: services.update_care_period(
        db.session, period, start_on=form.start_on.data, end_on=form.end_on.data,
        reason_ceased=form.reason_ceased.data or None, category_of_need=form.category_of_need.data or "",
        today=clock.today(), expected_version=version), child=child, describe=describe_period,
        success="Period of care corrected", heading="Correct a period of care",
        back_url=url_for("children.care_history", child_id=child.id))


@bp.route("/children/<int:child_id>/care-periods/<int:period_id>/delete", methods=["GET", "POST"])
@for_child("care", WRITE)
def delete_care_period(child_id: int, period_id: int) -> Any:
    child = get_child_or_403(child_id)
    period = get_record_or_404(CarePeriod, child, period_id)
    return delete_fact(period, lambda version: services.delete_care_period(
        db.session, period, today=clock.today(), expected_version=version), child=child,
        describe=describe_period, success="Period of care deleted", heading="Delete this period of care?",
        back_url=url_for("children.care_history", child_id=child.id))


@bp.route("/children/<int:child_id>/legal-status/<int:status_id>/delete", methods=["GET", "POST"])
@for_child("care", WRITE)
def delete_legal_status(child_id: int, status_id: int) -> Any:
    child = get_child_or_403(child_id)
    status = db.session.get(LegalStatus, status_id)
    if status is None or status.child_id != child.id:
        abort(404)
    form = DeleteForm()
    ok, _ = submit(form, lambda: services.delete_legal_status(db.session, status, today=clock.today()),
                   success="Legal status deleted")
    if ok:
        return redirect(url_for("children.care_history", child_id=child.id))
    return render_template("_components/form_page.html", form=form, heading="Delete this legal status?",
                           caption=child.name,
                           intro=f"{codes.LEGAL_STATUS.label(status.code)} from {status.start_on:%d/%m/%Y}. "
                                 "The previous legal status applies again from that date.",
                           back_url=url_for("children.care_history", child_id=child.id))
