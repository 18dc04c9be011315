"""Care leavers: a young person's leaving-care tab and its forms, the personal adviser's
caseload and the managers' summary (with CSV exports)."""

from __future__ import annotations

import math
from collections.abc import Callable
from itertools import groupby
from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from tracker import clock
from tracker.auth.roles import ADVISE_CARE_LEAVERS, EDIT_LEAVING_CARE, VIEW_REPORTS
from tracker.children.access import WRITE
from tracker.children.guard import for_child
from tracker.children.pages import child_context, get_child_or_403
from tracker.extensions import db
from tracker.leaving_care import oc3, queries, services
from tracker.leaving_care.forms import FORMS
from tracker.leaving_care.models import (
    CONTACT_METHODS,
    IN_TOUCH,
    PATHWAY_EVENTS,
    TENANCY_ENDINGS,
    TENURES,
)
from tracker.web import Page, csv_response, int_arg, page_number, requires, submit
from tracker.web.forms import DeleteForm

bp = Blueprint("leaving_care", __name__)

#: URL segment of each kind of record (kebab-case).
SLUGS = {"pathway_event": "pathway-events", "contact": "contacts", "accommodation": "accommodation",
         "activity": "activities", "tenancy": "tenancies", "staying_put": "staying-put",
         "birthday_data": "birthday-data"}
KIND_OF_SLUG = {v: k for k, v in SLUGS.items()}
HEADINGS = {
    "pathway_event": "Record a needs assessment, pathway plan or review",
    "contact": "Record a personal adviser contact",
    "accommodation": "Record accommodation",
    "activity": "Record education, employment or training",
    "tenancy": "Record a tenancy",
    "staying_put": "Record staying put",
    "birthday_data": "Record birthday data (in touch, activity, accommodation)",
}


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    return {"lc": {"categories": queries.CATEGORY_LABELS, "meaning": queries.CATEGORY_MEANING,
                   "pathway_events": PATHWAY_EVENTS, "methods": CONTACT_METHODS, "tenures": TENURES,
                   "endings": TENANCY_ENDINGS, "in_touch": IN_TOUCH, "accommodation": oc3.ACCOMMODATION,
                   "activity": oc3.ACTIVITY, "eet": oc3.EET, "slugs": SLUGS}}


def _tab(child_id: int) -> str:
    return url_for("leaving_care.child_leaving_care", child_id=child_id)


# --------------------------------------------------------------------------- a young person

