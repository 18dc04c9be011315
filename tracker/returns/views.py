"""The SSDA903 return pages (download, upload) and the data-quality pages."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from sqlalchemy import select
from wtforms import MultipleFileField, SubmitField

from tracker import audit, clock
from tracker.auth.roles import EDIT_CASE, EXPORT_RETURN, VIEW_CHILDREN, VIEW_REPORTS
from tracker.children.views import get_child_or_403
from tracker.codes import collection_year
from tracker.extensions import db
from tracker.placements.models import Placement
from tracker.returns import queries, services
from tracker.returns.dataquality import RULES_BY_CODE
from tracker.returns.forms import (
    AdoptionForm,
    ChildReturnForm,
    Oc2Form,
    PlacementReturnForm,
    from_bool,
    version_of,
)
from tracker.returns.models import (
    AdoptionReturn,
    ChildReturnDetail,
    Oc2Record,
    PlacementReturnDetail,
    PreviousPermanence,
)
from tracker.returns.services import ImportRefused
from tracker.web import requires, submit
from tracker.web.forms import Form
from tracker.web.nav import CHILD_TABS

bp = Blueprint("returns", __name__)

TAB_ENDPOINTS = {key: endpoint for key, _label, endpoint in CHILD_TABS}


class ImportForm(Form):
    files = MultipleFileField("CSV files of the return", widget=GovFileInput(multiple=True))
    submit = SubmitField("Check and import", widget=GovSubmitInput())


def _years() -> list[int]:
    current = collection_year(clock.today())
    return [current - 3, current - 2, current - 1, current]


def _year_arg() -> int:
    years = _years()
    year = request.args.get("year", type=int) or years[-1]
    if year not in years:
        abort(404)
    return year


def label(year: int) -> str:
    return f"{year}–{(year + 1) % 100:02d}"


@bp.route("/returns")
@requires(EXPORT_RETURN)
def index() -> Any:
    year = _year_arg()
    data = queries.get_return(db.session, year)
    return render_template("returns/index.html", year=year, years=_years(), data=data, label=label,
                           files=data.files())


@bp.route("/returns/download")
@requires(EXPORT_RETURN)
def download_return() -> Response:
    year = _year_arg()
    data = queries.get_return(db.session, year)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in data.files().items():
            zf.writestr(name, text)
    audit.record_and_commit(db.session, action="export_903", entity_type="returns",
                            summary=f"Downloaded the {label(year)} SSDA903 return")
    return Response(buf.getvalue(), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="ssda903-{year}-{(year + 1) % 100:02d}.zip"',
                             "Cache-Control": "no-store"})


@bp.route("/returns/import", methods=["GET", "POST"])
@requires(EXPORT_RETURN)
def import_return() -> Any:
    form = ImportForm()
    problems = None
    if form.validate_on_submit():
        files = {f.filename: f.read() for f in request.files.getlist("files") if f and f.filename}
        if not files:
            form.files.errors = ["Select the CSV files of the return"]
        else:
            try:
                result = services.import_return(db.session, files, today=clock.today())
            except ImportRefused as exc:
                db.session.rollback()
                problems = exc.problems
            else:
                db.session.commit()
                if result.changed:
                    flash(f"Imported the {label(result.year)} return: {result.children_created} children added, "
                          f"{result.children_changed} changed, {result.rows_written} records written.", "success")
                else:
                    flash(f"Nothing to change: the tracker already holds everything in the {label(result.year)} "
                          "return.", "success")
                return redirect(url_for("returns.index", year=result.year))
    return render_template("returns/import.html", form=form, problems=problems)


@bp.route("/data-quality")
@requires(VIEW_REPORTS)
def data_quality() -> Any:
    year = _year_arg()
    findings = queries.list_findings(db.session, current_user, year)
    return render_template("returns/data_quality.html", year=year, years=_years(), label=label,
                           rules=[(RULES_BY_CODE[code], rows) for code, rows in findings.items()])


@bp.route("/data-quality/<code>")
@requires(VIEW_REPORTS)
def data_quality_rule(code: str) -> Any:
    rule = RULES_BY_CODE.get(code)
    if rule is None:
        abort(404)
    year = _year_arg()
    rows = queries.list_findings(db.session, current_user, year).get(code, [])
    return render_template("returns/data_quality_rule.html", rule=rule, rows=rows, year=year, label=label,
                           fix_endpoint=TAB_ENDPOINTS.get(rule.fix, "children.show_child"))


@bp.app_template_global()
def child_data_quality(child: Any) -> list[Any]:
    """Data-quality warnings for the child's page (the collection year in progress)."""
    return queries.get_child_findings(db.session, child.id, collection_year(clock.today()))


