from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length
from wtforms.validators import Optional as OptionalV

from tracker.web.forms import GovDateField


class StartMeetingForm(FlaskForm):
    attendees = TextAreaField("Who is at the meeting", widget=GovTextArea(),
                              description="Names and roles, one per line",
                              validators=[Length(max=2000)])
    submit = SubmitField("Start the meeting", widget=GovSubmitInput())


class DecisionForm(FlaskForm):
    decision = TextAreaField("Decision", widget=GovTextArea(), validators=[Length(max=4000)],
                             description="What the meeting decided for this child")
    action_title = StringField("Action (optional)", widget=GovTextInput(), validators=[OptionalV(), Length(max=200)],
                               description="Something someone must do, with a due date: it is tracked and alerted")
    action_owner = SelectField("Action owner", widget=GovSelect(), validate_choice=False,
                               coerce=lambda v: int(v) if v else None)
    action_due = GovDateField("Action due by")
    submit = SubmitField("Save and go to the next child", widget=GovSubmitInput())


class CloseMeetingForm(FlaskForm):
    submit = SubmitField("Close the meeting and save the minutes", widget=GovSubmitInput())
