"""Every form works: found by walking the url_map and a populated demo child's pages,
submitted by a user allowed to use it, unchanged (or with a valid example when it records
something new). Nothing here lists the forms, so a new one is covered when it is linked.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

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
    user = world.user_for(route.capability, route.args.get("child_id"))
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
    found = {key: _case(world, key, url) for key, (url, _user) in crawl(world, seeds).items()}
    examples: dict[str, Submitted] = {}
    landings = []
    for key, example in EXAMPLES.items():  # in the order they are written
        if key not in found:
            continue
        case = found[key]
        if example.child is not None:
            with world.app.app_context():
                child_id = example.child(db.session, world.child_ids)
            other = crawl(world, seed_urls(world, [child_id], menus=False), children=[child_id])
            assert key in other, f"{key}: no link to it from child {child_id}'s pages"
            case = _case(world, key, other[key][0])
        route = route_of(world.app, case.url)
        assert route is not None
        with world.app.app_context():
            values = example.values(db.session, route.args.get("child_id") or 0)
            db.session.rollback()
        with world.savepoint(keep=True):
            result = examples[key] = submit_form(world.client(case.user_id), case.url, values)
        if result.location:
            landings.append((case.user_id, result.location))
    # The pages as they are now (the first placement, say, is now followed by another).
    for key, (url, _user) in crawl(world, seeds + landings).items():
        found[key] = _case(world, key, url)
    return Reachable(forms=found, examples=examples)


def test_every_form_page_is_reached_from_a_childs_pages_or_the_menus(world: World, reachable: Reachable) -> None:
    reached = {key.split("[")[0] for key in reachable.forms}
    assert sorted(form_rules(world.app) - reached) == [], \
        "form pages no user can reach from the populated demo children's pages (link them, or populate the child)"
    unused = sorted(set(EXAMPLES) - set(reachable.forms))
    assert unused == [], "examples for forms that no longer exist"


def _saved_problems(key: str, result: Submitted, *, shows: str | None = None) -> list[str]:
    problems = []
    if not result.saved:
        return [f"{key} {result.url}: {result.describe()}"]
    if result.location and not banner(result.page):
        problems.append(f"{key}: the page after saving ({result.location}) says nothing about it")
    if shows and shows not in result.page.replace("&pound;", "£"):
        problems.append(f"{key}: the page after saving does not show {shows!r}")
    if result.before is not None and result.after is not None:
        if result.changes and result.before == result.after:
            problems.append(f"{key}: saved {result.changes[:3]} but the page it goes back to looks the same")
        if not result.changes and result.before != result.after:
            problems.append(f"{key}: nothing was recorded in the audit trail but the page changed")
    return problems


def test_every_form_saves_unchanged_or_with_a_valid_example(world: World, reachable: Reachable) -> None:
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
    assert problems == [], "\n".join(problems)
