"""Table-driven rule tests: every scenarios/*.json through the engine.

Each file is a scenarios.md input plus "note" (what is tested, with the hand calculation)
and "expected" (kind, sequence, term, age, due, completed, status of every item, in
order). The expectations were worked out by hand from rules.md and a real calendar.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tracker.tracking.engine import compute_items
from tracker.tracking.scenario import items_to_json, parse_scenario

SCENARIOS = sorted((Path(__file__).parent / "scenarios").glob("*.json"))
FIELDS = ("kind", "sequence", "term", "age", "due", "completed", "status")


def test_there_are_enough_scenarios() -> None:
    assert len(SCENARIOS) >= 90


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc.get("note"), "every scenario explains what it tests"
    facts, today, config = parse_scenario(doc)
    items = compute_items(facts, today, config)
    got = [
        {f: row[f] for f in FIELDS} for row in items_to_json(facts.child_id, today, items)["items"]
    ]
    expected = [{f: row[f] for f in FIELDS} for row in doc["expected"]]
    assert got == expected
    for item in items:
        assert item.explanation.strip(), item
    assert len({i.key for i in items}) == len(items), "item keys are unique within a child"
