"""Every form works: found by walking the url_map and a populated demo child's pages,
submitted by a user allowed to use it, unchanged (or with a valid example when it records
something new). Nothing here lists the forms, so a new one is covered when it is linked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from flask import template_rendered
from wtforms import Form

from tests.structure.form_examples import EXAMPLES, REFUSED_AS_SHOWN
from tests.structure.formcrawl import (
    Submitted,
    World,
    banner,
    crawl,
    form_rules,
    route_of,
    seed_urls,
    submit_form,
)
from tracker.extensions import db


@dataclass
class FormCase:
    key: str
    url: str
    user_id: int
    capability: str | None


@dataclass
class Reachable:
    forms: dict[str, FormCase]
    examples: dict[str, Submitted]


def _case(world: World, key: str, url: str) -> FormCase:
    route = route_of(world.app, url)
    assert route is not None
    user = world.user_for(route.capability, route.args.get("child_id"), route.endpoint)
    assert user is not None, f"no demo user may use {url}"
    return FormCase(key, url, user, route.capability)


@pytest.fixture(scope="module")
def reachable(world: World) -> Reachable:
    """Every form a user can reach from the populated children's pages and the menus.

    Each example is saved for good (for this module), so the pages of the records it
    creates (an action to mark as done, a meeting's pages, a second placement) are found
    by a second walk.
    """
    seeds = seed_urls(world)
    per_child: dict = {}
    found = {key: _case(world, key, url) for key, (url, _user) in crawl(world, seeds, per_child=per_child).items()}
    examples: dict[str, Submitted] = {}
    landings = []
    for key, example in EXAMPLES.items():  # in the order they are written
        if key not in found:
            continue
        case = found[key]
        if example.child is not None:
            with world.app.app_context():
                child_id = example.child(db.session, world.child_ids)
            if (key, child_id) not in per_child:
                crawl(world, seed_urls(world, [child_id], menus=False), children=[child_id], per_child=per_child)
            assert (key, child_id) in per_child, f"{key}: no link to it from child {child_id}'s pages"
            case = _case(world, key, per_child[key, child_id][0])
        route = route_of(world.app, case.url)
        assert route is not None
        with world.app.app_context():
            values = example.values(db.session, route.args.get("child_id") or 0)
            db.session.rollback()
        with world.savepoint(keep=True):
            result = examples[key] = submit_form(world.client(case.user_id), case.url, values)
        if result.location:
            landings.append((case.user_id, result.location))
    # The children's pages as they are now (the first placement, say, is now followed by
    # another), and where the examples led (a meeting's pages).
    again = crawl(world, seed_urls(world, menus=False) + landings, follow={url for _user, url in landings})
    for key, (url, _user) in again.items():
        found[key] = _case(world, key, url)
    return Reachable(forms=found, examples=examples)


def test_every_form_page_is_reached_from_a_childs_pages_or_the_menus(world: World, reachable: Reachable) -> None:
    reached = {key.split("[")[0] for key in reachable.forms}
    assert sorted(form_rules(world.app) - reached) == [], \
        "form pages no user can reach from the populated demo children's pages (link them, or populate the child)"
    unused = sorted(set(EXAMPLES) - set(reachable.forms))
    assert unused == [], "examples for forms that no longer exist"


def _saved_problems(key: str, result: Submitted, *, shows: str | tuple[str, ...] | None = None) -> list[str]:
    problems = []
    if not result.saved:
        return [f"{key} {result.url}: {result.describe()}"]
    expected = (shows,) if isinstance(shows, str) else (shows or ())
    shown = any(text in result.page.replace("&pound;", "£") for text in expected)
    if expected and not shown:
        problems.append(f"{key}: the page after saving does not show {' or '.join(map(repr, expected))}")
    elif result.location and not banner(result.page) and not shown:
        problems.append(f"{key}: the page after saving ({result.location}) says nothing about it")
    if result.before is not None and result.after is not None:
        if result.changes and result.before == result.after:
            problems.append(f"{key}: saved {result.changes[:3]} but the page it goes back to looks the same")
        if not result.changes and result.before != result.after:
            problems.append(f"{key}: nothing was recorded in the audit trail but the page changed")
    return problems


@contextmanager
def fields_left_out(world: World) -> Iterator[list[str]]:
    """Fields a form class declares that a view took away before rendering or saving it
    (the placement bug: the edit view deleted a field the services still read). A form that
    needs fewer fields is a subclass, so the page and the class always agree."""
    found: list[str] = []

    def check(sender, template, context, **extra) -> None:
        for value in context.values():
            if isinstance(value, Form):
                missing = [name for name, _ in value._unbound_fields if name not in value._fields]
                if missing:
                    found.append(f"{template.name}: {type(value).__name__} rendered without {', '.join(missing)}")

    template_rendered.connect(check, world.app)
    try:
        yield found
    finally:
        template_rendered.disconnect(check, world.app)


def test_every_form_saves_unchanged_or_with_a_valid_example(world: World, reachable: Reachable) -> None:
    with fields_left_out(world) as left_out:
        problems = _unchanged_or_example_problems(world, reachable)
    assert sorted(set(left_out)) == [], "a view removed fields its form declares"
    assert problems == [], "\n".join(problems)


def _unchanged_or_example_problems(world: World, reachable: Reachable) -> list[str]:
    problems: list[str] = []
    for key, result in sorted(reachable.examples.items()):
        problems += _saved_problems(f"{key} (example)", result, shows=EXAMPLES[key].shows)
    for key, case in sorted(reachable.forms.items()):
        with world.savepoint():
            result = submit_form(world.client(case.user_id), case.url)
        if key in EXAMPLES:
            # A "record a new …" form sent empty: refused with messages, or saved; never a crash.
            if result.crashed:
                problems.append(f"{key} {case.url} sent as shown: {result.describe()}")
            elif not result.saved and not result.errors:
                problems.append(f"{key} {case.url} sent as shown: refused without saying why")
            continue
        if key in REFUSED_AS_SHOWN and not result.crashed and not result.saved:
            if not any(REFUSED_AS_SHOWN[key] in m for ms in result.errors.values() for m in ms):
                problems.append(f"{key} {case.url} sent unchanged: {result.describe()}")
            continue
        if not result.saved:
            problems.append(f"{key} {case.url} sent unchanged: {result.describe()}"
                            + ("" if result.crashed else " (if it records something new, add an example to "
                                                          "tests/structure/form_examples.py)"))
            continue
        problems += _saved_problems(key, result)
    return problems


# --------------------------------------------------------------------------- hostile input

# One value often tries two things at once (a huge negative number; an override and an
# emoji), to keep the number of requests, and the suite's time, down.
HUGE = "99999999999999999999"
TEXT_VALUES = ["", "x" * 10_000, "a\x00b", "\u202eevil 😀 Zoë", "-" + HUGE]
CHOICE_VALUES = ["", HUGE, "-1", "999999"]  # not offered: a code or id that does not exist
DATE_VALUES = [["31", "2", "2024"], ["1", "1", "0001"], ["1", "1", "9999"], [HUGE, "-1", "x"], ["", "", ""]]
VERSION_VALUES = [HUGE, "-1"]
QUERY_VALUES = [HUGE, "-1", "a\x00b", "x" * 10_000, "\u202e😀"]

#: Words a message for a person never contains: library defaults and programmers' notation.
NOT_PLAIN = re.compile(r"Not a valid|Invalid Choice|could not coerce|This field is required|Field cannot|"
                       r"Field must|not a valid float|not a valid integer|\\x00|None\b|Traceback|'\S*' is not")


def hostile_values(control) -> list:
    if control.kind == "date":
        return [list(v) for v in DATE_VALUES]
    if control.kind in ("select", "radio"):
        return CHOICE_VALUES
    if control.kind == "hidden":
        return VERSION_VALUES
    if control.kind in ("text", "textarea", "password"):
        return TEXT_VALUES
    return []


def _refusal_problems(where: str, result: Submitted) -> list[str]:
    if result.status in (400, 404):
        return []
    messages = [m for key, ms in result.errors.items() if key != "_summary" for m in ms]
    if any("changed by someone else" in s for s in result.errors.get("_summary", [])):
        return []  # a version that is not the record's: the stale-save message
    if not messages:
        return [f"{where}: refused ({result.status}) without a message next to a field"]
    return [f"{where}: message not in plain English: {m!r}" for m in messages if NOT_PLAIN.search(m)]


def test_hostile_values_get_a_message_never_a_crash_and_change_nothing(world: World, reachable: Reachable) -> None:
    from tests.structure.formcrawl import fingerprint, parse_forms

    problems: list[str] = []
    sent = 0
    for key, case in sorted(reachable.forms.items()):
        client = world.client(case.user_id)
        with world.app.test_request_context():
            page = client.get(case.url)
        forms = parse_forms(page.get_data(as_text=True), case.url)
        if not forms:
            problems.append(f"{key}: no form on {case.url}")
            continue
        form = max(forms, key=lambda f: len(f.controls))
        before = fingerprint(world.connection)  # each submit below is undone after it
        for control in form.controls:
            if control.name == "csrf_token":
                continue
            for value in hostile_values(control):
                where = f"{key} {control.name}={value if len(str(value)) < 40 else str(value)[:20] + '…'!r}"
                with world.savepoint():
                    result = _post(client, case.url, form, {control.name: value})
                    sent += 1
                    if result.crashed:
                        problems.append(f"{where}: {result.crashed}")
                        continue
                    if result.saved:
                        continue
                    problems += _refusal_problems(where, result)
                    if fingerprint(world.connection) != before:
                        problems.append(f"{where}: refused, but the database changed")
    assert sent > 500, "too few hostile submits: are the forms still found?"
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(problems)


def _post(client, url: str, form, overrides: dict) -> Submitted:
    """Send the form as shown with one value changed (no second GET: the token and
    version stay those of the page)."""
    from werkzeug.datastructures import MultiDict

    from tests.structure.formcrawl import error_messages

    out = Submitted(url=url)
    try:
        resp = client.post(url, data=MultiDict(form.payload(overrides)))
    except Exception as exc:  # A crash is what this test looks for
        out.crashed = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
        return out
    out.status = resp.status_code
    if resp.status_code >= 500:
        out.crashed = f"HTTP {resp.status_code}"
    elif resp.status_code in (302, 303):
        out.location = resp.headers["Location"]  # (not followed: the next page shown takes the flash)
    else:
        out.errors = error_messages(resp.get_data(as_text=True))
    return out


def test_hostile_query_strings_on_every_list_page_never_crash(world: World) -> None:
    from urllib.parse import urlencode

    from tests.structure.formcrawl import list_pages, query_args

    pages = list_pages(world, seed_urls(world))
    assert len(pages) > 20, sorted(pages)
    problems: list[str] = []
    for endpoint, (url, user_id, names) in sorted(pages.items()):
        client = world.client(user_id)
        base = query_args(url)
        for name in sorted(names | {"page", "q"}):
            for value in QUERY_VALUES:
                target = url.split("?")[0] + "?" + urlencode({**base, name: value})
                try:
                    resp = client.get(target)
                except Exception as exc:  # A crash is what this test looks for
                    problems.append(f"{endpoint} ?{name}={value[:20]!r}: {type(exc).__name__}: {exc}"[:300])
                    continue
                if resp.status_code >= 500 or resp.status_code not in (200, 302, 400, 403, 404):
                    problems.append(f"{endpoint} ?{name}={value[:20]!r}: HTTP {resp.status_code}")
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(problems)


# --------------------------------------------------------------------------- stale saves

#: Forms that carry no version, and why (every other form that is not a "record a new …"
#: form must carry the version of what it changes).
NO_VERSION = {
    "children.delete_legal_status": "a change of legal status is only recorded or deleted, never changed; "
                                    "deleting it twice finds nothing (404)",
    "returns.import_return": "an import is checked as a whole and refused if any row is wrong; importing the "
                             "same files again changes nothing",
}


def test_every_form_that_changes_a_record_refuses_a_stale_save(world: World, reachable: Reachable) -> None:
    """A save from a page opened before someone else's change is refused with "changed by
    someone else", and nothing is written. The form's version is made one that the record
    no longer has, as another person's save would."""
    from tests.structure.formcrawl import fingerprint, parse_forms

    problems: list[str] = []
    checked = 0
    for key, case in sorted(reachable.forms.items()):
        client = world.client(case.user_id)
        forms = parse_forms(client.get(case.url).get_data(as_text=True), case.url)
        if not forms:
            continue  # reported by the other tests
        form = max(forms, key=lambda f: len(f.controls))
        versions = [c for c in form.controls if c.kind == "hidden" and c.name.endswith("version")
                    and (c.values or [""])[0]]  # blank on a form that records something new
        if not versions:
            if key not in EXAMPLES and key not in NO_VERSION:
                problems.append(f"{key}: changes a record but carries no version")
            continue
        before = fingerprint(world.connection)
        for control in versions:
            shown = (control.values or [""])[0]
            stale = str(int(shown) + 1) if shown.isdigit() else shown + "1"
            with world.savepoint():
                result = _post(client, case.url, form, {control.name: stale})
                checked += 1
                if result.crashed or result.saved:
                    problems.append(f"{key} {control.name}: a stale save was {result.describe()}")
                    continue
                if not any("changed by someone else" in s for s in result.errors.get("_summary", [])):
                    problems.append(f"{key} {control.name}: a stale save was refused without saying why: "
                                    f"{result.describe()}")
                if fingerprint(world.connection) != before:
                    problems.append(f"{key} {control.name}: a stale save changed the database")
    assert checked > 30
    assert problems == [], "\n".join(problems)
