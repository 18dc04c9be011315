"""Form building blocks shared by every domain: the base form (refuses hidden control
characters), the GOV.UK date field, the version field, id and code selects, and length
limits with messages a person can act on."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovSelect, GovSubmitInput
from wtforms import DateField, Field, HiddenField, SelectField, SubmitField
from wtforms.validators import Length
from wtforms.validators import Optional as OptionalV
from wtforms.validators import ValidationError as WTFormsValidationError

from tracker.codes import CodeList

#: NUL and the other C0/C1 control characters (tab, line feed and carriage return are
#: ordinary typing), and the bidirectional overrides and isolates that can make text
#: display differently from what is stored. PostgreSQL cannot store NUL at all.
HIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

#: The largest whole number any form or query string is taken to mean (a 4-byte integer:
#: every id column and every count fits).
MAX_INT = 2**31 - 1


def has_hidden_characters(value: object) -> bool:
    return isinstance(value, str) and HIDDEN_CHARACTERS.search(value) is not None


def safe_int(raw: object, *, minimum: int = 0, maximum: int = MAX_INT) -> int | None:
    """A whole number typed or sent by a browser, or None if it is not one in range
    (never an error: huge numbers, signs, spaces and other text all give None)."""
    text = str(raw).strip() if raw is not None else ""
    if not text or len(text) > 12 or not text.lstrip("-").isdigit() or not text.isascii():
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


def label_of(field: Field) -> str:
    text = field.label.text if field.label is not None else field.name
    return re.sub(r"\s*\((?:903|OC3)[^)]*\)\s*$", "", text).strip()


class Form(FlaskForm):
    """Every form's base: refuses text with hidden control characters (a NUL byte pasted
    from another system, a right-to-left override) with a message next to the field."""

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if field.type == "CSRFTokenField":
                continue
            if any(has_hidden_characters(v) for v in (field.raw_data or [])):
                field.errors = [*(e for e in field.errors if isinstance(e, str)),
                                f"{label_of(field)} contains a hidden character (often copied and pasted from "
                                "another program): retype it"]
                valid = False
        return valid


class MaxLength(Length):
    """A length limit whose message names the field: "Carer reference must be 30
    characters or fewer"."""

    def __init__(self, maximum: int) -> None:
        super().__init__(max=maximum)

    def __call__(self, form: Any, field: Field) -> None:
        if field.data is not None and len(str(field.data)) > self.max:
            raise WTFormsValidationError(f"{label_of(field)} must be {self.max:,} characters or fewer")


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
        what = label_of(self)
        parts = [v.strip() for v in valuelist]
        if len(parts) != 3:
            self.data = None
            raise ValueError(f"{what} must be a real date")
        if not all(parts):
            self.data = None
            missing = [n for n, v in zip(("day", "month", "year"), parts, strict=True) if not v]
            raise ValueError(f"{what} must include a {' and '.join(missing)}")
        day, month, year = (safe_int(p, maximum=9999) for p in parts)
        if day is None or month is None or year is None:
            self.data = None
            raise ValueError(f"{what} must be a real date, in numbers, like 27 3 2024")
        if year < 1900:
            self.data = None
            raise ValueError(f"{what} must be in 1900 or later, with a 4-digit year like 2024")
        try:
            self.data = dt.date(year, month, day)
        except ValueError:
            self.data = None
            raise ValueError(f"{what} must be a real date") from None


class IdSelectField(SelectField):
    """A select of people, teams or other records by id. Only the ids offered can be
    chosen; anything else (a deleted record, a huge number, text) gets a message."""

    widget = GovSelect()

    def __init__(self, label: str | None = None, validators: Any = None, *, what: str | None = None,
                 **kwargs: Any) -> None:
        kwargs.setdefault("coerce", self._coerce)
        super().__init__(label, validators, **kwargs)
        #: What to select, for the message: "Select {what} from the list".
        self.what = what

    def _message(self) -> str:
        what = self.what
        if what is None:
            name = label_of(self).lower()
            what = f"{'an' if name[:1] in 'aeiou' else 'a'} {name}"
        return f"Select {what} from the list"

    @staticmethod
    def _coerce(value: Any) -> int | None:
        if value is None or value == "" or isinstance(value, int):
            return value or None
        number = safe_int(value, minimum=1)
        if number is None:
            raise ValueError("not an id")
        return number

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(self._message()) from None

    def pre_validate(self, form: Any) -> None:
        if self.process_errors or self.data is None or not self.validate_choice:
            return
        if not any(choice.selected for choice in self._iter_choices_normalized()):
            raise WTFormsValidationError(self._message())


def with_current(choices: list[Any], current: int | None, label: Any) -> list[Any]:
    """``choices`` plus the record's current person or team if the list leaves them out
    (someone who has since left, or has another role): saving unchanged keeps them."""
    from wtforms.fields.choices import SelectChoice

    if current is None or any(str(c.value) == str(current) for c in choices):
        return choices
    return [*choices, SelectChoice(str(current), label() if callable(label) else str(label))]


def code_select(label: str, codes: CodeList, *, blank: str | None = "Select", on: dt.date | None = None,
                optional: bool = False, **kwargs: Any) -> SelectField:
    validators = [OptionalV()] if optional else []
    return SelectField(label, choices=codes.choices(on, blank=blank), widget=GovSelect(),
                       validators=validators, validate_choice=False, **kwargs)


class VersionedForm(Form):
    """A form editing a versioned record carries the version it was opened at."""

    version = HiddenField()

    def expected_version(self) -> int | None:
        """The version the form was opened at; a value no record can have if it was
        tampered with (so the save is refused as a conflict, never applied blindly)."""
        raw = str(self.version.data if self.version.data is not None else "").strip()
        if not raw:
            return None
        number = safe_int(raw)
        return number if number is not None else -1


class DeleteForm(VersionedForm):
    submit = SubmitField("Delete", widget=GovSubmitInput())
