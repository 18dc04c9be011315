from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired
from wtforms.validators import Optional as OptionalV

from tracker import codes
from tracker.web.forms import (
    Form,
    GovDateField,
    IdSelectField,
    MaxLength,
    VersionedForm,
    code_select,
)


class ChildForm(VersionedForm):
    local_id = StringField("Child ID (903 CHILD)", widget=GovTextInput(),
                           validators=[InputRequired(message="Enter the child's ID"), MaxLength(10)])
    first_name = StringField("First name", widget=GovTextInput(),
                             validators=[InputRequired(message="Enter the child's first name"), MaxLength(100)])
    last_name = StringField("Last name", widget=GovTextInput(),
                            validators=[InputRequired(message="Enter the child's last name"), MaxLength(100)])
    date_of_birth = GovDateField("Date of birth", description="For example, 27 3 2015",
                                 validators=[InputRequired(message="Enter the child's date of birth")])
    sex = SelectField("Sex (903)", choices=codes.SEX.choices(blank="Select"), widget=GovSelect(),
                      validate_choice=False)
    ethnicity = code_select("Ethnicity (903)", codes.ETHNICITY)
    upn = StringField("Unique pupil number", widget=GovTextInput(), description="13 characters, or UN1 to UN5",
                      validators=[OptionalV(), MaxLength(13)])
    disability = BooleanField("The child has a disability", widget=GovCheckboxInput())
    uasc = BooleanField("Unaccompanied asylum-seeking child", widget=GovCheckboxInput())
    submit = SubmitField("Save", widget=GovSubmitInput())


class NewChildForm(ChildForm):
    """Adding a child: their details and the team they belong to (the person adding them
    becomes their allocated worker when they work in that team)."""

    team_id = IdSelectField("Team", what="a team")
    submit = SubmitField("Add the child", widget=GovSubmitInput())


class StartCareForm(Form):
    start_on = GovDateField("Date the child started to be looked after (DECOM)")
    legal_status = code_select("Legal status", codes.LEGAL_STATUS)
    category_of_need = code_select("Category of need", codes.CATEGORY_OF_NEED)
    submit = SubmitField("Record entering care", widget=GovSubmitInput())


class EndCareForm(VersionedForm):
    end_on = GovDateField("Date the child stopped being looked after")
    reason_ceased = code_select("Reason the period of care ended (903 REC)", codes.REASON_CEASED)
    submit = SubmitField("Record leaving care", widget=GovSubmitInput())


class LegalStatusForm(Form):
    start_on = GovDateField("Date of change")
    code = code_select("New legal status", codes.LEGAL_STATUS)
    submit = SubmitField("Record legal status", widget=GovSubmitInput())


class _WarningSubmit(GovSubmitInput):
    def map_gov_params(self, field, **kwargs):  # type: ignore[no-untyped-def]
        params = super().map_gov_params(field, **kwargs)
        params.setdefault("classes", "govuk-button--warning")
        return params


class ConfirmDeleteForm(VersionedForm):
    """Delete a record entered by mistake; carries the version it was opened at."""

    submit = SubmitField("Yes, delete it", widget=_WarningSubmit())


class CarePeriodForm(VersionedForm):
    start_on = GovDateField("Date the child started to be looked after (DECOM)")
    end_on = GovDateField("Date the child stopped being looked after", description="Leave blank if still looked after")
    reason_ceased = code_select("Reason the period of care ended (903 REC)", codes.REASON_CEASED, blank="Not ended")
    category_of_need = code_select("Category of need", codes.CATEGORY_OF_NEED)
    submit = SubmitField("Save", widget=GovSubmitInput())
