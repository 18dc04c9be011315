"""Form building blocks shared by every domain: GOV.UK date field, version field, code selects."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovSelect, GovSubmitInput
from wtforms import DateField, HiddenField, SelectField, SubmitField
from wtforms.validators import Optional as OptionalV

from tracker.codes import CodeList


class GovDateField(DateField):
    """Day / month / year inputs with GOV.UK-style error messages."""

    widget = GovDateInput()

    def __init__(self, label: str | None = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, format="%d %m %Y", **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not any(v.strip() for v in valuelist):
            self.data = None
            self.raw_data = valuelist or None
            return
        parts = [v.strip() for v in valuelist]
        if len(parts) == 3 and not all(parts):
            self.data = None
            missing = [n for n, v in zip(("day", "month", "year"), parts, strict=True) if not v]
            raise ValueError(f"{self.label.text} must include a {' and '.join(missing)}")
        try:
            day, month, year = (int(p) for p in parts)
            if year < 1900:
                raise ValueError
            self.data = dt.date(year, month, day)
        except ValueError:
            self.data = None
            raise ValueError(f"{self.label.text} must be a real date") from None


def code_select(label: str, codes: CodeList, *, blank: str | None = "Select", on: dt.date | None = None,
                optional: bool = False, **kwargs: Any) -> SelectField:
    validators = [OptionalV()] if optional else []
    return SelectField(label, choices=codes.choices(on, blank=blank), widget=GovSelect(),
                       validators=validators, validate_choice=False, **kwargs)


class VersionedForm(FlaskForm):
    """A form editing a versioned record carries the version it was opened at."""

    version = HiddenField()

    def expected_version(self) -> int | None:
        try:
            return int(self.version.data) if self.version.data else None
        except ValueError:
            return None


class DeleteForm(FlaskForm):
    version = HiddenField()
    submit = SubmitField("Delete", widget=GovSubmitInput())
