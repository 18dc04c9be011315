"""THE rules table (rules.md sections 3-5, 8 and 9).

Each family module declares its rows (:class:`Rule`: kind, title, summary, clocks with
their offsets, what completes it, when it stops, the legal source) and, right below
them, the function that turns a child's facts into those items. This module assembles
the rows in the order the Rules page shows them and lists the functions in the order
the engine runs them.

Each family also declares the event types its rules read, with their fields
(``EVENTS``; gathered in :data:`EVENT_TYPES`): scenario documents are checked against
them and the fact registry's event types come from them.

Statutory timescales change here, through code review and tests, not through a settings
screen. Numbers marked *(config)* in rules.md name the :class:`RuleConfig` key that
overrides them (``config_key``); the value in the row is the shipped default.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from . import actions, care, court, education, health, leaving_care, missing, placements
from .config import DUE_SOON_DAYS, RuleConfig
from .core import Ctx, Period
from .events import EventType
from .timescales import (
    Clock,
    Days,
    EndOfTerm,
    Months,
    Offset,
    Rule,
    SchoolDays,
    Weeks,
    WeeksBeginningWith,
    WorkingDays,
)

__all__ = [
    "Clock",
    "DUE_SOON_DAYS",
    "Days",
    "EVENT_TYPES",
    "EventType",
    "EndOfTerm",
    "Months",
    "Offset",
    "PERIOD_RULES",
    "CHILD_RULES",
    "RULES",
    "RULES_BY_KIND",
    "Rule",
    "RuleConfig",
    "SchoolDays",
    "Weeks",
    "WeeksBeginningWith",
    "WorkingDays",
    "clock",
    "default_for",
]

RULES: tuple[Rule, ...] = (
    care.REVIEW,
    health.INITIAL_HEALTH_ASSESSMENT,
    health.REVIEW_HEALTH_ASSESSMENT,
    health.DENTAL_CHECK,
    health.SDQ,
    education.INITIAL_PEP,
    education.PEP,
    care.CARE_PLAN,
    placements.PLACEMENT_PLAN,
    placements.VISIT,
    care.PERMANENCE_PLAN,
    missing.RETURN_HOME_INTERVIEW,
    court.PRE_PROCEEDINGS,
    court.PROCEEDINGS,
    *leaving_care.RULES,
    actions.ACTION,
)

RULES_BY_KIND: Mapping[str, Rule] = MappingProxyType({r.kind: r for r in RULES})

#: Every event type the rules read, with its fields (each family declares its own).
EVENT_TYPES: Mapping[str, EventType] = MappingProxyType({
    e.name: e
    for family in (care, health, education, placements, missing, court, leaving_care, actions)
    for e in family.EVENTS
})

#: Rule functions run once per period of care.
PERIOD_RULES: tuple[Callable[[Ctx, Period], None], ...] = (
    care.care_planning,
    health.health,
    education.education,
)
#: Rule functions run once per child.
CHILD_RULES: tuple[Callable[[Ctx], None], ...] = (
    placements.placement_items,
    missing.missing_items,
    court.court_items,
    leaving_care.care_leaver_items,
    actions.action_items,
)

def clock(kind: str, name: str, config: Any | None = None) -> Offset:
    """The offset of clock ``name`` of ``kind``, with any configured override applied."""
    return RULES_BY_KIND[kind].offset_of(name, config)


def default_for(config_key: str) -> int:
    """The shipped default of a configuration key."""
    return int(getattr(RuleConfig(), config_key))