# A child's SSDA903 tab ----------------------------------------------------------------

def _back(child_id: int) -> str:
    return url_for("returns.child_return", child_id=child_id)


def _one(model: Any, **key: Any) -> Any:
    return db.session.scalar(select(model).filter_by(**key))


@bp.route("/children/<int:child_id>/ssda903")
@requires(VIEW_CHILDREN)
def child_return(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    today = clock.today()
    year = collection_year(today)
    data = queries.get_return(db.session, year, [child.id])
    placements = queries.list_placement_details(db.session, child.id)
    return render_template("returns/child.html", child=child, today=today, tab="return", year=year, label=label,
                           data=data, placements=placements, can_edit=current_user.can(EDIT_CASE),
                           detail=_one(ChildReturnDetail, child_id=child.id),
                           prev_perm=_one(PreviousPermanence, child_id=child.id),
                           oc2=_one(Oc2Record, child_id=child.id, year=year),
                           adoption=_one(AdoptionReturn, child_id=child.id))


def _return_form_page(form: Any, *, child: Any, heading: str, ok: bool, conflict: str | None,
                      current: list[tuple[str, str]], intro: str | None = None) -> Any:
    """The page of a return form: back to the SSDA903 tab once saved; on a stale save, the
    values someone else saved, with this user's input kept for a second look."""
    if ok:
        return redirect(_back(child.id))
    return render_template("children/record_form.html", form=form, heading=heading, caption=child.name,
                           back_url=_back(child.id), intro=intro, conflict=conflict,
                           current_values=current if conflict else None, current_heading="What is saved now",
                           field_params={})


def _yn(value: bool | None) -> str:
    return "Not recorded" if value is None else ("Yes" if value else "No")


def _d(value: Any) -> str:
    return value.strftime("%d/%m/%Y") if value else "Not recorded"


@bp.route("/children/<int:child_id>/ssda903/details", methods=["GET", "POST"])
@requires(EDIT_CASE)
def edit_child_return(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    form = ChildReturnForm()
    detail, perm = _one(ChildReturnDetail, child_id=child.id), _one(PreviousPermanence, child_id=child.id)
    if request.method == "GET":
        form.version.data, form.perm_version.data = version_of(detail), version_of(perm)
        if detail is not None:
            form.mother.data = from_bool(detail.mother)
            form.first_child_born_on.data, form.uasc_ceased_on.data = detail.first_child_born_on, detail.uasc_ceased_on
        if perm is not None:
            form.prev_perm.data, form.prev_perm_la.data, form.prev_perm_date.data = \
                perm.option or "", perm.la_code or "", perm.order_date or ""
    ok, conflict = submit(form, lambda: services.record_child_details(
        db.session, child, form.data_for_service(), today=clock.today(), expected_version=form.expected_version(),
        expected_perm_version=form.expected_perm_version()), success="SSDA903 details saved")
    if conflict:
        detail, perm = _one(ChildReturnDetail, child_id=child.id), _one(PreviousPermanence, child_id=child.id)
        form.version.data, form.perm_version.data = version_of(detail), version_of(perm)
    return _return_form_page(form, child=child, heading="SSDA903 details", ok=ok, conflict=conflict, current=[
        ("Mother", _yn(detail.mother if detail else None)),
        ("Her first child born", _d(detail.first_child_born_on if detail else None)),
        ("UASC status ceased", _d(detail.uasc_ceased_on if detail else None)),
        ("Previous permanence", " – ".join(v for v in (perm.option, perm.la_code, perm.order_date) if v)
         if perm else "Not recorded")])


@bp.route("/children/<int:child_id>/ssda903/placements/<int:placement_id>", methods=["GET", "POST"])
@requires(EDIT_CASE)
def edit_placement_return(child_id: int, placement_id: int) -> Any:
    child = get_child_or_403(child_id)
    placement = db.session.get(Placement, placement_id)
    if placement is None or placement.child_id != child.id:
        abort(404)
    detail = _one(PlacementReturnDetail, placement_id=placement.id)
    form = PlacementReturnForm(obj=detail)
    if request.method == "GET":
        form.version.data = version_of(detail)
    ok, conflict = submit(form, lambda: services.record_placement_details(
        db.session, placement, form.data_for_service(), expected_version=form.expected_version()),
        success="Postcodes and URN saved")
    if conflict:
        detail = _one(PlacementReturnDetail, placement_id=placement.id)
        form.version.data = version_of(detail)
    return _return_form_page(
        form, child=child, heading="Placement postcodes and Ofsted URN", ok=ok, conflict=conflict,
        intro=f"{placement.placement_type} placement from {placement.start_on:%d/%m/%Y}.", current=[
            ("Home postcode", (detail.home_postcode if detail else None) or "Not recorded"),
            ("Placement postcode", (detail.placement_postcode if detail else None) or "Not recorded"),
            ("Ofsted URN", (detail.urn if detail else None) or "Not recorded")])


@bp.route("/children/<int:child_id>/ssda903/oc2", methods=["GET", "POST"])
@requires(EDIT_CASE)
def edit_oc2(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    year = _year_arg()
    form = Oc2Form()
    record = _one(Oc2Record, child_id=child.id, year=year)
    if request.method == "GET":
        form.version.data = version_of(record)
        if record is not None:
            for key in Oc2Form.KEYS:
                getattr(form, key).data = from_bool(getattr(record, key))
            form.sdq_reason.data = record.sdq_reason or ""
    ok, conflict = submit(form, lambda: services.record_oc2(
        db.session, child, year, form.data_for_service(), expected_version=form.expected_version()),
        success="OC2 information saved")
    if conflict:
        record = _one(Oc2Record, child_id=child.id, year=year)
        form.version.data = version_of(record)
    return _return_form_page(
        form, child=child, heading=f"Looked after for 12 months: {label(year)} (OC2)", ok=ok, conflict=conflict,
        intro="Health assessments, dental checks and SDQ scores come from the child's health records; record the "
              "rest here.",
        current=[(getattr(form, key).label.text.split(" (903")[0], _yn(getattr(record, key) if record else None))
                 for key in Oc2Form.KEYS] + [("Reason for no SDQ score", (record.sdq_reason if record else None)
                                              or "None recorded")])


@bp.route("/children/<int:child_id>/ssda903/adoption", methods=["GET", "POST"])
@requires(EDIT_CASE)
def edit_adoption(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    form = AdoptionForm()
    record = _one(AdoptionReturn, child_id=child.id)
    if request.method == "GET":
        form.version.data = version_of(record)
        if record is not None:
            form.by_foster_carer.data = from_bool(record.by_foster_carer)
            form.adopters_count.data = str(record.adopters_count or "")
            form.adopters_sex.data, form.adopters_legal_status.data = record.adopters_sex or "", \
                record.adopters_legal_status or ""
    ok, conflict = submit(form, lambda: services.record_adoption_details(
        db.session, child, form.data_for_service(), expected_version=form.expected_version()),
        success="Adoption details saved")
    if conflict:
        record = _one(AdoptionReturn, child_id=child.id)
        form.version.data = version_of(record)
    return _return_form_page(
        form, child=child, heading="Adoption details (AD1)", ok=ok, conflict=conflict,
        intro="The dates of the decision and of matching come from the permanence milestones.", current=[
            ("Adopted by the foster carer(s)", _yn(record.by_foster_carer if record else None)),
            ("Number of adopters", str(record.adopters_count) if record and record.adopters_count else "Not recorded"),
            ("Sex of the adopters", (record.adopters_sex if record else None) or "Not recorded"),
            ("Legal status of the adopters", (record.adopters_legal_status if record else None) or "Not recorded")])
