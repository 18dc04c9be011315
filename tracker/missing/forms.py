"""The form for a missing or away episode and its return home interview."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput
from wtforms import RadioField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice

from tracker.missing.models import INTERVIEW_LABELS, KIND_LABELS
from tracker.web.forms import GovDateField, VersionedForm


class MissingEpisodeForm(VersionedForm):
    kind = RadioField("Was the child missing or away?", widget=GovRadioInput(), validate_choice=False,
                      choices=[SelectChoice(k, v) for k, v in KIND_LABELS.items()])
    start_on = GovDateField("Date the episode started", description="For example, 27 3 2026")
    end_on = GovDateField("Date the child returned", description="Leave blank while the child is still missing")
    interview = SelectField("Return home interview", widget=GovSelect(), validate_choice=False,
                            description="Only for a child who was missing. Due within 72 hours of the return",
                            choices=[SelectChoice("", "Not recorded yet")]
                            + [SelectChoice(k, v) for k, v in INTERVIEW_LABELS.items()])
    interview_on = GovDateField("Date of the return home interview",
                                description="When it was held, declined or offered")
    submit = SubmitField("Save missing episode", widget=GovSubmitInput())
