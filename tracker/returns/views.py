"""The SSDA903 return pages (download, upload) and the data-quality pages."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from sqlalchemy import select
from wtforms import MultipleFileField, SubmitField

from tracker import audit, clock
from tracker.auth.roles import EXPORT_RETURN, VIEW_REPORTS
from tracker.children.access import WRITE
from tracker.children.guard import for_child
from tracker.children.models import Placement
from tracker.children.pages import (
    child_tabs,
    correct_fact,
    delete_fact,
    get_child_or_403,
    get_record_or_404,
    may,
    record_fact,
)
from tracker.codes import collection_year
from tracker.extensions import db
from tracker.returns import codes as rcodes
from tracker.returns import queries, services
from tracker.returns.dataquality import RULES_BY_CODE
from tracker.returns.forms import (
    AdoptionForm,
    ChildReturnForm,
    DeprivationOfLibertyForm,
    Oc2Form,
    PlacementReturnForm,
    SocialWorkerEpisodeForm,
    from_bool,
    version_of,
)
from tracker.returns.jobs import queue_import
from tracker.returns.models import (
    AdoptionReturn,
    ChildReturnDetail,
    DeprivationOfLiberty,
    Oc2Record,
    PlacementReturnDetail,
    PreviousPermanence,
    ReturnImport,
    SocialWorkerEpisode,
)
from tracker.returns.parsing import Problem
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
    """Upload: the files are stored and queued; the import runs in the background
    (``tracker.returns.jobs``) and its page shows how it goes."""
    form = ImportForm()
    if form.validate_on_submit():
        files = {f.filename: f.read() for f in request.files.getlist("files") if f and f.filename}
        if not files:
            form.files.errors = ["Select the CSV files of the return"]
        else:
            record = queue_import(db.session, files, user_id=current_user.id, label=current_user.email)
            db.session.commit()
            return redirect(url_for("returns.show_import", import_id=record.id))
    return render_template("returns/import.html", form=form, imports=queries.list_imports(db.session),
                           label=label)


@bp.route("/returns/imports/<int:import_id>")
@requires(EXPORT_RETURN)
def show_import(import_id: int) -> Any:
    record = db.session.get(ReturnImport, import_id)
    if record is None:
        abort(404)
    waiting = queries.list_waiting_children(db.session, record)
    return render_template("returns/import_progress.html", record=record, label=label, waiting=waiting,
                           result=record.result or {}, problems=[Problem(*p) for p in record.problems or []])


IMPORT_STATUS = {"queued": "Waiting to start", "checking": "Checking the files", "writing": "Writing the records",
                 "recomputing": "Working out due dates", "done": "Imported", "refused": "Refused: nothing imported",
                 "failed": "Stopped"}


@bp.app_template_global()
def import_status(record: ReturnImport) -> str:
    return IMPORT_STATUS.get(record.status, record.status)


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
@for_child("return")
def child_return(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    today = clock.today()
    year = collection_year(today)
    data = queries.get_return(db.session, year, [child.id])
    placements = queries.list_placement_details(db.session, child.id)
    return render_template("returns/child.html", child=child, today=today, tab="return", year=year, label=label,
                           data=data, placements=placements, can_edit=may(child, "return"), child_tabs=child_tabs(child),
                           detail=_one(ChildReturnDetail, child_id=child.id),
                           prev_perm=_one(PreviousPermanence, child_id=child.id),
                           oc2=_one(Oc2Record, child_id=child.id, year=year),
                           adoption=_one(AdoptionReturn, child_id=child.id),
                           social_workers=queries.list_social_workers(db.session, child.id),
                           dolos=queries.list_deprivation_of_liberty(db.session, child.id),
                           sw_reasons=rcodes.SW_REASON)


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
@for_child("return", WRITE)
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
@for_child("return", WRITE)
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
@for_child("return", WRITE)
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
@for_child("return", WRITE)
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


# Social-worker episodes and deprivation of liberty orders: record, correct, delete -------

def describe_social_worker(e: SocialWorkerEpisode) -> list[tuple[str, str]]:
    return [("Social worker's ID", e.worker_ref), ("Took over", f"{e.start_on:%d/%m/%Y}"),
            ("Stopped", f"{e.end_on:%d/%m/%Y}" if e.end_on else "Still the child's social worker"),
            ("Why they took over", rcodes.SW_REASON.label(e.reason) if e.reason else "Not recorded")]


def describe_social_worker_deletion(e: SocialWorkerEpisode) -> list[tuple[str, str]]:
    rows = describe_social_worker(e)
    previous = services.handed_over_by(db.session, e)
    if previous is not None:
        rows.append(("If you delete it", f"{previous.worker_ref} is the child's social worker again (their episode "
                                         f"from {previous.start_on:%d/%m/%Y} is open again)"))
    return rows


def describe_dolo(o: DeprivationOfLiberty) -> list[tuple[str, str]]:
    return [("Started", f"{o.start_on:%d/%m/%Y}"), ("Ended", f"{o.end_on:%d/%m/%Y}" if o.end_on else "Still in force")]


@bp.route("/children/<int:child_id>/ssda903/social-workers/new", methods=["GET", "POST"])
@for_child("return", WRITE)
def record_social_worker(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    form = SocialWorkerEpisodeForm()
    return record_fact(form, lambda: services.record_social_worker(db.session, child, form.data_for_service(),
                                                                   today=clock.today()),
                       child=child, success="Social worker recorded", heading="Record a social worker",
                       back_url=_back(child.id),
                       intro="For the SSDA903 return (SWEpisodes). If the child has a social worker now, their "
                             "episode ends the day this one starts.")


@bp.route("/children/<int:child_id>/ssda903/social-workers/<int:record_id>/edit", methods=["GET", "POST"])
@for_child("return", WRITE)
def edit_social_worker(child_id: int, record_id: int) -> Any:
    child = get_child_or_403(child_id)
    record = get_record_or_404(SocialWorkerEpisode, child, record_id)
    form = SocialWorkerEpisodeForm(obj=record)
    return correct_fact(form, record, lambda version: services.update_social_worker(
        db.session, record, form.data_for_service(), today=clock.today(), expected_version=version),
        child=child, describe=describe_social_worker, success="Social worker episode corrected",
        heading="Correct a social worker episode", back_url=_back(child.id))


@bp.route("/children/<int:child_id>/ssda903/social-workers/<int:record_id>/delete", methods=["GET", "POST"])
@for_child("return", WRITE)
def delete_social_worker(child_id: int, record_id: int) -> Any:
    child = get_child_or_403(child_id)
    record = get_record_or_404(SocialWorkerEpisode, child, record_id)
    return delete_fact(record, lambda version: services.delete_social_worker(db.session, record,
                                                                             expected_version=version),
                       child=child, describe=describe_social_worker_deletion, success="Social worker episode deleted",
                       heading="Delete this social worker episode?", back_url=_back(child.id))


@bp.route("/children/<int:child_id>/ssda903/deprivation-of-liberty/new", methods=["GET", "POST"])
@for_child("return", WRITE)
def record_deprivation_of_liberty(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    form = DeprivationOfLibertyForm()
    return record_fact(form, lambda: services.record_deprivation_of_liberty(db.session, child,
                                                                            form.data_for_service(),
                                                                            today=clock.today()),
                       child=child, success="Deprivation of liberty order recorded",
                       heading="Record a deprivation of liberty order", back_url=_back(child.id),
                       intro="For the SSDA903 return (DoLo, from 2026–27): an order made while the child is "
                             "looked after.")


@bp.route("/children/<int:child_id>/ssda903/deprivation-of-liberty/<int:record_id>/edit", methods=["GET", "POST"])
@for_child("return", WRITE)
def edit_deprivation_of_liberty(child_id: int, record_id: int) -> Any:
    child = get_child_or_403(child_id)
    record = get_record_or_404(DeprivationOfLiberty, child, record_id)
    form = DeprivationOfLibertyForm(obj=record)
    return correct_fact(form, record, lambda version: services.update_deprivation_of_liberty(
        db.session, record, form.data_for_service(), today=clock.today(), expected_version=version),
        child=child, describe=describe_dolo, success="Deprivation of liberty order corrected",
        heading="Correct a deprivation of liberty order", back_url=_back(child.id))


@bp.route("/children/<int:child_id>/ssda903/deprivation-of-liberty/<int:record_id>/delete",
          methods=["GET", "POST"])
@for_child("return", WRITE)
def delete_deprivation_of_liberty(child_id: int, record_id: int) -> Any:
    child = get_child_or_403(child_id)
    record = get_record_or_404(DeprivationOfLiberty, child, record_id)
    return delete_fact(record, lambda version: services.delete_deprivation_of_liberty(db.session, record,
                                                                                      expected_version=version),
                       child=child, describe=describe_dolo, success="Deprivation of liberty order deleted",
                       heading="Delete this deprivation of liberty order?", back_url=_back(child.id))
