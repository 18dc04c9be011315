"""A child's missing and away episodes and return home interviews ("Missing" tab)."""

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
from tracker.missing import queries, services
from tracker.missing.forms import MissingEpisodeForm
from tracker.missing.models import KIND_LABELS, MissingEpisode

bp = Blueprint("missing", __name__, url_prefix="/children/<int:child_id>/missing")

_INTRO = ("A child who was missing (whereabouts not known) is offered a return home interview within 72 hours of "
          "coming back. Record the interview here when it is held, declined or offered.")


def _tab(child_id: int) -> str:
    return url_for("missing.child_missing", child_id=child_id)


def _data(form: MissingEpisodeForm) -> dict[str, Any]:
    return {name: getattr(form, name).data for name in services.FIELDS}


def describe_episode(record: MissingEpisode) -> list[tuple[str, str]]:
    rows = [("Missing or away", KIND_LABELS.get(record.kind, record.kind)),
            ("Started", f"{record.start_on:%d/%m/%Y}"),
            ("Returned", f"{record.end_on:%d/%m/%Y}" if record.end_on else "Not yet returned")]
    if record.interview_on is not None:
        rows.append(("Return home interview", f"{record.interview_label} on {record.interview_on:%d/%m/%Y}"))
    elif record.kind == "M":
        rows.append(("Return home interview", "Not recorded yet"))
    return rows


@bp.route("")
@for_child("care")
def child_missing(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    today = clock.today()
    return render_template("missing/child_missing.html", child=child, today=today, tab="missing",
                           items=list_items_of(db.session, child, "return_home_interview"),
                           episodes=queries.list_episodes(db.session, child), **child_context(child, today))


@bp.route("/new", methods=["GET", "POST"])
@for_child("care", WRITE)
def record_episode(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    form = MissingEpisodeForm()
    return record_fact(form, lambda: services.record_episode(db.session, child, _data(form), today=clock.today()),
                       child=child, success="Missing episode recorded", heading="Record a missing episode",
                       intro=_INTRO, back_url=_tab(child.id))


@bp.route("/<int:record_id>/edit", methods=["GET", "POST"])
@for_child("care", WRITE)
def edit_episode(child_id: int, record_id: int) -> Any:
    child = get_child_or_403(child_id)
    record = get_record_or_404(MissingEpisode, child, record_id)
    form = MissingEpisodeForm(obj=record)
    return correct_fact(form, record, lambda version: services.update_episode(
        db.session, record, _data(form), today=clock.today(), expected_version=version), child=child,
        describe=describe_episode, success="Missing episode saved", heading="Correct a missing episode",
        intro=_INTRO, back_url=_tab(child.id))


@bp.route("/<int:record_id>/delete", methods=["GET", "POST"])
@for_child("care", WRITE)
def delete_episode(child_id: int, record_id: int) -> Any:
    child = get_child_or_403(child_id)
    record = get_record_or_404(MissingEpisode, child, record_id)
    return delete_fact(record, lambda version: services.delete_episode(
        db.session, record, today=clock.today(), expected_version=version), child=child,
        describe=describe_episode, success="Missing episode deleted", heading="Delete this missing episode?",
        back_url=_tab(child.id))