@bp.route("/children/<int:child_id>/leaving-care")
@for_child("leaving_care")
def child_leaving_care(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    today = clock.today()
    return render_template("leaving_care/child.html", child=child, today=today, tab="leaving_care",
                           status=queries.get_status(db.session, child, today),
                           records=queries.get_child_records(db.session, child),
                           **child_context(child, today))


def _record_view(kind: str) -> Callable[[int], Any]:
    def view(child_id: int) -> Any:
        child = get_child_or_403(child_id)
        form = FORMS[kind]()
        ok, _ = submit(form, lambda: services.record_fact(db.session, child, kind, form.to_data(),
                                                          today=clock.today(), actor_id=current_user.id),
                       success=f"{services.KINDS[kind].label.capitalize()} recorded")
        if ok:
            return redirect(_tab(child.id))
        return render_template("_components/form_page.html", form=form, heading=HEADINGS[kind],
                               caption=child.name, back_url=_tab(child.id))

    view.__name__ = f"record_{kind}"
    return view


for _kind, _slug in SLUGS.items():
    bp.add_url_rule(f"/children/<int:child_id>/leaving-care/{_slug}/new", endpoint=f"record_{_kind}",
                    view_func=for_child("leaving_care", WRITE)(_record_view(_kind)), methods=["GET", "POST"])


def _record(child_id: int, slug: str, record_id: int) -> tuple[Any, str, Any]:
    child = get_child_or_403(child_id)
    kind = KIND_OF_SLUG.get(slug)
    if kind is None:
        abort(404)
    record = db.session.get(services.KINDS[kind].model, record_id)
    if record is None or record.child_id != child.id:
        abort(404)
    return child, kind, record


@bp.route("/children/<int:child_id>/leaving-care/<slug>/<int:record_id>/edit", methods=["GET", "POST"])
@for_child("leaving_care", WRITE)
def edit_record(child_id: int, slug: str, record_id: int) -> Any:
    child, kind, record = _record(child_id, slug, record_id)
    form = FORMS[kind]()
    if request.method == "GET":
        form.load(record)
    ok, conflict = submit(form, lambda: services.update_record(
        db.session, record, form.to_data(), today=clock.today(), expected_version=form.expected_version()),
        success=f"{services.KINDS[kind].label.capitalize()} saved")
    if ok:
        return redirect(_tab(child.id))
    current = None
    if conflict:
        db.session.refresh(record)
        form.version.data = str(record.version)
        current = _describe(form, record)
    return render_template("children/record_form.html", form=form, conflict=conflict,
                           heading=f"Correct this {services.KINDS[kind].label}", caption=child.name,
                           current_values=current, current_heading="What is saved now", field_params={},
                           back_url=_tab(child.id))


def _describe(form: Any, record: Any) -> list[tuple[str, str]]:
    """A record's saved values, labelled as on its form."""
    out = []
    for field in form:
        if field.type in ("CSRFTokenField", "SubmitField", "HiddenField") or not hasattr(record, field.name):
            continue
        value = getattr(record, field.name)
        if value is None:
            text = "Not recorded"
        elif isinstance(value, bool):
            text = "Yes" if value else "No"
        elif hasattr(value, "strftime"):
            text = value.strftime("%d/%m/%Y")
        else:
            labels = {str(c.value): str(c.label) for c in getattr(field, "choices", None) or []}
            text = labels.get(str(value), str(value))
        out.append((field.label.text, text))
    return out


@bp.route("/children/<int:child_id>/leaving-care/<slug>/<int:record_id>/delete", methods=["GET", "POST"])
@for_child("leaving_care", WRITE)
def delete_record(child_id: int, slug: str, record_id: int) -> Any:
    child, kind, record = _record(child_id, slug, record_id)
    form = DeleteForm()
    if request.method == "GET":
        form.version.data = str(record.version)
    ok, conflict = submit(form, lambda: services.delete_record(db.session, record, today=clock.today(),
                                                               expected_version=form.expected_version()),
                          success=f"{services.KINDS[kind].label.capitalize()} deleted")
    if ok:
        return redirect(_tab(child.id))
    if conflict:
        db.session.refresh(record)
        form.version.data = str(record.version)
    label = services.KINDS[kind].label
    return render_template("_components/form_page.html", form=form, conflict=conflict,
                           heading=f"Delete this {label}?", caption=child.name,
                           intro=f"Delete only a {label} recorded by mistake; to record a change, record a new one "
                                 "or correct this one. The deletion is audited.",
                           back_url=_tab(child.id))


# --------------------------------------------------------------------------- caseload

def _caseload_rows() -> tuple[list[queries.CaseloadRow], dict[str, str], list[tuple[str, str]]]:
    scopes = queries.caseload_scopes(current_user)
    default = "mine" if current_user.can(ADVISE_CARE_LEAVERS) else scopes[-1][0]
    args = {k: request.args.get(k, "").strip() for k in ("scope", "q", "category", "urgency", "adviser")}
    if args["scope"] not in dict(scopes):
        args["scope"] = default
    if args["adviser"] != "none" and int_arg("adviser", minimum=1) is None:
        args["adviser"] = ""  # not an adviser's id: no filter
    rows = queries.list_caseload(db.session, current_user, today=clock.today(), scope=args["scope"],
                                 search=args["q"], category=args["category"], urgency=args["urgency"],
                                 adviser=args["adviser"] if args["scope"] != "mine" else "")
    return rows, args, scopes


@bp.route("/care-leavers")
@requires(EDIT_LEAVING_CARE)
def caseload() -> Any:
    rows, args, scopes = _caseload_rows()
    per_page = current_app.config["PAGE_SIZE"]
    number = page_number()
    number = min(number, max(1, math.ceil(len(rows) / per_page)))
    page = Page(items=rows[(number - 1) * per_page:number * per_page], page=number, per_page=per_page,
                total=len(rows))
    return render_template("leaving_care/caseload.html", page=page, args=args, scopes=scopes,
                           advisers=queries.list_advisers(db.session), today=clock.today(),
                           csv_args={k: v for k, v in args.items() if v})


@bp.route("/care-leavers.csv")
@requires(EDIT_LEAVING_CARE)
def caseload_csv() -> Any:
    rows, _args, _scopes = _caseload_rows()
    header = ["Child ID", "Name", "Date of birth", "Age", "Status", "Eligibility date", "Support ends",
              "Personal adviser", "Overdue", "Due soon", "Next due", "Next due date", "Accommodation",
              "Suitable", "Activity", "Last contact"]

    def out(r: queries.CaseloadRow) -> list[Any]:
        acc = r.accommodation
        return [r.child.local_id, r.child.name, r.child.date_of_birth.isoformat(), r.age,
                queries.CATEGORY_LABELS[r.category], _iso(r.status.eligibility_date), _iso(r.status.support_ends_on),
                r.child.personal_adviser.name if r.child.personal_adviser else "", r.overdue, r.due_soon,
                r.next_kind or "", _iso(r.next_due), acc.accommodation if acc else "",
                ("yes" if acc.suitable else "no") if acc else "", r.activity.activity if r.activity else "",
                _iso(r.last_contact)]

    return csv_response(f"care-leavers-{clock.today().isoformat()}.csv", header, (out(r) for r in rows))


def _iso(d: Any) -> str:
    return d.isoformat() if d else ""


# --------------------------------------------------------------------------- summary

@bp.route("/care-leavers/summary")
@requires(VIEW_REPORTS)
def summary() -> Any:
    return render_template("leaving_care/summary.html", summary=queries.summarise(db.session, clock.today()),
                           measures=SUMMARY_COLUMNS, groups=SUMMARY_GROUPS)


#: (measure, column group and heading on the page, title in the CSV, with a percentage).
SUMMARY_COLUMNS = (
    ("suitable", "Accommodation", "Suitable", "In suitable accommodation", True),
    ("unsuitable", "Accommodation", "Unsuitable", "In unsuitable accommodation", True),
    ("eet", "Activity", "EET", "In education, employment or training", True),
    ("neet", "Activity", "NEET", "Not in education, employment or training", True),
    ("neet_long", "Activity", "NEET 3+ months", "NEET for 3 months or more", True),
    ("in_touch", "", "In touch", "In touch", True),
    ("staying_put", "", "Staying put", "Staying put", True),
    ("council_this_month", "Council tenancy", "This month", "Council tenancy this month", False),
    ("council_last_month", "Council tenancy", "Last month", "Council tenancy last month", False),
)
SUMMARY_GROUPS = [(group, list(cols)) for group, cols in groupby(SUMMARY_COLUMNS, key=lambda c: c[1])]


@bp.route("/care-leavers/summary.csv")
@requires(VIEW_REPORTS)
def summary_csv() -> Any:
    data = queries.summarise(db.session, clock.today())
    header = ["Age", "Young people"]
    for _name, _group, _heading, title, pct in SUMMARY_COLUMNS:
        header += [title, f"{title} %"] if pct else [title]
    rows = []
    for row in data.rows:
        line: list[Any] = [row.label, row.young_people]
        for name, _group, _heading, _title, pct in SUMMARY_COLUMNS:
            n = getattr(row, name)
            line += [n, row.pct(n)] if pct else [n]
        rows.append(line)
    return csv_response(f"care-leavers-summary-{data.today.isoformat()}.csv", header, rows)
