"""Performance dashboard, its drill-downs and the benchmark values."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from tracker import clock
from tracker.auth.roles import MANAGE_SETTINGS, VIEW_REPORTS
from tracker.children.models import Child
from tracker.codes import collection_year
from tracker.errors import ConflictError
from tracker.extensions import db
from tracker.reports import indicators
from tracker.reports.models import Benchmark
from tracker.web import requires, save
from tracker.web.forms import Form

bp = Blueprint("reports", __name__)


def _years() -> list[int]:
    current = collection_year(clock.today())
    return [current - 3, current - 2, current - 1, current]


def _benchmarks(years: list[int]) -> dict[tuple[str, int], Benchmark]:
    return {(b.indicator, b.year): b for b in db.session.scalars(select(Benchmark).where(Benchmark.year.in_(years)))}


@bp.route("/dashboard")
@requires(VIEW_REPORTS)
def dashboard() -> Any:
    years = _years()
    _data, values = indicators.compute(db.session, current_user, clock.today(), years)
    return render_template("reports/dashboard.html", indicators=indicators.INDICATORS, values=values, years=years,
                           benchmarks=_benchmarks(years), today=clock.today())


@bp.route("/dashboard/list")
@requires(VIEW_REPORTS)
def dashboard_list() -> Any:
    key = request.args.get("indicator", "")
    part = request.args.get("part", "numerator")
    year = request.args.get("year", type=int)
    if key not in indicators.BY_KEY or part not in ("numerator", "denominator") or year not in _years():
        abort(404)
    _data, values = indicators.compute(db.session, current_user, clock.today(), [year])
    ids = getattr(values[key][year], part)
    children = list(db.session.scalars(select(Child).where(Child.id.in_(ids))
                                       .order_by(Child.last_name, Child.first_name, Child.id)))
    return render_template("reports/dashboard_list.html", indicator=indicators.BY_KEY[key], part=part, year=year,
                           children=children)


@bp.route("/dashboard/benchmarks", methods=["GET", "POST"])
@requires(MANAGE_SETTINGS)
def edit_benchmarks() -> Any:
    years = _years()
    year = request.values.get("year", type=int) or years[-1]
    if year not in years:
        abort(404)
    existing = _benchmarks([year])
    errors: dict[str, str] = {}
    form = Form()  # CSRF (and hidden characters) only; the grid of inputs is read directly below
    version = _benchmarks_version(existing)
    conflict = None
    if request.method == "POST" and form.validate_on_submit():
        parsed: dict[tuple[str, str], Decimal | None] = {}
        for ind in indicators.INDICATORS:
            for col in ("england", "neighbours"):
                raw = (request.form.get(f"{ind.key}-{col}") or "").strip()
                number = raw.replace(",", "")
                if not number:
                    parsed[(ind.key, col)] = None
                elif not _NUMBER_RE.match(number):
                    errors[f"{ind.key}-{col}"] = f"{ind.title}: enter a number, like 12.5, or leave it blank"
                elif Decimal(number) > Decimal(100000):
                    errors[f"{ind.key}-{col}"] = f"{ind.title}: enter a number from 0 to 100,000, or leave it blank"
                else:
                    parsed[(ind.key, col)] = Decimal(number)
        sent_version = request.form.get("version")
        if sent_version is not None and sent_version != version:
            conflict = ConflictError.message
        elif not errors:

            def store() -> None:
                for ind in indicators.INDICATORS:
                    row = existing.get((ind.key, year))
                    eng, nbr = parsed[(ind.key, "england")], parsed[(ind.key, "neighbours")]
                    if row is None and (eng is not None or nbr is not None):
                        db.session.add(Benchmark(indicator=ind.key, year=year, england=eng, neighbours=nbr))
                    elif row is not None and (row.england != eng or row.neighbours != nbr):
                        row.england, row.neighbours = eng, nbr
                db.session.flush()

            ok, conflict = save(form, store, success="Benchmarks saved")
            if ok:
                return redirect(url_for("reports.edit_benchmarks", year=year))
        if conflict:
            version = _benchmarks_version(_benchmarks([year]))
    return render_template("reports/benchmarks.html", indicators=indicators.INDICATORS, year=year, years=years,
                           existing=existing, errors=errors, values=request.form, csrf_form=form,
                           conflict=conflict, version=version)


_NUMBER_RE = re.compile(r"^\d{1,6}(\.\d{1,4})?$")


def _benchmarks_version(existing: dict[tuple[str, int], Benchmark]) -> str:
    """The year's benchmark rows and their versions, carried by the form: a save from a
    page opened before someone else's change is refused, not merged."""
    return "rows:" + ",".join(f"{b.id}.{b.version}" for _key, b in sorted(existing.items()))
