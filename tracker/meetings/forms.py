from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import Optional as OptionalV

from tracker.web.forms import Form, GovDateField, IdSelectField, MaxLength, VersionedForm


class StartMeetingForm(Form):
    attendees = TextAreaField("Who is at the meeting", widget=GovTextArea(),
                              description="Names and roles, one per line",
                              validators=[MaxLength(2000)])
    submit = SubmitField("Start the meeting", widget=GovSubmitInput())


class DecisionForm(VersionedForm):
    decision = TextAreaField("Decision", widget=GovTextArea(), validators=[MaxLength(4000)],
                             description="What the meeting decided for this child")
    action_title = StringField("Action (optional)", widget=GovTextInput(), validators=[OptionalV(), MaxLength(200)],
                               description="Something someone must do, with a due date: it is tracked and alerted")
    action_owner = IdSelectField("Action owner", what="who owns the action")
    action_due = GovDateField("Action due by")
    submit = SubmitField("Save and go to the next child", widget=GovSubmitInput())


class CloseMeetingForm(VersionedForm):
    submit = SubmitField("Close the meeting and save the minutes", widget=GovSubmitInput())
