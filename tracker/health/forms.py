"""Forms for health assessments, dental checks and SDQ scores."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import IntegerField, RadioField, SubmitField
from wtforms.fields.choices import SelectChoice

from tracker.web.forms import GovDateField, VersionedForm

KINDS = {"initial": "Initial health assessment", "review": "Review health assessment"}


class HealthAssessmentForm(VersionedForm):
    held_on = GovDateField("Date of the health assessment", description="For example, 27 3 2026")
    kind = RadioField("Which assessment was it?", widget=GovRadioInput(), validate_choice=False,
                      choices=[SelectChoice(k, v) for k, v in KINDS.items()])
    submit = SubmitField("Save health assessment", widget=GovSubmitInput())


class DentalCheckForm(VersionedForm):
    checked_on = GovDateField("Date of the dental check", description="For example, 27 3 2026")
    submit = SubmitField("Save dental check", widget=GovSubmitInput())


class ScoreField(IntegerField):
    """A whole number typed into a text box, with a message a person can act on."""

    widget = GovTextInput()

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            self.data = int(str(valuelist[0]).strip())
        except ValueError:
            self.data = None
            raise ValueError("SDQ total score must be a whole number from 0 to 40") from None


class SdqForm(VersionedForm):
    completed_on = GovDateField("Date the SDQ was completed", description="For example, 27 3 2026")
    score = ScoreField("SDQ total difficulties score", description="A whole number from 0 to 40")
    submit = SubmitField("Save SDQ score", widget=GovSubmitInput())
