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

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from .engine import ChildFacts, Event, Item, RuleConfig
from .rules.court import MAX_EXTENSION_WEEKS
from .rules.missing import KINDS as MISSING_KINDS

# codes.md 6.2 (legal status), 6.6 (reason episode ceased), 6.8 (OC3)
LEGAL_STATUSES = frozenset(
    {"C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4"}
)
REASONS_CEASED = frozenset(
    {
        "X1",
        "E11",
        "E12",
        "E13",
        "E14",
        "E15",
        "E16",
        "E17",
        "E2",
        "E3",
        "E41",
        "E45",
        "E46",
        "E47",
        "E48",
        "E4A",
        "E4B",
        "E5",
        "E6",
        "E7",
        "E8",
        "E9",
        "E43",
        "E44",
    }
)
ACCOMMODATION = frozenset("BCDEGHKRSTUVWXYZ0")
ACTIVITIES = frozenset(
    {"F1", "F2", "F4", "F5", "P1", "P2", "P4", "P5", "G4", "G5", "G6", "0", "F3", "P3"}
)
IN_TOUCH = frozenset({"YES", "NO", "DIED", "REFU", "NREQ", "RHOM"})
# codes.md 6.4 (placement type), every code of every collection year
PLACEMENT_TYPES = frozenset(
    {"A3", "A4", "A5", "A6", "H5", "K1", "K2", "K3", "P1", "P2", "P3", "R1", "R2", "R3", "R5"}
    | {"S1", "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6"}
    | {"Z1", "Z11", "Z12", "Z13", "Z14"}
)
HEALTH_KINDS = ("initial", "review")
INTERVIEW_OUTCOMES = ("held", "declined")
PERMANENCE_PLANS = (
    "return_home",
    "adoption",
    "sgo",
    "cao",
    "long_term_fostering",
    "residential",
    "independence",
)
FINAL_ORDERS_EXAMPLES = ("care_order", "placement_order", "sgo", "cao", "no_order")

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MIN_YEAR, MAX_YEAR = 1900, 2100


