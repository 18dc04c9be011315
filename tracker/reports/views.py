"""Performance dashboard, its drill-downs and the benchmark values."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from tracker import clock
from tracker.auth.roles import MANAGE_SETTINGS, VIEW_REPORTS
from tracker.children.models import Child
from tracker.codes import collection_year
from tracker.extensions import db
from tracker.reports import indicators
from tracker.reports.models import Benchmark
from tracker.web import requires

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
    form = FlaskForm()  # CSRF only; the grid of inputs is read directly below
    if request.method == "POST" and form.validate_on_submit():
        parsed: dict[tuple[str, str], Decimal | None] = {}
        for ind in indicators.INDICATORS:
            for col in ("england", "neighbours"):
                raw = (request.form.get(f"{ind.key}-{col}") or "").strip()
                try:
                    parsed[(ind.key, col)] = Decimal(raw) if raw else None
                    if parsed[(ind.key, col)] is not None and not Decimal(0) <= parsed[(ind.key, col)] <= Decimal(100000):
                        raise InvalidOperation
                except InvalidOperation:
                    errors[f"{ind.key}-{col}"] = f"{ind.title}: enter a number, like 12.5, or leave it blank"
        if not errors:
            for ind in indicators.INDICATORS:
                row = existing.get((ind.key, year))
                eng, nbr = parsed[(ind.key, "england")], parsed[(ind.key, "neighbours")]
                if row is None and (eng is not None or nbr is not None):
                    db.session.add(Benchmark(indicator=ind.key, year=year, england=eng, neighbours=nbr))
                elif row is not None and (row.england != eng or row.neighbours != nbr):
                    row.england, row.neighbours = eng, nbr
            db.session.commit()
            flash("Benchmarks saved", "success")
            return redirect(url_for("reports.edit_benchmarks", year=year))
    return render_template("reports/benchmarks.html", indicators=indicators.INDICATORS, year=year, years=years,
                           existing=existing, errors=errors, values=request.form, csrf_form=form)
