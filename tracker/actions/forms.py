"""Forms for adding an action and marking it as done."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from tracker.web.forms import Form, GovDateField, IdSelectField, MaxLength, VersionedForm


class ActionForm(Form):
    title = StringField("What needs to be done", widget=GovTextInput(),
                        validators=[InputRequired(message="Enter what needs to be done"),
                                    MaxLength(200)])
    owner_id = IdSelectField("Who will do it", what="the person who will do it")
    due_on = GovDateField("Due date", description="For example, 27 3 2027")
    source = SelectField("Agreed at", widget=GovSelect(), validate_choice=False, choices=[
        SelectChoice("other", "Other"), SelectChoice("meeting", "Tracking meeting"),
        SelectChoice("review", "Statutory review"), SelectChoice("pathway_plan", "Pathway plan")])
    submit = SubmitField("Add action", widget=GovSubmitInput())


class CompleteActionForm(VersionedForm):
    completed_on = GovDateField("Date it was done", description="For example, 27 3 2027")
    submit = SubmitField("Mark as done", widget=GovSubmitInput())
