"""The engine's vocabulary: event types and the fields each one carries.

Each rule family declares, next to its rows, the event types its rules read
(``EVENTS``), with the fields they need (scenarios.md): ``rules/__init__.py`` gathers
them into :data:`~tracker.tracking.rules.EVENT_TYPES`, which ``tracker rules explain``
validates scenario documents against and which the fact registry's event types must
come from (a test checks every declared fact against it).

A field is ``(required, check)``: a check takes the raw JSON value and returns
``(ok, value, what was expected)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

Check = Callable[[Any], "tuple[bool, Any, str]"]  # ok, value, what was expected
Fields = Mapping[str, "tuple[bool, Check]"]

# codes.md 6.2 (legal status), 6.6 (reason episode ceased), 6.8 (OC3)
LEGAL_STATUSES = frozenset(
    {"C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4"}
)
REASONS_CEASED = frozenset(
    {"X1", "E11", "E12", "E13", "E14", "E15", "E16", "E17", "E2", "E3", "E41", "E45", "E46"}
    | {"E47", "E48", "E4A", "E4B", "E5", "E6", "E7", "E8", "E9", "E43", "E44"}
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

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MIN_YEAR, MAX_YEAR = 1900, 2100


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


@dataclass(frozen=True)
class EventType:
    """One kind of event: its name, its fields, and any check across fields (which
    returns a message naming what is wrong, or None)."""

    name: str
    fields: Fields = field(default_factory=lambda: MappingProxyType({}))
    check: Callable[[date, Mapping[str, Any]], str | None] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", MappingProxyType(dict(self.fields)))


# --------------------------------------------------------------------------- field checks


def code(codes: frozenset[str], what: str) -> Check:
    def check(v: Any) -> tuple[bool, Any, str]:
        return isinstance(v, str) and v in codes, v, what

    return check


def choice(options: Sequence[str]) -> Check:
    def check(v: Any) -> tuple[bool, Any, str]:
        return isinstance(v, str) and v in options, v, "one of " + ", ".join(options)

    return check


def int_between(low: int, high: int) -> Check:
    def check(v: Any) -> tuple[bool, Any, str]:
        ok = isinstance(v, int) and not isinstance(v, bool) and low <= v <= high
        return ok, v, f"a whole number from {low} to {high}"

    return check


def boolean(v: Any) -> tuple[bool, Any, str]:
    return isinstance(v, bool), v, "true or false"


def text(v: Any) -> tuple[bool, Any, str]:
    return isinstance(v, str) and v.strip() != "", v, "a non-empty text"


def iso_date(v: Any) -> tuple[bool, Any, str]:
    d = parse_date(v)
    return d is not None, d, "a valid date (YYYY-MM-DD)"


def name_like(examples: Sequence[str], what: str) -> Check:
    """A lower-case name (letters, digits, underscores), such as one of ``examples``."""

    def check(v: Any) -> tuple[bool, Any, str]:
        ok = isinstance(v, str) and re.fullmatch(r"[a-z][a-z0-9_]*", v) is not None
        return ok, v, f"{what} such as " + ", ".join(examples)

    return check


ACCOMMODATION_CODE = code(ACCOMMODATION, "an OC3 accommodation letter (codes.md 6.8)")
