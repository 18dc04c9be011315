"""A child's statutory reviews: list, record, correct, delete."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, url_for
from wtforms.fields.choices import SelectChoice

from tracker import clock
from tracker.auth.models import User
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
from tracker.reviews import queries, services
from tracker.reviews.forms import ReviewForm
from tracker.reviews.models import PARTICIPATION, Review

bp = Blueprint("reviews", __name__, url_prefix="/children/<int:child_id>/reviews")


def _form(review: Review | None = None) -> ReviewForm:
    form = ReviewForm(obj=review) if review is not None else ReviewForm()
    iros = queries.list_iros(db.session)
    choices = [SelectChoice("", "Not recorded")] + [SelectChoice(str(u.id), u.name) for u in iros]
    if review is not None and review.iro_id and all(u.id != review.iro_id for u in iros):
        former = db.session.get(User, review.iro_id)
        choices.append(SelectChoice(str(review.iro_id), former.name if former else "Former officer"))
    form.iro_id.choices = choices
    return form


def describe(review: Review) -> list[tuple[str, str]]:
    iro = db.session.get(User, review.iro_id) if review.iro_id else None
    part = review.participation
    return [("Date held", f"{review.held_on:%d/%m/%Y}"),
            ("How the child took part", f"{part} – {PARTICIPATION[part]}" if part else "Not recorded"),
            ("Chaired by", iro.name if iro else "Not recorded")]


@bp.route("")
@for_child("reviews")
def child_reviews(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    today = clock.today()
    return render_template("reviews/child_reviews.html", child=child, today=today, tab="reviews",
                           reviews=queries.list_reviews(db.session, child),
                           items=list_items_of(db.session, child, "review"), participation=PARTICIPATION,
                           **child_context(child, today))


@bp.route("/new", methods=["GET", "POST"])
@for_child("reviews", WRITE)
def record_review(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    form = _form()
    return record_fact(form, lambda: services.record_review(
        db.session, child, held_on=form.held_on.data, participation=form.participation.data,
        iro_id=form.iro_id.data, today=clock.today()),
        child=child, success="Review recorded", heading="Record a review",
        back_url=url_for("children.child_items", child_id=child.id))


@bp.route("/<int:review_id>/edit", methods=["GET", "POST"])
@for_child("reviews", WRITE)
def edit_review(child_id: int, review_id: int) -> Any:
    child = get_child_or_403(child_id)
    review = get_record_or_404(Review, child, review_id)
    form = _form(review)
    return correct_fact(form, review, lambda version: services.update_review(
        db.session, review, held_on=form.held_on.data, participation=form.participation.data,
        iro_id=form.iro_id.data, today=clock.today(), expected_version=version),
        child=child, describe=describe, success="Review saved", heading="Correct a review",
        back_url=url_for("reviews.child_reviews", child_id=child.id))


@bp.route("/<int:review_id>/delete", methods=["GET", "POST"])
@for_child("reviews", WRITE)
def delete_review(child_id: int, review_id: int) -> Any:
    child = get_child_or_403(child_id)
    review = get_record_or_404(Review, child, review_id)
    return delete_fact(review, lambda version: services.delete_review(
        db.session, review, today=clock.today(), expected_version=version),
        child=child, describe=describe, success="Review deleted", heading="Delete this review?",
        back_url=url_for("reviews.child_reviews", child_id=child.id))

