"""Scenario documents (spec/scenarios.md): strict parsing into engine inputs, and output.

``parse_scenario(doc)`` turns one child's facts as JSON (already decoded to a dict) into
``(ChildFacts, today, RuleConfig)``. Anything wrong raises :class:`ScenarioError`, whose
text is ONE line naming the event by its index (0-based position in ``events``) and type,
e.g. ``event 3 (review_held): date "2026-02-30" is not a valid date (YYYY-MM-DD)``.

Unknown top-level keys (``expected``, ``note``, ...) are ignored, and so are unknown keys
inside an event (a record exported from a case system may carry more than the rules
need). A field the rules need to compute a date is required (``legal_status`` on
``legal_status_changed``, ``kind`` on ``health_assessment`` and ``missing_started``,
``weeks`` on ``proceedings_extended``, ``placement_type`` on ``placement_started``); a
field that only describes the event, or has a default (``long_term`` and
``temporary_approval`` are false unless given), is optional, but must be valid when given.
Facts that contradict each other (a placement outside care, a missing episode still open
when care ends) are found by the engine (:class:`~tracker.tracking.engine.FactError`).

``items_to_json(child_id, today, items)`` gives exactly the output format of
scenarios.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from .engine import ChildFacts, Event, Item, RuleConfig
from .rules import EVENT_TYPES
from .rules.events import parse_date

__all__ = ["ScenarioError", "items_to_json", "parse_date", "parse_scenario"]


class ScenarioError(ValueError):
    """Invalid scenario input; ``str()`` is a single line for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))


def _show(value: Any) -> str:
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return '"' + text.replace("\n", " ") + '"'
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _event(i: int, raw: Any, dob: date) -> Event:
    if not isinstance(raw, Mapping):
        raise ScenarioError(f"event {i}: must be an object, not {_show(raw)}")
    etype = raw.get("type")
    label = etype if isinstance(etype, str) and etype else "?"
    where = f"event {i} ({label})"
    if "type" not in raw:
        raise ScenarioError(f'{where}: missing "type"')
    if not isinstance(etype, str) or etype not in EVENT_TYPES:
        raise ScenarioError(f"{where}: unknown event type {_show(etype)}")
    if "date" not in raw:
        raise ScenarioError(f'{where}: missing "date" (YYYY-MM-DD)')
    when = parse_date(raw["date"])
    if when is None:
        raise ScenarioError(f"{where}: date {_show(raw['date'])} is not a valid date (YYYY-MM-DD)")
    if when < dob:
        raise ScenarioError(
            f"{where}: date {when.isoformat()} is before the date of birth {dob.isoformat()}"
        )
    spec = EVENT_TYPES[etype]
    data: dict[str, Any] = {}
    for name, (required, check) in spec.fields.items():
        if name not in raw:
            if required:
                raise ScenarioError(f'{where}: missing field "{name}"')
            continue
        ok, value, expected = check(raw[name])
        if not ok:
            raise ScenarioError(f"{where}: {name} {_show(raw[name])} is not {expected}")
        data[name] = value
    if spec.check is not None and (problem := spec.check(when, data)) is not None:
        raise ScenarioError(f"{where}: {problem}")
    ref = raw.get("ref")
    if ref is not None and not isinstance(ref, str):
        raise ScenarioError(f"{where}: ref {_show(ref)} is not a text")
    return Event(date=when, type=etype, data=data, index=i, ref=ref)


def _check_care_sequence(events: Sequence[Event]) -> None:
    looked_after = False
    for ev in sorted(events, key=lambda e: (e.date, e.index)):
        where = f"event {ev.index} ({ev.type})"
        if ev.type == "entered_care":
            if looked_after:
                raise ScenarioError(
                    f"{where}: entered care on {ev.date.isoformat()} while already looked after"
                )
            looked_after = True
        elif ev.type in ("left_care", "legal_status_changed"):
            if not looked_after:
                raise ScenarioError(
                    f"{where}: {ev.date.isoformat()} is not in a period of care "
                    f"(no entered_care before it)"
                )
            if ev.type == "left_care":
                looked_after = False


def parse_scenario(
    doc: Any, today_override: date | None = None
) -> tuple[ChildFacts, date, RuleConfig]:
    """Validate a scenario document; return (facts, today, config)."""
    if not isinstance(doc, Mapping):
        raise ScenarioError("scenario must be a JSON object")
    if today_override is not None:
        today = today_override
    else:
        if "today" not in doc:
            raise ScenarioError('missing "today" (YYYY-MM-DD), or pass --today')
        parsed = parse_date(doc["today"])
        if parsed is None:
            raise ScenarioError(f"today {_show(doc['today'])} is not a valid date (YYYY-MM-DD)")
        today = parsed
    child = doc.get("child")
    if not isinstance(child, Mapping):
        raise ScenarioError('missing "child" object with "id" and "date_of_birth"')
    child_id = child.get("id")
    if (
        isinstance(child_id, bool)
        or not isinstance(child_id, str | int)
        or str(child_id).strip() == ""
    ):
        raise ScenarioError(f"child id {_show(child_id)} must be a non-empty text")
    if "date_of_birth" not in child:
        raise ScenarioError('child: missing "date_of_birth" (YYYY-MM-DD)')
    dob = parse_date(child["date_of_birth"])
    if dob is None:
        raise ScenarioError(
            f"child date_of_birth {_show(child['date_of_birth'])} is not a valid date (YYYY-MM-DD)"
        )
    if dob > today:
        raise ScenarioError(
            f"child date_of_birth {dob.isoformat()} is after today {today.isoformat()}"
        )
    raw_config = doc.get("config")
    if raw_config is None:
        config = RuleConfig()
    elif not isinstance(raw_config, Mapping):
        raise ScenarioError("config must be an object")
    else:
        try:
            config = RuleConfig.from_mapping(raw_config)
        except (TypeError, ValueError) as exc:
            raise ScenarioError(str(exc)) from None
    raw_events = doc.get("events", [])
    if not isinstance(raw_events, list):
        raise ScenarioError('"events" must be a list')
    events = tuple(_event(i, raw, dob) for i, raw in enumerate(raw_events))
    _check_care_sequence(events)
    return ChildFacts(child_id=str(child_id), date_of_birth=dob, events=events), today, config


def item_to_json(item: Item) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "sequence": item.sequence,
        "term": item.term,
        "age": item.age,
        "due": item.due.isoformat(),
        "completed": item.completed.isoformat() if item.completed else None,
        "status": item.status,
        "explanation": item.explanation,
    }


def items_to_json(child_id: str, today: date, items: Sequence[Item]) -> dict[str, Any]:
    return {
        "child": child_id,
        "today": today.isoformat(),
        "items": [item_to_json(i) for i in items],
    }
