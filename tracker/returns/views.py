"""The SSDA903 return pages (download, upload) and the data-quality pages."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import MultipleFileField, SubmitField

from tracker import audit, clock
from tracker.auth.roles import EXPORT_RETURN, VIEW_REPORTS
from tracker.codes import collection_year
from tracker.extensions import db
from tracker.returns import queries
from tracker.returns.dataquality import RULES_BY_CODE
from tracker.returns.services import ImportRefused
from tracker.returns.services import import_return as import_return_files
from tracker.web import requires
from tracker.web.nav import CHILD_TABS

bp = Blueprint("returns", __name__)

TAB_ENDPOINTS = {key: endpoint for key, _label, endpoint in CHILD_TABS}


class ImportForm(FlaskForm):
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
    audit.record(db.session, action="export_903", entity_type="returns",
                 summary=f"Downloaded the {label(year)} SSDA903 return")
    db.session.commit()
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
                result = import_return_files(db.session, files, today=clock.today())
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
