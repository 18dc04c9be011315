from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.fields.choices import SelectChoice

from tracker.web.forms import IdSelectField, VersionedForm


class WorkerForm(VersionedForm):
    team_id = IdSelectField("Team", what="a team")
    allocated_worker_id = IdSelectField("Allocated worker", what="a worker",
                                        description="A social worker or manager of that team")
    submit = SubmitField("Save allocation", widget=GovSubmitInput())


class IroForm(VersionedForm):
    iro_id = IdSelectField("Independent reviewing officer", what="an independent reviewing officer")
    submit = SubmitField("Save", widget=GovSubmitInput())


class AdviserForm(VersionedForm):
    adviser_id = IdSelectField("Personal adviser", what="a personal adviser")
    submit = SubmitField("Save", widget=GovSubmitInput())


class RestrictedForm(VersionedForm):
    restricted = RadioField(
        "Is this a restricted record?", widget=GovRadioInput(),
        choices=[SelectChoice("yes", "Yes: only the people allocated to the child (worker, IRO, personal adviser) "
                                     "and the managers of the child's team and service can open it; every look "
                                     "is recorded"),
                 SelectChoice("no", "No: the child's team and everyone working with the child can open it")],
        validate_choice=False)
    submit = SubmitField("Save", widget=GovSubmitInput())
