"""The child record's shared page helpers, for every domain's child pages.

Each domain's views load the child with :func:`get_child_or_403`, pass
:func:`child_context` to the child's tab templates (``children/_layout.html``), and build
their "record", "correct" and "delete" pages on :func:`record_fact`,
:func:`correct_fact` and :func:`delete_fact` (one look, one way of refusing a stale save).

They live in the children package, not in ``tracker.web``: they need the child record,
and ``web`` sits below every domain (see README "Architecture").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from flask import abort, current_app, flash, g, redirect, render_template, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import ObjectDeletedError

from tracker.children import access, queries
from tracker.children.forms import ConfirmDeleteForm
from tracker.children.guard import refuse
from tracker.children.models import Child, Placement
from tracker.extensions import db
from tracker.web import submit
from tracker.web.nav import CHILD_TABS

#: Describes a record as (label, value) rows, for "What is saved now" and delete pages.
Describe = Callable[[Any], Sequence[tuple[str, str]]]


def get_child_or_403(child_id: int) -> Child:
    """The child of a page guarded by :func:`tracker.children.guard.for_child` (which has
    checked the user's access to it). Unguarded, the child must at least be readable;
    refusals are audited."""
    child = g.get("child")
    if child is not None and child.id == child_id:
        return child
    child = db.session.get(Child, child_id)
    if child is None:
        abort(404)
    if not access.can_read(current_user, child):
        refuse(child)
    return child


def may(child: Child, area: str, action: str = access.WRITE) -> bool:
    """May the signed-in user read or change this part of the child's record?"""
    return access.allows(current_user, child, area, action)


def child_tabs(child: Child) -> list[tuple[str, str, str]]:
    """The child record's tabs the signed-in user may open (a tab's page names its area)."""
    readable = access.allowed_areas(current_user, child)
    return [(key, label, endpoint) for key, label, endpoint in CHILD_TABS
            if getattr(current_app.view_functions.get(endpoint), "access_area", None) in readable]


def child_context(child: Child, today: dt.date) -> dict[str, Any]:
    """What every tab of the child's record shows around its own content: ``can_edit``
    (may change the part of the record this page is about), ``may(area)`` for the others,
    and the tabs this user may open."""
    placements = list(db.session.scalars(select(Placement).where(Placement.child_id == child.id)
                                         .order_by(Placement.start_on.desc())))
    current = next((p for p in placements if p.end_on is None), None)
    area = g.get("child_area") or "overview"
    return {
        "legal_status": queries.get_current_legal_status(db.session, child, today),
        "open_period": queries.get_open_care_period(db.session, child),
        "placements": placements,
        "current_placement": current,
        "can_edit": may(child, area),
        "may": lambda part, action=access.WRITE: may(child, part, action),
        "child_tabs": child_tabs(child),
    }


def get_record_or_404(model: Any, child: Child, record_id: int) -> Any:
    """One of the child's records of ``model`` (404 if it is not this child's)."""
    record = db.session.get(model, record_id)
    if record is None or record.child_id != child.id:
        abort(404)
    return record


def record_form_page(form: Any, *, child: Child, heading: str, back_url: str, intro: str | None = None,
                     conflict: str | None = None, current: Sequence[tuple[str, str]] | None = None,
                     current_heading: str | None = None, field_params: dict[str, Any] | None = None) -> Any:
    return render_template("children/record_form.html", form=form, heading=heading, caption=child.name,
                           back_url=back_url, intro=intro, conflict=conflict, current_values=current,
                           current_heading=current_heading, field_params=field_params or {})


def record_fact(form: Any, action: Callable[[], Any], *, child: Child, success: str, heading: str,
                back_url: str, intro: str | None = None, field_params: dict[str, Any] | None = None) -> Any:
    """The "record a new fact" page: validate, call the service, commit, back to the tab."""
    ok, _ = submit(form, action, success=success)
    if ok:
        return redirect(back_url)
    return record_form_page(form, child=child, heading=heading, back_url=back_url, intro=intro,
                            field_params=field_params)


def correct_fact(form: Any, record: Any, apply: Callable[[int | None], Any], *, child: Child, describe: Describe,
                 success: str, heading: str, back_url: str, intro: str | None = None,
                 field_params: dict[str, Any] | None = None) -> Any:
    """The "correct a fact" page, with optimistic locking.

    A save from a stale form is refused; the page then shows the values someone else
    saved, keeps what this user typed, and carries the new version so a second save
    (after checking) goes through.
    """
    if request.method == "GET":
        form.version.data = str(record.version)
    ok, conflict = submit(form, lambda: apply(form.expected_version()), success=success)
    if ok:
        return redirect(back_url)
    if conflict:
        record = _reload_or_gone(record)
        if record is None:
            return redirect(back_url)
        form.version.data = str(record.version)
    return record_form_page(form, child=child, heading=heading, back_url=back_url, intro=intro, conflict=conflict,
                            current=describe(record) if conflict else None,
                            current_heading="What is saved now", field_params=field_params)


def delete_fact(record: Any, apply: Callable[[int | None], Any], *, child: Child, describe: Describe,
                success: str, heading: str, back_url: str) -> Any:
    """Confirm, then delete a fact recorded by mistake (audited, recomputes the items)."""
    form = ConfirmDeleteForm()
    if request.method == "GET":
        form.version.data = str(record.version)
    ok, conflict = submit(form, lambda: apply(form.expected_version()), success=success)
    if ok:
        return redirect(back_url)
    if conflict:
        record = _reload_or_gone(record)
        if record is None:
            return redirect(back_url)
        form.version.data = str(record.version)
    return record_form_page(form, child=child, heading=heading, back_url=back_url, conflict=conflict,
                            intro="Delete only a record entered by mistake. The deletion is kept in the "
                                  "audit history and the due dates are worked out again.",
                            current=describe(record), current_heading="The record")


def _reload_or_gone(record: Any) -> Any:
    try:
        db.session.refresh(record)
    except ObjectDeletedError:
        flash("This record was deleted by someone else since you opened it.", "info")
        return None
    return record
