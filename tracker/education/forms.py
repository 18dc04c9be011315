"""Forms for personal education plans."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField

from tracker.web.forms import GovDateField, VersionedForm


class PepForm(VersionedForm):
    held_on = GovDateField("Date of the PEP meeting", description="For example, 27 3 2026. A PEP held in a "
                           "school holiday counts for the next term.")
    submit = SubmitField("Save PEP", widget=GovSubmitInput())
