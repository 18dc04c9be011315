"""The numbers an authority may set for itself (every "(config)" in rules.md, §8.10).

Defaults are read from the rule rows that use them, so the shipped value is written once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from .court import PRE_PROCEEDINGS
from .health import DENTAL_CHECK

#: Status threshold (rules.md §2): a local policy knob, not a timescale.
DUE_SOON_DAYS = 14


@dataclass(frozen=True)
class SettingSpec:
    """A number an administrator may set (the policy settings page): its key, label and
    hint, shipped default and bounds, and whether it feeds the rules (a change then
    recomputes every child's due dates)."""

    key: str
    label: str
    hint: str
    default: int
    minimum: int
    maximum: int
    feeds_rules: bool = True


#: The settings that feed the rules: every "(config)" of rules.md. Their defaults come
#: from the rule rows that use them, so each number is written once.
RULE_SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("due_soon_days", "Due soon window (days)",
                "An item is 'due soon' from this many days before its due date.", DUE_SOON_DAYS, 0, 366),
    SettingSpec("dental_months", "Dental check interval (months)",
                "Months between dental checks (rules.md §3).", DENTAL_CHECK.offset_of("next").n, 1, 60),
    SettingSpec("pre_proceedings_weeks", "Pre-proceedings timescale (weeks)",
                "Weeks from the start of pre-proceedings to a decision.",
                PRE_PROCEEDINGS.offset_of("first").n, 1, 104),
)
_SPECS = {s.key: s for s in RULE_SETTINGS}


@dataclass(frozen=True)
class RuleConfig:
    """Every number marked (config) in rules.md, one field per :data:`RULE_SETTINGS` row
    (which holds its default and bounds)."""

    due_soon_days: int = _SPECS["due_soon_days"].default
    dental_months: int = _SPECS["dental_months"].default
    pre_proceedings_weeks: int = _SPECS["pre_proceedings_weeks"].default

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"config {f.name} must be a whole number, not {value!r}")
            low, high = _SPECS[f.name].minimum, _SPECS[f.name].maximum
            if not low <= value <= high:
                raise ValueError(f"config {f.name} must be between {low} and {high}, not {value}")

    @classmethod
    def keys(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @classmethod
    def from_mapping(cls, m: Mapping[str, Any] | None) -> RuleConfig:
        if m is None:
            return cls()
        if not isinstance(m, Mapping):
            raise ValueError("config must be an object of key: value")
        known = cls.keys()
        for key in m:
            if key not in known:
                raise ValueError(f'unknown config key "{key}" (known: {", ".join(known)})')
        return cls(**dict(m))

