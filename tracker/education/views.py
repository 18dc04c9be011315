"""A child's education: personal education plans (PEPs) term by term."""

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
    may,
    record_fact,
)
from tracker.children.queries import list_items_of
from tracker.education import queries, services
from tracker.education.forms import PepForm
from tracker.education.models import Pep
from tracker.extensions import db

bp = Blueprint("education", __name__, url_prefix="/children/<int:child_id>/education")


def describe(pep: Pep) -> list[tuple[str, str]]:
    return [("Date of the PEP meeting", f"{pep.held_on:%d/%m/%Y}")]


@bp.route("")
@for_child("education")
def child_education(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    today = clock.today()
    terms, peps = queries.list_pep_terms(db.session, child, today=today)
    return render_template("education/child_education.html", child=child, today=today, tab="education",
                           terms=terms, peps=peps, initial=list_items_of(db.session, child, "initial_pep"),
                           can_edit_education=may(child, "education"), **child_context(child, today))


@bp.route("/peps/new", methods=["GET", "POST"])
@for_child("education", WRITE)
def record_pep(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    form = PepForm()
    return record_fact(form, lambda: services.record_pep(db.session, child, held_on=form.held_on.data,
                                                         today=clock.today()),
                       child=child, success="PEP recorded", heading="Record a PEP",
                       back_url=url_for("children.child_items", child_id=child.id))


@bp.route("/peps/<int:pep_id>/edit", methods=["GET", "POST"])
@for_child("education", WRITE)
def edit_pep(child_id: int, pep_id: int) -> Any:
    child = get_child_or_403(child_id)
    pep = get_record_or_404(Pep, child, pep_id)
    form = PepForm(obj=pep)
    return correct_fact(form, pep, lambda version: services.update_pep(
        db.session, pep, held_on=form.held_on.data, today=clock.today(), expected_version=version),
        child=child, describe=describe, success="PEP saved", heading="Correct a PEP",
        back_url=url_for("education.child_education", child_id=child.id))


@bp.route("/peps/<int:pep_id>/delete", methods=["GET", "POST"])
@for_child("education", WRITE)
def delete_pep(child_id: int, pep_id: int) -> Any:
    child = get_child_or_403(child_id)
    pep = get_record_or_404(Pep, child, pep_id)
    return delete_fact(pep, lambda version: services.delete_pep(
        db.session, pep, today=clock.today(), expected_version=version),
        child=child, describe=describe, success="PEP deleted", heading="Delete this PEP?",
        back_url=url_for("education.child_education", child_id=child.id))
