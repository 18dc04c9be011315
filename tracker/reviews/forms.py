"""reviews."""
from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import SelectField, SubmitField
from wtforms.fields.choices import SelectChoice

from tracker.reviews.models import PARTICIPATION
from tracker.web.forms import GovDateField, IdSelectField, VersionedForm


class ReviewForm(VersionedForm):
    held_on = GovDateField("Date the review was held", description="For example, 27 3 2026")
    participation = SelectField(
        "How the child took part (903 REVIEW_CODE)", widget=GovSelect(), validate_choice=False,
        description="PN0 is only for a child under 4 on the day of the review (left blank, PN0 is recorded for them)",
        choices=[SelectChoice("", "Select")] + [SelectChoice(k, f"{k} – {v}") for k, v in PARTICIPATION.items()])
    iro_id = IdSelectField("Chaired by (independent reviewing officer)", what="an independent reviewing officer")
    submit = SubmitField("Save review", widget=GovSubmitInput())
