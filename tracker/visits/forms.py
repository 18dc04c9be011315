"""Forms for statutory visits, care plans and placement plans."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.fields.choices import SelectChoice

from tracker.web.forms import GovDateField, IdSelectField, VersionedForm

YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]


class VisitForm(VersionedForm):
    visited_on = GovDateField("Date of the visit", description="For example, 27 3 2026")
    seen_alone = RadioField("Was the child seen alone?", choices=YES_NO, widget=GovRadioInput(),
                            validate_choice=False)
    visited_by_id = IdSelectField("Who visited", what="who visited")
    submit = SubmitField("Save visit", widget=GovSubmitInput())

    def seen_alone_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.seen_alone.data or "")


class CarePlanForm(VersionedForm):
    completed_on = GovDateField("Date the care plan was completed", description="For example, 27 3 2026")
    submit = SubmitField("Save care plan", widget=GovSubmitInput())


class PlacementPlanForm(VersionedForm):
    completed_on = GovDateField("Date the placement plan was completed",
                                description="It is the plan of the placement the child was in on that date")
    submit = SubmitField("Save placement plan", widget=GovSubmitInput())
