"""Forms for the details only the SSDA903 return needs."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import HiddenField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional as OptionalV

from tracker.returns import codes as rcodes
from tracker.web.forms import GovDateField, MaxLength, VersionedForm, code_select, safe_int

YES_NO = [SelectChoice("", "Not recorded"), SelectChoice("1", "Yes"), SelectChoice("0", "No")]


def yes_no(label: str, **kwargs: Any) -> SelectField:
    return SelectField(label, choices=YES_NO, widget=GovSelect(), default="",
                       invalid_choice_message="Select yes, no or not recorded", **kwargs)


def as_bool(value: str | None) -> bool | None:
    return {"1": True, "0": False}.get(value or "")


def from_bool(value: bool | None) -> str:
    return "" if value is None else ("1" if value else "0")


def version_of(record: Any) -> str:
    """What a form carries for a record it may create: its version, or 0 while there is none."""
    return str(record.version if record is not None else 0)


class ChildReturnForm(VersionedForm):
    #: The previous-permanence record is a second record on this form, with its own version.
    perm_version = HiddenField()
    mother = yes_no("Is she a mother? (903 MOTHER)", description="For girls and young women looked after")
    first_child_born_on = GovDateField("Date of birth of her first child (903 MC_DOB)")
    uasc_ceased_on = GovDateField("Date UASC status ceased (903 DUC)",
                                  description="For a child who was an unaccompanied asylum-seeking child")
    prev_perm = code_select("Previous permanence before this period of care (903 PREV_PERM)",
                            rcodes.PREVIOUS_PERMANENCE, blank="Not recorded", optional=True)
    prev_perm_la = StringField("Authority that made the arrangement (903 LA_PERM)", widget=GovTextInput(),
                               description="3-digit LA code, 999 if not known, or WAL, SCO, NIR, NUK",
                               validators=[OptionalV(), MaxLength(3)])
    prev_perm_date = StringField("Date of the order (903 DATE_PERM)", widget=GovTextInput(),
                                 description="dd/mm/yyyy; ZZ for any part not known, like ZZ/05/2019",
                                 validators=[OptionalV(), MaxLength(10)])
    submit = SubmitField("Save", widget=GovSubmitInput())

    def expected_perm_version(self) -> int | None:
        raw = str(self.perm_version.data or "").strip()
        return None if not raw else (safe_int(raw) if safe_int(raw) is not None else -1)

    def data_for_service(self) -> dict[str, Any]:
        return {"mother": as_bool(self.mother.data), "first_child_born_on": self.first_child_born_on.data,
                "uasc_ceased_on": self.uasc_ceased_on.data, "prev_perm": self.prev_perm.data or None,
                "prev_perm_la": self.prev_perm_la.data, "prev_perm_date": self.prev_perm_date.data}


class PlacementReturnForm(VersionedForm):
    home_postcode = StringField("Child's home postcode (903 HOME_POST)", widget=GovTextInput(),
                                description="Leave blank for an unaccompanied asylum-seeking child",
                                validators=[OptionalV(), MaxLength(8)])
    placement_postcode = StringField("Placement postcode (903 PL_POST)", widget=GovTextInput(),
                                     validators=[OptionalV(), MaxLength(8)])
    urn = StringField("Provider's Ofsted URN (903 URN)", widget=GovTextInput(),
                      description="Not for placements with parents, in hospital, temporary or other placements",
                      validators=[OptionalV(), MaxLength(8)])
    submit = SubmitField("Save", widget=GovSubmitInput())

    def data_for_service(self) -> dict[str, Any]:
        return {"home_postcode": self.home_postcode.data, "placement_postcode": self.placement_postcode.data,
                "urn": self.urn.data}


class Oc2Form(VersionedForm):
    immunisations = yes_no("Immunisations up to date (903 IMMUNISATIONS)")
    substance_misuse = yes_no("Identified as having a substance misuse problem (903 SUBSTANCE_MISUSE)")
    intervention_received = yes_no("Received an intervention for it (903 INTERVENTION_RECEIVED)")
    intervention_offered = yes_no("Offered an intervention but refused it (903 INTERVENTION_OFFERED)")
    convicted = yes_no("Convicted or given a youth caution during the year (903 CONVICTED)",
                       description="Aged 10 or over at 31 March")
    sdq_reason = code_select("If there is no SDQ score this year: why (903 SDQ_REASON)", rcodes.SDQ_REASON,
                             blank="There is a score, or not recorded", optional=True)
    submit = SubmitField("Save", widget=GovSubmitInput())

    KEYS = ("immunisations", "substance_misuse", "intervention_received", "intervention_offered", "convicted")

    def data_for_service(self) -> dict[str, Any]:
        return {k: as_bool(getattr(self, k).data) for k in self.KEYS} | {"sdq_reason": self.sdq_reason.data or None}


class AdoptionForm(VersionedForm):
    by_foster_carer = yes_no("Adopted by the current foster carer(s) (903 FOSTER_CARE)")
    adopters_count = SelectField("Number of adopters (903 NB_ADOPTR)", widget=GovSelect(), default="",
                                 invalid_choice_message="Select one or two adopters, or not recorded",
                                 choices=[SelectChoice("", "Not recorded"), SelectChoice("1", "One"),
                                          SelectChoice("2", "Two")])
    adopters_sex = code_select("Sex of the adopters (903 SEX_ADOPTR)", rcodes.ADOPTER_SEX, blank="Not recorded",
                               optional=True)
    adopters_legal_status = code_select("Legal status of the adopters (903 LS_ADOPTR)", rcodes.ADOPTER_LEGAL_STATUS,
                                        blank="Not recorded", optional=True)
    submit = SubmitField("Save", widget=GovSubmitInput())

    def data_for_service(self) -> dict[str, Any]:
        return {"by_foster_carer": as_bool(self.by_foster_carer.data),
                "adopters_count": int(self.adopters_count.data) if self.adopters_count.data in ("1", "2") else None,
                "adopters_sex": self.adopters_sex.data or None,
                "adopters_legal_status": self.adopters_legal_status.data or None}


class SocialWorkerEpisodeForm(VersionedForm):
    worker_ref = StringField("Social worker's ID (903 SW_ID)", widget=GovTextInput(),
                             description="SW and their Social Work England registration number, like SW123456")
    start_on = GovDateField("Date this social worker took over (903 SW_DECOM)", description="For example, 27 3 2026")
    end_on = GovDateField("Date they stopped being the child's social worker (903 SW_DEC)",
                          description="Leave blank if they still are")
    reason = code_select("Why this social worker took over (903 SW_REASON)", rcodes.SW_REASON, optional=True,
                         description="First contact for a new case; otherwise why the social worker changed")
    submit = SubmitField("Save", widget=GovSubmitInput())

    def data_for_service(self) -> dict[str, Any]:
        return {"worker_ref": self.worker_ref.data, "start_on": self.start_on.data, "end_on": self.end_on.data,
                "reason": self.reason.data or None}


class DeprivationOfLibertyForm(VersionedForm):
    start_on = GovDateField("Date the order started (903 DOLO_START)", description="For example, 27 3 2026")
    end_on = GovDateField("Date the order ended (903 DOLO_END)", description="Leave blank if it is still in force")
    submit = SubmitField("Save", widget=GovSubmitInput())

    def data_for_service(self) -> dict[str, Any]:
        return {"start_on": self.start_on.data, "end_on": self.end_on.data}
