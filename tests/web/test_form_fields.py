"""The shared fields turn anything a browser can send into a value or a message."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict
from wtforms.fields.choices import SelectChoice

from tracker.web.forms import Form, GovDateField, IdSelectField, safe_int


class _Dated(Form):
    born = GovDateField("Date of birth")
    worker = IdSelectField("Allocated worker", choices=[SelectChoice("", "Not allocated"), SelectChoice("7", "Sam")])


def _form(app: Flask, **data: object) -> _Dated:
    with app.test_request_context(method="POST"):
        form = _Dated(formdata=MultiDict(data), meta={"csrf": False})
        form.validate()
        return form


@pytest.mark.parametrize(("parts", "message"), [
    (["31", "2", "2024"], "Date of birth must be a real date"),
    (["1", "1", "0001"], "Date of birth must be in 1900 or later, with a 4-digit year like 2024"),
    (["99999999999999999999", "1", "2024"], "Date of birth must be a real date, in numbers, like 27 3 2024"),
    (["1", "1", "99999999999999999999"], "Date of birth must be a real date, in numbers, like 27 3 2024"),
    (["-1", "-1", "-1"], "Date of birth must be a real date, in numbers, like 27 3 2024"),
    (["1", "", "2024"], "Date of birth must include a month"),
])
def test_impossible_dates_get_a_message(app: Flask, parts: list[str], message: str) -> None:
    form = _form(app, born=parts)
    assert form.born.errors == [message] and form.born.data is None


def test_a_real_date_and_a_far_future_one_are_dates(app: Flask) -> None:
    assert _form(app, born=["29", "2", "2024"]).born.data == dt.date(2024, 2, 29)
    assert _form(app, born=["1", "1", "9999"]).born.data == dt.date(9999, 1, 1)  # the services refuse the future


@pytest.mark.parametrize("value", ["99999999999999999999", "-1", "0", "8", "x", "7 "])
def test_an_id_select_takes_only_the_ids_it_offers(app: Flask, value: str) -> None:
    form = _form(app, worker=value)
    if value.strip() == "7":
        assert form.worker.data == 7 and not form.worker.errors
    else:
        assert form.worker.errors == ["Select an allocated worker from the list"]


def test_safe_int() -> None:
    assert safe_int("12") == 12 and safe_int(" 3 ") == 3
    assert safe_int("99999999999999999999") is None and safe_int("-1") is None and safe_int("１２") is None
    assert safe_int("-5", minimum=-10) == -5 and safe_int(None) is None and safe_int("1e3") is None
