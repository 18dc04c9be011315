"""Rules page, a child's due dates, and the administrator's policy settings and term dates."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from sqlalchemy import select
from wtforms import IntegerField, SubmitField
from wtforms.validators import InputRequired, NumberRange

from tracker import clock
from tracker.auth.roles import EDIT_CASE, MANAGE_SETTINGS, VIEW_CHILDREN
from tracker.children.views import _child_context, get_child_or_403
from tracker.education.models import TermDate
from tracker.extensions import db
from tracker.tracking import queries
from tracker.tracking import settings as settings_mod
from tracker.tracking.rules import RULES
from tracker.tracking.services import all_child_ids, recompute_children
from tracker.web import form_errors_to_fields, requires

bp = Blueprint("tracking", __name__)


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    return {"status_labels": queries.STATUS_LABELS, "status_tag": queries.STATUS_TAG,
            "kind_titles": {r.kind: r.title for r in RULES}}


@bp.route("/rules")
@requires(VIEW_CHILDREN)
def rules_page() -> Any:
    values = settings_mod.get_settings(db.session)
    return render_template("tracking/rules.html", rules=RULES, values=values, specs=settings_mod.SPECS)


@bp.route("/children/<int:child_id>/due-dates")
@requires(VIEW_CHILDREN)
def child_items(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    today = clock.today()
    items = queries.list_child_items(db.session, child.id)
    return render_template("tracking/child_items.html", child=child, items=items, today=today, tab="items",
                           can_record=current_user.can(EDIT_CASE),
                           **_child_context(child, today))


def _settings_form() -> type[FlaskForm]:
    class SettingsForm(FlaskForm):
        submit = SubmitField("Save settings", widget=GovSubmitInput())

    for spec in settings_mod.SETTINGS:
        setattr(SettingsForm, spec.key, IntegerField(
            spec.label, description=spec.hint, widget=GovTextInput(),
            validators=[InputRequired(message=f"Enter a number for {spec.label.lower()}"),
                        NumberRange(spec.minimum, spec.maximum,
                                    message=f"Must be a whole number from {spec.minimum} to {spec.maximum}")]))
    return SettingsForm


@bp.route("/admin/settings", methods=["GET", "POST"])
@requires(MANAGE_SETTINGS)
def edit_settings() -> Any:
    from tracker.errors import ValidationError

    values = settings_mod.get_settings(db.session)
    form = _settings_form()(data=values)
    if form.validate_on_submit():
        try:
            changed = settings_mod.update_settings(db.session, {s.key: getattr(form, s.key).data
                                                                for s in settings_mod.SETTINGS})
            if set(changed) & {"due_soon_days", "dental_months", "pre_proceedings_weeks"}:
                # The numbers feed every child's due dates: recompute in the same transaction.
                recompute_children(db.session, all_child_ids(db.session), today=clock.today())
            db.session.commit()
        except ValidationError as exc:
            db.session.rollback()
            form_errors_to_fields(form, exc.errors)
        else:
            flash("Settings saved" + (" and every child's due dates recomputed" if changed else ""), "success")
            return redirect(url_for("tracking.edit_settings"))
    return render_template("_components/form_page.html", form=form, heading="Policy settings",
                           intro="Local policy numbers. Statutory timescales are fixed in the rules table; "
                                 "every change here is audited.",
                           back_url=url_for("tracking.rules_page"))


@bp.route("/admin/term-dates")
@requires(MANAGE_SETTINGS)
def term_dates() -> Any:
    terms = list(db.session.scalars(select(TermDate).order_by(TermDate.start_on)))
    return render_template("tracking/term_dates.html", terms=terms, today=clock.today(),
                           missing_next=request.args.get("missing"))
