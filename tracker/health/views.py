"""A child's health: health assessments, dental checks and SDQ scores."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, url_for
from sqlalchemy import select

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
from tracker.health import services
from tracker.health.forms import KINDS, DentalCheckForm, HealthAssessmentForm, SdqForm
from tracker.health.models import DentalCheck, HealthAssessment, SdqScore

bp = Blueprint("health", __name__, url_prefix="/children/<int:child_id>/health")

HEALTH_KINDS = ("initial_health_assessment", "review_health_assessment", "dental_check", "sdq")


def _due_dates(child_id: int) -> str:
    return url_for("children.child_items", child_id=child_id)


def _tab(child_id: int) -> str:
    return url_for("health.child_health", child_id=child_id)


@bp.route("")
@for_child("health")
def child_health(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    today = clock.today()

    def rows(model: Any, column: Any) -> list[Any]:
        return list(db.session.scalars(select(model).where(model.child_id == child.id).order_by(column.desc())))

    return render_template("health/child_health.html", child=child, today=today, tab="health",
                           assessments=rows(HealthAssessment, HealthAssessment.held_on),
                           dental=rows(DentalCheck, DentalCheck.checked_on),
                           sdqs=rows(SdqScore, SdqScore.completed_on), kinds=KINDS,
                           items=list_items_of(db.session, child, *HEALTH_KINDS),
                           **child_context(child, today))


# Health assessments ------------------------------------------------------------------

def describe_assessment(record: HealthAssessment) -> list[tuple[str, str]]:
    return [("Date", f"{record.held_on:%d/%m/%Y}"), ("Assessment", KINDS.get(record.kind, record.kind))]


@bp.route("/assessments/new", methods=["GET", "POST"])
@for_child("health", WRITE)
def record_health_assessment(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    form = HealthAssessmentForm()
    return record_fact(form, lambda: services.record_health_assessment(
        db.session, child, held_on=form.held_on.data, kind=form.kind.data, today=clock.today()),
        child=child, success="Health assessment recorded", heading="Record a health assessment",
        back_url=_due_dates(child.id))


@bp.route("/assessments/<int:record_id>/edit", methods=["GET", "POST"])
@for_child("health", WRITE)
def edit_health_assessment(child_id: int, record_id: int) -> Any:
    child = get_child_or_403(child_id)
    record = get_record_or_404(HealthAssessment, child, record_id)
    form = HealthAssessmentForm(obj=record)
    return correct_fact(form, record, lambda version: services.update_health_assessment(
        db.session, record, held_on=form.held_on.data, kind=form.kind.data, today=clock.today(),
        expected_version=version), child=child, describe=describe_assessment, success="Health assessment saved",
        heading="Correct a health assessment", back_url=_tab(child.id))


@bp.route("/assessments/<int:record_id>/delete", methods=["GET", "POST"])
@for_child("health", WRITE)
def delete_health_assessment(child_id: int, record_id: int) -> Any:
    child = get_child_or_403(child_id)
    record = get_record_or_404(HealthAssessment, child, record_id)
    return delete_fact(record, lambda version: services.delete_health_assessment(
        db.session, record, today=clock.today(), expected_version=version), child=child,
        describe=describe_assessment, success="Health assessment deleted",
        heading="Delete this health assessment?", back_url=_tab(child.id))


# Dental checks -----------------------------------------------------------------------

def describe_dental(record: DentalCheck) -> list[tuple[str, str]]:
    return [("Date of the dental check", f"{record.checked_on:%d/%m/%Y}")]


@bp.route("/dental/new", methods=["GET", "POST"])
@for_child("health", WRITE)
def record_dental_check(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    form = DentalCheckForm()
    return record_fact(form, lambda: services.record_dental_check(
        db.session, child, checked_on=form.checked_on.data, today=clock.today()),
        child=child, success="Dental check recorded", heading="Record a dental check",
        back_url=_due_dates(child.id))


@bp.route("/dental/<int:record_id>/edit", methods=["GET", "POST"])
@for_child("health", WRITE)
def edit_dental_check(child_id: int, record_id: int) -> Any:
    child = get_child_or_403(child_id)
    record = get_record_or_404(DentalCheck, child, record_id)
    form = DentalCheckForm(obj=record)
    return correct_fact(form, record, lambda version: services.update_dental_check(
        db.session, record, checked_on=form.checked_on.data, today=clock.today(), expected_version=version),
        child=child, describe=describe_dental, success="Dental check saved", heading="Correct a dental check",
        back_url=_tab(child.id))


@bp.route("/dental/<int:record_id>/delete", methods=["GET", "POST"])
@for_child("health", WRITE)
def delete_dental_check(child_id: int, record_id: int) -> Any:
    child = get_child_or_403(child_id)
    record = get_record_or_404(DentalCheck, child, record_id)
    return delete_fact(record, lambda version: services.delete_dental_check(
        db.session, record, today=clock.today(), expected_version=version), child=child,
        describe=describe_dental, success="Dental check deleted", heading="Delete this dental check?",
        back_url=_tab(child.id))


# SDQ scores --------------------------------------------------------------------------

_SCORE_PARAMS = {"score": {"classes": "govuk-input--width-3", "inputmode": "numeric", "spellcheck": False}}


def describe_sdq(record: SdqScore) -> list[tuple[str, str]]:
    return [("Date completed", f"{record.completed_on:%d/%m/%Y}"),
            ("Total score", f"{record.score} ({record.band})")]


@bp.route("/sdq/new", methods=["GET", "POST"])
@for_child("health", WRITE)
def record_sdq(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    form = SdqForm()
    return record_fact(form, lambda: services.record_sdq(
        db.session, child, completed_on=form.completed_on.data, score=form.score.data, today=clock.today()),
        child=child, success="SDQ score recorded", heading="Record an SDQ score",
        intro="Bands: 0 to 13 normal, 14 to 16 borderline, 17 to 40 cause for concern.",
        back_url=_due_dates(child.id), field_params=_SCORE_PARAMS)


@bp.route("/sdq/<int:record_id>/edit", methods=["GET", "POST"])
@for_child("health", WRITE)
def edit_sdq(child_id: int, record_id: int) -> Any:
    child = get_child_or_403(child_id)
    record = get_record_or_404(SdqScore, child, record_id)
    form = SdqForm(obj=record)
    return correct_fact(form, record, lambda version: services.update_sdq(
        db.session, record, completed_on=form.completed_on.data, score=form.score.data, today=clock.today(),
        expected_version=version), child=child, describe=describe_sdq, success="SDQ score saved",
        heading="Correct an SDQ score", back_url=_tab(child.id), field_params=_SCORE_PARAMS)


@bp.route("/sdq/<int:record_id>/delete", methods=["GET", "POST"])
@for_child("health", WRITE)
def delete_sdq(child_id: int, record_id: int) -> Any:
    child = get_child_or_403(child_id)
    record = get_record_or_404(SdqScore, child, record_id)
    return delete_fact(record, lambda version: services.delete_sdq(
        db.session, record, today=clock.today(), expected_version=version), child=child,
        describe=describe_sdq, success="SDQ score deleted", heading="Delete this SDQ score?",
        back_url=_tab(child.id))
