"""A child's permanence: plan, milestones, pre-proceedings and care proceedings."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, url_for

from tracker import clock
from tracker.children.access import WRITE
from tracker.children.guard import for_child
from tracker.children.pages import (
    child_context,
    correct_fact,
    delete_fact,
    get_child_or_403,
    get_record_or_404,
    record_fact,
)
from tracker.children.queries import list_items_of
from tracker.extensions import db
from tracker.permanence import queries, services
from tracker.permanence.forms import CourtEventForm, MilestoneForm, PlanForm
from tracker.permanence.models import (
    COURT_EVENTS,
    MILESTONES,
    ORDERS,
    PLANS,
    CourtEvent,
    PermanenceMilestone,
    PermanencePlan,
)
from tracker.tracking.settings import get_rule_config

bp = Blueprint("permanence", __name__, url_prefix="/children/<int:child_id>/permanence")


def _tab(child_id: int) -> str:
    return url_for("permanence.child_permanence", child_id=child_id)


def _due_dates(child_id: int) -> str:
    return url_for("children.child_items", child_id=child_id)


@bp.route("")
@for_child("permanence")
def child_permanence(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    today = clock.today()
    events = queries.list_court_events(db.session, child)
    pre, procs = queries.group_court_events(events, today=today, config=get_rule_config(db.session))
    return render_template("permanence/child_permanence.html", child=child, today=today, tab="permanence",
                           plans=queries.list_plans(db.session, child),
                           milestones=queries.list_milestones(db.session, child), events=list(reversed(events)),
                           pre_proceedings=pre, proceedings=procs, plan_labels=PLANS,
                           milestone_labels=MILESTONES, event_labels=COURT_EVENTS, order_labels=ORDERS,
                           items=list_items_of(db.session, child, "permanence_plan", "pre_proceedings",
                                               "proceedings"),
                           **child_context(child, today))


# Plans -------------------------------------------------------------------------------

def describe_plan(record: PermanencePlan) -> list[tuple[str, str]]:
    return [("Date agreed", f"{record.agreed_on:%d/%m/%Y}"), ("Plan", PLANS.get(record.plan, record.plan))]


@bp.route("/plans/new", methods=["GET", "POST"])
@for_child("permanence", WRITE)
def record_plan(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    form = PlanForm()
    return record_fact(form, lambda: services.record_plan(
        db.session, child, agreed_on=form.agreed_on.data, plan=form.plan.data, today=clock.today()),
        child=child, success="Permanence plan recorded", heading="Record the permanence plan",
        intro="The plan for permanence is due by the second statutory review.", back_url=_tab(child.id))


@bp.route("/plans/<int:record_id>/edit", methods=["GET", "POST"])
@for_child("permanence", WRITE)
def edit_plan(child_id: int, record_id: int) -> Any:
    child = get_child_or_403(child_id)
    record = get_record_or_404(PermanencePlan, child, record_id)
    form = PlanForm(obj=record)
    return correct_fact(form, record, lambda version: services.update_plan(
        db.session, record, agreed_on=form.agreed_on.data, plan=form.plan.data, today=clock.today(),
        expected_version=version), child=child, describe=describe_plan, success="Permanence plan saved",
        heading="Correct the permanence plan", back_url=_tab(child.id))


@bp.route("/plans/<int:record_id>/delete", methods=["GET", "POST"])
@for_child("permanence", WRITE)
def delete_plan(child_id: int, record_id: int) -> Any:
    child = get_child_or_403(child_id)
    record = get_record_or_404(PermanencePlan, child, record_id)
    return delete_fact(record, lambda version: services.delete_plan(
        db.session, record, today=clock.today(), expected_version=version), child=child, describe=describe_plan,
        success="Permanence plan deleted", heading="Delete this permanence plan?", back_url=_tab(child.id))


# Milestones --------------------------------------------------------------------------

def describe_milestone(record: PermanenceMilestone) -> list[tuple[str, str]]:
    return [("Milestone", MILESTONES.get(record.kind, record.kind)), ("Date", f"{record.on:%d/%m/%Y}")]


@bp.route("/milestones/new", methods=["GET", "POST"])
@for_child("permanence", WRITE)
def record_milestone(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    form = MilestoneForm()
    return record_fact(form, lambda: services.record_milestone(
        db.session, child, kind=form.kind.data, on=form.on.data, today=clock.today()),
        child=child, success="Milestone recorded", heading="Record a permanence milestone",
        back_url=_tab(child.id))


@bp.route("/milestones/<int:record_id>/edit", methods=["GET", "POST"])
@for_child("permanence", WRITE)
def edit_milestone(child_id: int, record_id: int) -> Any:
    child = get_child_or_403(child_id)
    record = get_record_or_404(PermanenceMilestone, child, record_id)
    form = MilestoneForm(obj=record)
    return correct_fact(form, record, lambda version: services.update_milestone(
        db.session, record, kind=form.kind.data, on=form.on.data, today=clock.today(), expected_version=version),
        child=child, describe=describe_milestone, success="Milestone saved", heading="Correct a milestone",
        back_url=_tab(child.id))


@bp.route("/milestones/<int:record_id>/delete", methods=["GET", "POST"])
@for_child("permanence", WRITE)
def delete_milestone(child_id: int, record_id: int) -> Any:
    child = get_child_or_403(child_id)
    record = get_record_or_404(PermanenceMilestone, child, record_id)
    return delete_fact(record, lambda version: services.delete_milestone(
        db.session, record, today=clock.today(), expected_version=version), child=child,
        describe=describe_milestone, success="Milestone deleted", heading="Delete this milestone?",
        back_url=_tab(child.id))


# Court events ------------------------------------------------------------------------

def describe_court_event(record: CourtEvent) -> list[tuple[str, str]]:
    rows = [("What happened", COURT_EVENTS.get(record.kind, record.kind)), ("Date", f"{record.on:%d/%m/%Y}")]
    if record.weeks:
        rows.append(("Weeks added", str(record.weeks)))
    if record.court_order:
        rows.append(("Order made", ORDERS.get(record.court_order, record.court_order)))
    if record.notes:
        rows.append(("Notes", record.notes))
    return rows


def _court_args(form: CourtEventForm) -> dict[str, Any]:
    return {"kind": form.kind.data, "on": form.on.data, "weeks": form.weeks.data,
            "court_order": form.court_order.data or None, "notes": form.notes.data}


@bp.route("/court/new", methods=["GET", "POST"])
@for_child("permanence", WRITE)
def record_court_event(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    form = CourtEventForm()
    return record_fact(form, lambda: services.record_court_event(db.session, child, **_court_args(form),
                                                                 today=clock.today()),
                       child=child, success="Court event recorded", heading="Record a court event",
                       intro="Pre-proceedings (the Public Law Outline) and care proceedings. These can be "
                             "recorded before the child is looked after.",
                       back_url=_due_dates(child.id))


@bp.route("/court/<int:record_id>/edit", methods=["GET", "POST"])
@for_child("permanence", WRITE)
def edit_court_event(child_id: int, record_id: int) -> Any:
    child = get_child_or_403(child_id)
    record = get_record_or_404(CourtEvent, child, record_id)
    form = CourtEventForm(obj=record)
    return correct_fact(form, record, lambda version: services.update_court_event(
        db.session, record, **_court_args(form), today=clock.today(), expected_version=version),
        child=child, describe=describe_court_event, success="Court event saved", heading="Correct a court event",
        back_url=_tab(child.id))


@bp.route("/court/<int:record_id>/delete", methods=["GET", "POST"])
@for_child("permanence", WRITE)
def delete_court_event(child_id: int, record_id: int) -> Any:
    child = get_child_or_403(child_id)
    record = get_record_or_404(CourtEvent, child, record_id)
    return delete_fact(record, lambda version: services.delete_court_event(
        db.session, record, today=clock.today(), expected_version=version), child=child,
        describe=describe_court_event, success="Court event deleted", heading="Delete this court event?",
        back_url=_tab(child.id))
