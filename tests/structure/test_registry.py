"""The fact registry (tracker.tracking.registry) holds together: every declared page
exists and needs the declared capability, every event type a fact gives is one the rules
read, and the events the database gives the engine are valid scenario events."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, url_for
from sqlalchemy import inspect, select

from tracker.children.access import AREAS, READ, WRITE
from tracker.db import Base
from tracker.tracking import registry
from tracker.tracking.engine import FactError, compute_items
from tracker.tracking.facts import load_facts
from tracker.tracking.rules import EVENT_TYPES
from tracker.tracking.scenario import ScenarioError, items_to_json, parse_scenario

SCENARIOS = sorted((Path(__file__).parents[1] / "tracking" / "scenarios").glob("*.json"))
TODAY = dt.date(2026, 11, 22)


def _pages(fact: registry.Fact) -> dict[str, registry.Page]:
    return {name: page for name, page in (("record", fact.record), ("correct", fact.correct),
                                          ("delete", fact.delete)) if page is not None}


def test_every_model_with_a_child_is_declared_or_known_to_be_no_fact(app: Flask) -> None:
    declared = {f.key for f in registry.facts()}
    # Records about a child that are not facts of its history: derived rows, the return's
    # own data, meetings, alerts and the audit trail.
    not_facts = {"tracked_items", "alerts", "notifications", "audit_events", "meeting_decisions",
                 "weekly_snapshots", "child_return_details", "placement_return_details", "oc2_records",
                 "adoption_returns", "adoption_decision_reversals", "previous_permanence",
                 "social_worker_episodes", "deprivation_of_liberty_orders", "outbox_emails"}
    with_child = {t.name for t in Base.metadata.sorted_tables if "child_id" in t.c}
    assert with_child - declared - not_facts == set(), "declare the new fact (its domain's facts.py) or list it here"
    assert declared - with_child == set()


def test_every_declared_fact_names_real_columns_and_known_event_types() -> None:
    assert len(registry.facts()) == len({f.key for f in registry.facts()})
    for fact in registry.facts():
        columns = {c.key for c in inspect(fact.model).column_attrs}
        assert fact.on in columns, fact.key
        assert fact.ended_on is None or fact.ended_on in columns, fact.key
        unknown = set(fact.event_types) - set(EVENT_TYPES)
        assert not unknown, f"{fact.key} gives event types no rule family declares: {unknown}"
        assert not (fact.button and fact.record is None), f"{fact.key}: a button needs a record page"
        assert fact.area in AREAS, f"{fact.key}: {fact.area!r} is not a part of the child's record (access.AREAS)"


def test_every_declared_page_exists_and_is_guarded_by_the_facts_area(app: Flask) -> None:
    checked = 0
    with app.test_request_context():
        for fact in registry.facts():
            for name, page in _pages(fact).items():
                view = app.view_functions.get(page.endpoint)
                assert view is not None, f"{fact.key}: {name} page {page.endpoint} does not exist"
                url = url_for(page.endpoint, **page.url_args(7, 11))
                assert "/children/7/" in url + "/" and (not page.record_arg or "/11" in url), (fact.key, name, url)
                guarded = (getattr(view, "access_area", None), getattr(view, "access_action", None))
                if page.record_arg or name != "correct":
                    assert guarded == (fact.area, WRITE), (fact.key, name, guarded, fact.area)
                else:  # a tab where the record is put right: anyone who may change it may open it
                    assert guarded == (fact.area, READ), (fact.key, name, guarded, fact.area)
                checked += 1
    assert checked >= 3 * len([f for f in registry.facts() if f.delete is not None]) - 1


def _each_without(doc: dict[str, Any], event_type: str) -> list[dict[str, Any]]:
    """The scenario without one of its ``event_type`` events, for each of them; then
    without one and the next event of another type (an episode's start and its end)."""
    events = doc.get("events", [])
    at = [i for i, e in enumerate(events) if e.get("type") == event_type]
    singles = [events[:i] + events[i + 1:] for i in at]
    pairs = []
    for i in at:
        j = next((j for j in range(i + 1, len(events)) if events[j].get("type") != event_type), None)
        if j is not None:
            pairs.append([e for n, e in enumerate(events) if n not in (i, j)])
    return [{**doc, "events": fewer} for fewer in singles + pairs]


def _output(doc: dict[str, Any]) -> Any:
    facts, today, config = parse_scenario(doc)
    return items_to_json(facts.child_id, today, compute_items(facts, today, config))["items"]


@pytest.mark.parametrize("event_type", list(EVENT_TYPES))
def test_every_event_type_changes_what_some_rule_says(event_type: str) -> None:
    """Drop an event of this type from a scenario that has one: some scenario's items
    must change, or no rule reads that event type."""
    used = [doc for doc in (json.loads(p.read_text(encoding="utf-8")) for p in SCENARIOS)
            if any(e.get("type") == event_type for e in doc.get("events", []))]
    assert used, f"no scenario in tests/tracking/scenarios has a {event_type!r} event"
    for doc in used:
        for fewer in _each_without(doc, event_type):
            try:
                if _output(fewer) != _output(doc):
                    return
            except (ScenarioError, FactError):
                continue  # the scenario makes no sense without it: try another
    pytest.fail(f"no rule reads {event_type!r}: dropping it changes no scenario's items")


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def test_the_events_the_database_gives_are_valid_scenario_events(session, monkeypatch) -> None:
    from tracker.demo import build_demo

    monkeypatch.setattr(session, "commit", session.flush)  # the demo commits as it goes
    for table in reversed(Base.metadata.sorted_tables):
        if table.name not in ("term_dates", "settings", "alembic_version"):
            session.execute(table.delete())
    build_demo(session, n_children=40, seed=3, password="demo password", today=TODAY, password_cost=(1, 64))
    subject = registry.subject()
    ids = list(session.scalars(select(subject.id)))
    given: set[str] = set()
    for child_facts in load_facts(session, ids).values():
        for event in child_facts.events:
            fact = registry.fact(event.ref.split(":")[0])
            assert fact is not None and event.type in fact.event_types, event
            given.add(event.type)
        doc = {"today": TODAY.isoformat(),
               "child": {"id": child_facts.child_id, "date_of_birth": child_facts.date_of_birth.isoformat()},
               "events": [{"date": e.date.isoformat(), "type": e.type, **{k: _json(v) for k, v in e.data.items()}}
                          for e in child_facts.events]}
        parse_scenario(doc)  # raises ScenarioError, naming the event, if one is not valid
    assert {"entered_care", "review_held", "pep_held", "pa_contact"} <= given
