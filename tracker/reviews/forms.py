from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import SelectField, SubmitField
from wtforms.fields.choices import SelectChoice

from tracker.reviews.models import PARTICIPATION
from tracker.web.forms import GovDateField, VersionedForm


class ReviewForm(VersionedForm):
    held_on = GovDateField("Date the review was held")
    participation = SelectField(
        "How the child took part (903 REVIEW_CODE)", widget=GovSelect(), validate_choice=False,
        choices=[SelectChoice("", "Select")] + [SelectChoice(k, f"{k} – {v}") for k, v in PARTICIPATION.items()])
    submit = SubmitField("Save review", widget=GovSubmitInput())
