"""Rules page, and the administrator's policy settings and term dates."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, url_for
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import HiddenField, IntegerField, SubmitField
from wtforms.validators import InputRequired, NumberRange

from tracker import clock
from tracker.auth.roles import MANAGE_SETTINGS, VIEW_CHILDREN
from tracker.extensions import db
from tracker.tracking import queries, registry
from tracker.tracking import settings as settings_mod
from tracker.tracking.rules import RULES
from tracker.tracking.services import all_child_ids, recompute_children
from tracker.web import requires, submit
from tracker.web.forms import MAX_INT, Form, safe_int

bp = Blueprint("tracking", __name__)


_TITLES = {r.kind: r.title for r in RULES}
#: Kinds whose items are numbered by placement (a visit chain and a plan per placement).
_PER_PLACEMENT = frozenset({"visit", "placement_plan"})


def item_title(item: Any) -> str:
    """An item's name in lists: "Statutory review 3", "Statutory visit (placement 2)",
    "PEP (2026/27-autumn)", "Care leaver birthday data (age 19)"."""
    text = _TITLES.get(item.kind, item.kind.replace("_", " "))
    if item.sequence:
        text += f" (placement {item.sequence})" if item.kind in _PER_PLACEMENT else f" {item.sequence}"
    if item.term:
        text += f" ({item.term})"
    if item.age:
        text += f" (age {item.age})"
    return text


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    return {"status_labels": queries.STATUS_LABELS, "status_tag": queries.STATUS_TAG,
            "kind_titles": _TITLES, "item_title": item_title}


@bp.route("/rules")
@requires(VIEW_CHILDREN)
def rules_page() -> Any:
    values = settings_mod.get_settings(db.session)
    return render_template("tracking/rules.html", rules=RULES, values=values, specs=settings_mod.SPECS,
                           config=settings_mod.get_rule_config(db.session))


class WholeNumberField(IntegerField):
    """A whole number typed into a text box, with a message a person can act on."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        self.data = safe_int(valuelist[0], minimum=-MAX_INT)
        if self.data is None:
            raise ValueError(f"{self.label.text} must be a whole number, like 12")


def _settings_form() -> type[Form]:
    class SettingsForm(Form):
        version = HiddenField()
        submit = SubmitField("Save settings", widget=GovSubmitInput())

    for spec in settings_mod.SETTINGS:
        setattr(SettingsForm, spec.key, WholeNumberField(
            spec.label, description=spec.hint, widget=GovTextInput(),
            validators=[InputRequired(message=f"Enter a number for {spec.label.lower()}"),
                        NumberRange(spec.minimum, spec.maximum,
                                    message=f"{spec.label} must be a whole number from {spec.minimum} to "
                                            f"{spec.maximum}")]))
    return SettingsForm


@bp.route("/admin/settings", methods=["GET", "POST"])
@requires(MANAGE_SETTINGS)
def edit_settings() -> Any:
    values = settings_mod.get_settings(db.session)
    form = _settings_form()(data={**values, "version": settings_mod.settings_version(db.session)})
    changed: list[str] = []

    def apply() -> None:
        changed.extend(settings_mod.update_settings(
            db.session, {s.key: getattr(form, s.key).data for s in settings_mod.SETTINGS},
            expected_version=form.version.data or None))
        if any(settings_mod.SPECS[key].feeds_rules for key in changed):
            # The numbers feed every child's due dates: recompute in the same transaction.
            recompute_children(db.session, all_child_ids(db.session), today=clock.today())

    ok, conflict = submit(form, apply, success=lambda: "Settings saved" + (
        " and every child's due dates recomputed" if any(settings_mod.SPECS[k].feeds_rules for k in changed)
        else ""))
    if ok:
        return redirect(url_for("tracking.edit_settings"))
    if conflict:
        form.version.data = settings_mod.settings_version(db.session)
    return render_template("_components/form_page.html", form=form, heading="Policy settings", conflict=conflict,
                           intro="Local policy numbers. Statutory timescales are fixed in the rules table; "
                                 "every change here is audited.",
                           back_url=url_for("tracking.rules_page"))


@bp.route("/admin/term-dates")
@requires(MANAGE_SETTINGS)
def term_dates() -> Any:
    return render_template("tracking/term_dates.html", terms=registry.load_terms(db.session), today=clock.today())
