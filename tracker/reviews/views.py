from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, url_for

from tracker import clock
from tracker.auth.roles import EDIT_CASE
from tracker.children.views import get_child_or_403
from tracker.extensions import db
from tracker.reviews import services
from tracker.reviews.forms import ReviewForm
from tracker.web import requires, save

bp = Blueprint("reviews", __name__, url_prefix="/children/<int:child_id>/reviews")


@bp.route("/new", methods=["GET", "POST"])
@requires(EDIT_CASE)
def record_review(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    form = ReviewForm()
    if form.validate_on_submit():
        ok, _ = save(form, lambda: services.record_review(
            db.session, child, held_on=form.held_on.data, participation=form.participation.data,
            today=clock.today()), success="Review recorded")
        if ok:
            return redirect(url_for("tracking.child_items", child_id=child.id))
    return render_template("_components/form_page.html", form=form, heading="Record a review",
                           caption=child.name, back_url=url_for("tracking.child_items", child_id=child.id))
