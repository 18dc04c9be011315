"""The vocabulary of the rules table: offsets (how far after its anchor an item falls due),
clocks (one way an item of a kind falls due) and the :class:`Rule` row itself.

Every statutory number lives in exactly one :class:`Offset` or in a rule's ``params``;
the engine reads them from the rows and the Rules page's summaries are generated from
them (:meth:`Rule.describe`), so a number cannot be changed in one place and not the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from types import MappingProxyType
from typing import Any

from ..calendars import (
    SchoolCalendar,
    Shift,
    add_days,
    add_months,
    add_weeks,
    working_days_after,
)

CPPCR = "Care Planning, Placement and Case Review (England) Regulations 2010"
HEALTH_GUIDANCE = (
    'DfE/DHSC "Promoting the health and wellbeing of looked-after children" (2015, updated 2022)'
)
EDUCATION_GUIDANCE = 'DfE "Promoting the education of looked-after children" (2018)'
CARE_LEAVERS_REGS = "Care Leavers (England) Regulations 2010"
MISSING_GUIDANCE = (
    "Statutory guidance on children who run away or go missing from home or care (DfE, 2014)"
)


# --------------------------------------------------------------------------- offsets


@dataclass(frozen=True)
class Offset:
    """How far after its anchor an item falls due. ``n`` is the shipped default; when
    ``config_key`` is set the authority's configuration may override it."""

    n: int = 0
    config_key: str | None = None

    unit = ""

    def resolve(self, config: Any | None) -> Offset:
        """This offset with the configured number, if it is configurable."""
        if self.config_key is None or config is None:
            return self
        return replace(self, n=int(getattr(config, self.config_key)))

    def describe(self) -> str:
        unit = self.unit if self.n != 1 else self.unit.rstrip("s")
        return f"{self.n} {unit}"

    def __str__(self) -> str:
        return self.describe()

    def after(self, anchor: str) -> str:
        """"<offset> after <anchor>", for the Rules page."""
        return f"{self.describe()} after {anchor}"

    def shift(self, start: date, school: SchoolCalendar | None = None) -> Shift:
        raise NotImplementedError

    def apply(self, start: date, school: SchoolCalendar | None = None) -> date:
        return self.shift(start, school).due


@dataclass(frozen=True)
class WorkingDays(Offset):
    unit = "working days"

    def shift(self, start: date, school: SchoolCalendar | None = None) -> Shift:
        return working_days_after(start, self.n)


@dataclass(frozen=True)
class SchoolDays(Offset):
    unit = "school days"

    def shift(self, start: date, school: SchoolCalendar | None = None) -> Shift:
        if school is None:
            raise ValueError("a school calendar is needed to count school days")
        return school.school_days_after(start, self.n)


@dataclass(frozen=True)
class Days(Offset):
    unit = "days"

    def shift(self, start: date, school: SchoolCalendar | None = None) -> Shift:
        return Shift(start, add_days(start, self.n))


@dataclass(frozen=True)
class Weeks(Offset):
    unit = "weeks"

    def shift(self, start: date, school: SchoolCalendar | None = None) -> Shift:
        return Shift(start, add_weeks(start, self.n))


@dataclass(frozen=True)
class WeeksBeginningWith(Offset):
    """N weeks *beginning with* the anchor date: the anchor is in week 1, so the last day
    is the anchor + 7N - 1 days (26 weeks: + 181 days)."""

    unit = "weeks"

    @property
    def days(self) -> int:
        return 7 * self.n - 1

    def describe(self) -> str:
        return f"{self.n} weeks beginning with the start date ({self.days} days after it)"

    def after(self, anchor: str) -> str:
        return f"{self.n} weeks beginning with {anchor} (that date + {self.days} days)"

    def shift(self, start: date, school: SchoolCalendar | None = None) -> Shift:
        return Shift(start, add_days(start, self.days))


@dataclass(frozen=True)
class Months(Offset):
    unit = "months"

    def shift(self, start: date, school: SchoolCalendar | None = None) -> Shift:
        return Shift(start, add_months(start, self.n))


@dataclass(frozen=True)
class EndOfTerm(Offset):
    """The last day of the school term that starts on the anchor date."""

    def describe(self) -> str:
        return "the last day of the term"

    def shift(self, start: date, school: SchoolCalendar | None = None) -> Shift:
        if school is None:
            raise ValueError("a school calendar is needed to find the end of a term")
        term = school.term_on(start)
        if term is None:
            raise ValueError(f"{start.isoformat()} is not in a school term")
        return Shift(start, term.end)


# --------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class Clock:
    """One way an item of a kind falls due: ``offset`` after ``anchor``."""

    name: str  # used by the engine to pick the clock, and in the summary: {name}
    anchor: str  # what starts the clock, in plain English
    offset: Offset

    def describe(self, config: Any | None = None) -> str:
        return self.offset.resolve(config).after(self.anchor)


@dataclass(frozen=True)
class Rule:
    """One row of the rules table.

    ``text`` is the plain-English summary with ``{clock name}`` and ``{param}``
    placeholders: :meth:`describe` fills them from the offsets and params the engine
    uses, so the Rules page cannot drift from the computation. ``params`` holds the
    rule's other numbers and codes (ages, limits); the engine reads them from here.
    """

    kind: str
    title: str
    text: str
    clocks: tuple[Clock, ...]
    completed_by: str
    recurrence: str
    applicability: str
    closes: str  # when an open item stops being tracked
    source: str  # the legal or guidance reference
    windowed: bool = False  # may become "missed"
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))
        self.describe()  # every placeholder must be known: fail at import, not on a page

    @property
    def offset(self) -> Offset:
        """The first (main) offset."""
        return self.clocks[0].offset

    @property
    def anchor(self) -> str:
        return self.clocks[0].anchor

    @property
    def config_keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.offset.config_key for c in self.clocks if c.offset.config_key))

    @property
    def summary(self) -> str:
        """The summary with the shipped numbers."""
        return self.describe()

    def describe(self, config: Any | None = None) -> str:
        """The summary with the numbers in use (``config`` overrides configurable ones)."""
        values: dict[str, Any] = {c.name: c.offset.resolve(config) for c in self.clocks}
        values.update({k: _param_text(v) for k, v in self.params.items()})
        return self.text.format(**values)

    def clock(self, name: str) -> Clock:
        for c in self.clocks:
            if c.name == name:
                return c
        raise KeyError(f"rule {self.kind} has no clock {name!r}")

    def offset_of(self, name: str, config: Any | None = None) -> Offset:
        """The offset of clock ``name``, with any configured override applied."""
        return self.clock(name).offset.resolve(config)


def _param_text(value: Any) -> str:
    if isinstance(value, tuple | list | frozenset | set):
        items = [str(v) for v in (sorted(value) if isinstance(value, frozenset | set) else value)]
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
    return str(value)
