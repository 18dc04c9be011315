"""Forms for care-leaver records. Codes are checked by the services (select lists do not
validate their choice), so a bad code gets the same domain message as any other input."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional as OptionalV

from tracker.leaving_care import oc3
from tracker.leaving_care.models import (
    CONTACT_METHODS,
    IN_TOUCH,
    PATHWAY_EVENTS,
    TENANCY_ENDINGS,
    TENURES,
)
from tracker.web.forms import GovDateField, MaxLength, VersionedForm

YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]


def _choices(options: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(k, v) for k, v in options.items()]


def _select(label: str, options: dict[str, str], blank: str, *, show_code: bool = False, **kw: Any) -> SelectField:
    choices = [SelectChoice("", blank)] + [SelectChoice(k, f"{k} – {v}" if show_code else v)
                                           for k, v in options.items()]
    return SelectField(label, choices=choices, widget=GovSelect(), validate_choice=False, **kw)


def _labels(codes: Any) -> dict[str, str]:
    return {c.code: c.label for c in codes.codes.values()}


class RecordForm(VersionedForm):
    """A form for one kind of record: ``to_data`` feeds the service, ``load`` fills it
    from a stored record."""

    yes_no_fields: tuple[str, ...] = ()

    def to_data(self) -> dict[str, Any]:
        return {f.name: f.data for f in self if f.type not in ("CSRFTokenField", "SubmitField", "HiddenField")}

    def load(self, record: Any) -> None:
        for f in self:
            if f.type in ("CSRFTokenField", "SubmitField", "HiddenField") or not hasattr(record, f.name):
                continue
            value = getattr(record, f.name)
            if f.name in self.yes_no_fields:
                value = None if value is None else ("yes" if value else "no")
            f.data = "" if value is None and f.type in ("SelectField", "StringField", "TextAreaField") else value
        self.version.data = str(record.version)


class PathwayEventForm(RecordForm):
    kind = _select("What happened", PATHWAY_EVENTS, "Select")
    on = GovDateField("Date it happened")
    submit = SubmitField("Save", widget=GovSubmitInput())


class ContactForm(RecordForm):
    contact_on = GovDateField("Date of the contact")
    method = RadioField("How", choices=_choices(CONTACT_METHODS), widget=GovRadioInput(),
                        validate_choice=False)
    seen_alone = BooleanField("Seen alone", widget=GovCheckboxInput())
    submit = SubmitField("Save contact", widget=GovSubmitInput())


class AccommodationForm(RecordForm):
    yes_no_fields = ("suitable",)
    start_on = GovDateField("Date they moved in",
                            description="Recording a new accommodation ends the current one on this date")
    accommodation = _select("Type of accommodation (OC3 ACCOM)", _labels(oc3.ACCOMMODATION), "Select",
                            show_code=True)
    suitable = RadioField("Is the accommodation suitable?", choices=YES_NO, widget=GovRadioInput(),
                          validate_choice=False)
    unsuitable_reason = TextAreaField("If not suitable, why not", widget=GovTextArea())
    postcode_district = StringField("Postcode district", widget=GovTextInput(),
                                    description="The first part of the postcode only, like LS6",
                                    validators=[OptionalV(), MaxLength(4)])
    end_on = GovDateField("Date they moved out", description="Leave blank while they live there")
    submit = SubmitField("Save accommodation", widget=GovSubmitInput())


class ActivityForm(RecordForm):
    start_on = GovDateField("Start date", description="Recording a new activity ends the current one on this date")
    activity = _select("Activity (OC3 ACTIV)", _labels(oc3.ACTIVITY), "Select", show_code=True)
    end_on = GovDateField("End date", description="Leave blank while it continues")
    submit = SubmitField("Save activity", widget=GovSubmitInput())


class TenancyForm(RecordForm):
    tenure = RadioField("Landlord", choices=_choices(TENURES), widget=GovRadioInput(), validate_choice=False)
    start_on = GovDateField("Start date")
    end_on = GovDateField("End date", description="Leave blank while the tenancy continues")
    end_reason = _select("How it ended", TENANCY_ENDINGS, "Not ended")
    rent_arrears = BooleanField("Rent arrears", widget=GovCheckboxInput())
    support_in_place = BooleanField("Tenancy support in place", widget=GovCheckboxInput())
    submit = SubmitField("Save tenancy", widget=GovSubmitInput())


class StayingPutForm(RecordForm):
    carer_ref = StringField("Carer reference", widget=GovTextInput(),
                            validators=[OptionalV(), MaxLength(30)])
    start_on = GovDateField("Start date", description="On or after the 18th birthday")
    end_on = GovDateField("End date", description="By the 21st birthday; leave blank while it continues")
    submit = SubmitField("Save staying put", widget=GovSubmitInput())


class BirthdayDataForm(RecordForm):
    yes_no_fields = ("suitable",)
    recorded_on = GovDateField("Date recorded",
                               description="From 3 months before to 1 month after the birthday counts for the return")
    in_touch = _select("In touch (OC3 IN_TOUCH)", IN_TOUCH, "Select", show_code=True)
    activity = _select("Activity (OC3 ACTIV)", _labels(oc3.ACTIVITY), "0 – none (not in touch, died or returned home)",
                       show_code=True)
    accommodation = _select("Accommodation (OC3 ACCOM)", _labels(oc3.ACCOMMODATION),
                            "0 – none (not in touch, died or returned home)", show_code=True)
    suitable = RadioField("Is the accommodation suitable?", choices=YES_NO, widget=GovRadioInput(),
                          validate_choice=False, description="Leave blank when the accommodation is 0")
    submit = SubmitField("Save birthday data", widget=GovSubmitInput())


FORMS: dict[str, type[RecordForm]] = {
    "pathway_event": PathwayEventForm, "contact": ContactForm, "accommodation": AccommodationForm,
    "activity": ActivityForm, "tenancy": TenancyForm, "staying_put": StayingPutForm,
    "birthday_data": BirthdayDataForm,
}
