"""Forms for permanence plans, milestones and court events."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea
from wtforms import RadioField, SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional as OptionalV

from tracker.permanence.models import COURT_EVENTS, MILESTONES, ORDERS, PLANS
from tracker.tracking.rules.court import MAX_EXTENSION_WEEKS, PROCEEDINGS_WEEKS
from tracker.web.forms import GovDateField, IdSelectField, MaxLength, VersionedForm


def _choices(values: dict[str, str], blank: str) -> list[SelectChoice]:
    return [SelectChoice("", blank)] + [SelectChoice(k, v) for k, v in values.items()]


class PlanForm(VersionedForm):
    agreed_on = GovDateField("Date the plan was agreed", description="For example, 27 3 2026")
    plan = RadioField("Plan for permanence", widget=GovRadioInput(), validate_choice=False,
                      choices=[SelectChoice(k, v) for k, v in PLANS.items()])
    submit = SubmitField("Save permanence plan", widget=GovSubmitInput())


class MilestoneForm(VersionedForm):
    kind = SelectField("Milestone", widget=GovSelect(), validate_choice=False, choices=_choices(MILESTONES, "Select"))
    on = GovDateField("Date", description="For example, 27 3 2026")
    submit = SubmitField("Save milestone", widget=GovSubmitInput())


class CourtEventForm(VersionedForm):
    kind = RadioField("What happened", widget=GovRadioInput(), validate_choice=False,
                      choices=[SelectChoice(k, v) for k, v in COURT_EVENTS.items()])
    on = GovDateField("Date", description="For example, 27 3 2026")
    weeks = IdSelectField("Extension: weeks added", what="the number of weeks added", validate_choice=False,
                          description=f"Only for an extension of the {PROCEEDINGS_WEEKS}-week timetable "
                                      f"(up to {MAX_EXTENSION_WEEKS} weeks each time)",
                          choices=[SelectChoice("", "Not an extension")]
                          + [SelectChoice(str(n), f"{n} week{'s' if n > 1 else ''}")
                             for n in range(1, MAX_EXTENSION_WEEKS + 1)])
    court_order = SelectField("Final order: the order made", description="Only for a final order",
                              widget=GovSelect(), validate_choice=False, choices=_choices(ORDERS, "Not a final order"))
    notes = TextAreaField("Notes (optional)", widget=GovTextArea(), validators=[OptionalV(), MaxLength(2000)])
    submit = SubmitField("Save court event", widget=GovSubmitInput())