class ScenarioError(ValueError):
    """Invalid scenario input; ``str()`` is a single line for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))


def parse_date(value: Any) -> date | None:
    """A strict YYYY-MM-DD date, or None if ``value`` is not one."""
    if not isinstance(value, str) or not _DATE_RE.match(value):
        return None
    try:
        d = date.fromisoformat(value)
    except ValueError:
        return None
    if not MIN_YEAR <= d.year <= MAX_YEAR:
        return None
    return d


def _show(value: Any) -> str:
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return '"' + text.replace("\n", " ") + '"'
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# --------------------------------------------------------------------------- field checks

Check = Callable[[Any], "tuple[bool, Any, str]"]  # ok, value, what was expected


def _code(codes: frozenset[str], what: str) -> Check:
    def check(v: Any) -> tuple[bool, Any, str]:
        return isinstance(v, str) and v in codes, v, what

    return check


def _choice(options: Sequence[str]) -> Check:
    def check(v: Any) -> tuple[bool, Any, str]:
        return isinstance(v, str) and v in options, v, "one of " + ", ".join(options)

    return check


def _int_between(low: int, high: int) -> Check:
    def check(v: Any) -> tuple[bool, Any, str]:
        ok = isinstance(v, int) and not isinstance(v, bool) and low <= v <= high
        return ok, v, f"a whole number from {low} to {high}"

    return check


def _boolean(v: Any) -> tuple[bool, Any, str]:
    return isinstance(v, bool), v, "true or false"


def _text(v: Any) -> tuple[bool, Any, str]:
    return isinstance(v, str) and v.strip() != "", v, "a non-empty text"


def _iso_date(v: Any) -> tuple[bool, Any, str]:
    d = parse_date(v)
    return d is not None, d, "a valid date (YYYY-MM-DD)"


def _order(v: Any) -> tuple[bool, Any, str]:
    ok = isinstance(v, str) and re.fullmatch(r"[a-z][a-z0-9_]*", v) is not None
    return ok, v, "an order name such as " + ", ".join(FINAL_ORDERS_EXAMPLES)


_ACCOM = _code(ACCOMMODATION, "an OC3 accommodation letter (codes.md 6.8)")

# type -> {field: (required, check)}
EVENT_FIELDS: Mapping[str, Mapping[str, tuple[bool, Check]]] = {
    "entered_care": {
        "legal_status": (False, _code(LEGAL_STATUSES, "a 903 legal status code (codes.md 6.2)"))
    },
    "legal_status_changed": {
        "legal_status": (True, _code(LEGAL_STATUSES, "a 903 legal status code (codes.md 6.2)"))
    },
    "left_care": {
        "reason": (False, _code(REASONS_CEASED, "a 903 reason episode ceased code (codes.md 6.6)"))
    },
    "review_held": {},
    "health_assessment": {"kind": (True, _choice(HEALTH_KINDS))},
    "dental_check": {},
    "sdq": {"score": (False, _int_between(0, 40))},
    "pep_held": {},
    "permanence_plan_agreed": {"plan": (False, _choice(PERMANENCE_PLANS))},
    "pre_proceedings_started": {},
    "pre_proceedings_ended": {},
    "proceedings_issued": {},
    "proceedings_extended": {"weeks": (True, _int_between(1, MAX_EXTENSION_WEEKS))},
    "final_order": {"order": (False, _order)},
    "needs_assessment_completed": {},
    "pathway_plan_completed": {},
    "pathway_plan_reviewed": {},
    "pa_contact": {},
    "pa_extended_to_25": {},
    "accommodation_changed": {"accommodation": (False, _ACCOM), "suitable": (False, _boolean)},
    "care_leaver_data_recorded": {
        "in_touch": (False, _code(IN_TOUCH, "one of YES, NO, REFU (or DIED, NREQ, RHOM)")),
        "activity": (False, _code(ACTIVITIES, "a 903 activity code (codes.md 6.8)")),
        "accommodation": (False, _ACCOM),
        "suitable": (False, _boolean),
    },
    "placement_started": {
        "placement_type": (True, _code(PLACEMENT_TYPES, "a 903 placement type code (codes.md 6.4)")),
        "long_term": (False, _boolean),
        "temporary_approval": (False, _boolean),
    },
    "placement_ended": {},
    "care_plan_completed": {},
    "placement_plan_completed": {},
    "visit": {},
    "missing_started": {
        "kind": (True, _choice(MISSING_KINDS)),
    },
    "missing_ended": {},
    "return_home_interview": {"outcome": (False, _choice(INTERVIEW_OUTCOMES))},
    # extension for the app: an action set by a worker or manager
    "action": {
        "id": (True, _text),
        "title": (True, _text),
        "due": (True, _iso_date),
        "completed": (False, _iso_date),
        "set_by": (False, _text),
    },
}
EVENT_TYPES = tuple(EVENT_FIELDS)
_ALWAYS_ALLOWED = {"date", "type", "note", "ref"}


def _event(i: int, raw: Any, dob: date) -> Event:
    if not isinstance(raw, Mapping):
        raise ScenarioError(f"event {i}: must be an object, not {_show(raw)}")
    etype = raw.get("type")
    label = etype if isinstance(etype, str) and etype else "?"
    where = f"event {i} ({label})"
    if "type" not in raw:
        raise ScenarioError(f'{where}: missing "type"')
    if not isinstance(etype, str) or etype not in EVENT_FIELDS:
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
    spec = EVENT_FIELDS[etype]
    data: dict[str, Any] = {}
    for name, (required, check) in spec.items():
        if name not in raw:
            if required:
                raise ScenarioError(f'{where}: missing field "{name}"')
            continue
        ok, value, expected = check(raw[name])
        if not ok:
            raise ScenarioError(f"{where}: {name} {_show(raw[name])} is not {expected}")
        data[name] = value
    if etype == "action":
        if data["due"] < when:
            raise ScenarioError(f"{where}: due {data['due'].isoformat()} is before the date set")
        if "completed" in data and data["completed"] < when:
            raise ScenarioError(
                f"{where}: completed {data['completed'].isoformat()} is before the date set"
            )
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
