"""Every form is built on the shared base form, so the checks made in one place (hidden
characters refused next to the field) apply to forms added later too."""

from __future__ import annotations

from flask import Flask
from flask_wtf import FlaskForm

from tracker.web.forms import Form


def _subclasses(cls: type) -> set[type]:
    out: set[type] = set()
    for sub in cls.__subclasses__():
        out |= {sub} | _subclasses(sub)
    return out


def test_every_form_is_built_on_the_shared_base_form(app: Flask) -> None:  # Imports every view
    ours = {c for c in _subclasses(FlaskForm) if c.__module__.startswith("tracker.")}
    assert len(ours) > 20, "are the views imported?"
    assert sorted(f"{c.__module__}.{c.__qualname__}" for c in ours if not issubclass(c, Form)) == []


def test_the_base_form_refuses_hidden_characters_next_to_the_field(app: Flask) -> None:
    from werkzeug.datastructures import MultiDict
    from wtforms import StringField

    class Example(Form):
        name = StringField("Carer's name")

    with app.test_request_context(method="POST"):
        for value in ("a\x00b", "\u202eevil", "bell\x07"):
            form = Example(formdata=MultiDict({"name": value}), meta={"csrf": False})
            assert not form.validate()
            assert form.name.errors == ["Carer's name contains a hidden character (often copied and pasted from "
                                        "another program): retype it"]
        for value in ("Zoë O'Brien", "😀", "line one\r\nline two\ttab", "عائشة"):
            form = Example(formdata=MultiDict({"name": value}), meta={"csrf": False})
            assert form.validate(), value
