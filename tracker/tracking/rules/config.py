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
class RuleConfig:
    """Every number marked (config) in rules.md; defaults come from the rules table."""

    due_soon_days: int = DUE_SOON_DAYS
    dental_months: int = DENTAL_CHECK.offset_of("next").n
    pre_proceedings_weeks: int = PRE_PROCEEDINGS.offset_of("first").n

    _MINIMUM = {"due_soon_days": 0, "dental_months": 1, "pre_proceedings_weeks": 1}
    _MAXIMUM = {"due_soon_days": 366, "dental_months": 60, "pre_proceedings_weeks": 104}

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"config {f.name} must be a whole number, not {value!r}")
            low, high = self._MINIMUM[f.name], self._MAXIMUM[f.name]
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
