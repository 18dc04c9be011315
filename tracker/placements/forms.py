from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSubmitInput, GovTextInput
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import Optional as OptionalV

from tracker import codes
from tracker.web.forms import GovDateField, MaxLength, VersionedForm, code_select


class PlacementForm(VersionedForm):
    """Change or end a placement (a new one adds the reason the previous one ended)."""

    start_on = GovDateField("Start date")
    placement_type = code_select("Placement type (903 PLACE)", codes.PLACEMENT_TYPE)
    provider = code_select("Provider (903 PLACE_PROVIDER)", codes.PLACEMENT_PROVIDER, blank="Not applicable")
    postcode_district = StringField("Postcode district", widget=GovTextInput(),
                                    description="The first part of the postcode only, like LS6",
                                    validators=[OptionalV(), MaxLength(4)])
    over_20_miles = BooleanField("More than 20 miles from the child's home", widget=GovCheckboxInput())
    outside_authority = BooleanField("Outside the authority's boundary", widget=GovCheckboxInput())
    emergency = BooleanField("Emergency placement", widget=GovCheckboxInput())
    long_term = BooleanField("Long-term placement (meant to last until the child is 18)", widget=GovCheckboxInput(),
                             description="After its first year, visits are due every 3 months instead of 6 weeks")
    temporary_approval = BooleanField("Connected person with temporary approval (regulation 24)",
                                      widget=GovCheckboxInput(),
                                      description="A relative or friend approved temporarily: visits are due "
                                                  "weekly until the first review")
    weekly_cost = StringField("Weekly cost (£)", widget=GovTextInput(), validators=[OptionalV()],
                              description="In pounds a week, like 850.00")
    carer_ref = StringField("Carer reference", widget=GovTextInput(), validators=[OptionalV(), MaxLength(30)],
                            description="Used to tell a change of carer from a move with the same carer")
    end_on = GovDateField("End date", description="Leave blank while the placement continues")
    end_reason = code_select("Reason the placement ended (903 REASON_PLACE_CHANGE)", codes.REASON_PLACE_CHANGE,
                             blank="Not ended")
    submit = SubmitField("Save placement", widget=GovSubmitInput())

    #: The fields the services take (a form subclass may add its own).
    SERVICE_FIELDS = ("start_on", "end_on", "placement_type", "provider", "postcode_district", "over_20_miles",
                      "outside_authority", "emergency", "long_term", "temporary_approval", "weekly_cost",
                      "carer_ref", "end_reason", "previous_end_reason")

    def data_for_service(self) -> dict[str, object]:
        """What the user sent, for the fields this form has."""
        return {name: field.data for name, field in self._fields.items() if name in self.SERVICE_FIELDS}


class NewPlacementForm(PlacementForm):
    previous_end_reason = code_select("If this is a move: why the previous placement ended",
                                      codes.REASON_PLACE_CHANGE, blank="Not a move")
