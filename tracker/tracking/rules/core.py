"""What every rule function works with: the engine's inputs and outputs, periods of care
and their regimes, and the context that collects a child's items.

Pure: no clock, no database, no Flask. See ``tracker.tracking.engine`` for the entry points
and the decisions the rule functions follow.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from ..calendars import SchoolCalendar, Shift, Term, birthday
from .timescales import Offset, Rule

if TYPE_CHECKING:
    from .config import RuleConfig

STATUSES = ("done_on_time", "done_late", "overdue", "due_soon", "upcoming", "missed", "closed")
OPEN_STATUSES = frozenset({"overdue", "due_soon", "upcoming"})

#: Legal statuses of an agreed series of short breaks (CPPCR reg 48; codes.md 6.2).
SHORT_BREAK_LEGAL_STATUSES = frozenset({"V3", "V4"})


class FactError(ValueError):
    """The facts contradict each other (for example a missing episode still open when the
    child left care); ``str()`` is one line for the user. Nothing is guessed."""


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Event:
    """One fact about the child. ``data`` holds the extra fields, e.g. legal_status."""

    date: date
    type: str
    data: Mapping[str, Any] = field(default_factory=dict)
    index: int = 0  # position in the input, for a stable sort and error messages
    ref: str | None = None  # the source row in the app, e.g. "review:42"

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    @property
    def where(self) -> str:
        """How error messages name the event: by its index and type, and its date."""
        return f"event {self.index} ({self.type}) on {self.date.isoformat()}"


@dataclass(frozen=True)
class ChildFacts:
    child_id: str
    date_of_birth: date
    events: tuple[Event, ...] = ()


# --------------------------------------------------------------------------- outputs


@dataclass(frozen=True)
class Item:
    kind: str
    sequence: int | None
    term: str | None
    age: int | None
    due: date
    completed: date | None
    status: str
    explanation: str
    completed_by: str | None = None
    closed_on: date | None = None
    key_hint: str = field(default="", compare=False, repr=False)

    @property
    def key(self) -> str:
        """Stable identity within a child, used by the app to upsert tracked items."""
        return self.key_hint or f"{self.kind}@{self.due.isoformat()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(frozen=True)
class CareLeaverStatus:
    category: str  # eligible | relevant | former_relevant | qualifying | not_care_leaver
    eligibility_date: date | None
    support_ends_on: date | None
    reason: str
    days_looked_after_since_14: int = 0
    projected_eligibility_date: date | None = None
    left_care_on: date | None = None  # the leaving that care-leaver clocks run from


def item_status(due: date, completed: date | None, today: date, due_soon_days: int) -> str:
    """Status of a plain (not closed, not missed) item, rules.md section 2."""
    if completed is not None:
        return "done_on_time" if completed <= due else "done_late"
    if today > due:
        return "overdue"
    if (due - today).days <= due_soon_days:
        return "due_soon"
    return "upcoming"


# --------------------------------------------------------------------------- text helpers


def d(day: date | None) -> str:
    return day.isoformat() if day else ""


def days_text(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def shift_text(shift: Shift) -> str:
    skipped = shift.skipped_text()
    return f", skipping {skipped}" if skipped else ""


# --------------------------------------------------------------------------- periods of care


@dataclass(frozen=True)
class Period:
    """One period of care, from ``entered_care`` to ``left_care`` (or open).

    ``segments`` are its legal statuses as ``(from, to exclusive or None, code)``.
    ``full_from`` is the day the full regime starts (rules.md §9 "short breaks"): the
    start of care, or for a period that starts under V3/V4 the first change to another
    legal status (X); None while only short breaks apply.
    """

    number: int
    start: date
    end: date | None  # the left_care date: not looked after on that day
    start_event: Event
    end_event: Event | None
    segments: tuple[tuple[date, date | None, str], ...]

    def contains_event(self, day: date) -> bool:
        """An event on the leaving date still belongs to the period (rules.md §8.1)."""
        return self.start <= day and (self.end is None or day <= self.end)

    def looked_after_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    @property
    def start_status(self) -> str:
        return self.segments[0][2]

    @property
    def short_breaks(self) -> bool:
        return self.start_status in SHORT_BREAK_LEGAL_STATUSES

    @property
    def full_from(self) -> date | None:
        if not self.short_breaks:
            return self.start
        for start, _end, code in self.segments:
            if code not in SHORT_BREAK_LEGAL_STATUSES:
                # a change on the leaving day starts nothing (no new item from that day)
                return start if self.end is None or start < self.end else None
        return None

    def status_on(self, day: date) -> str:
        for start, end, code in self.segments:
            if start <= day and (end is None or day < end):
                return code
        return self.segments[-1][2]

    def full_from_text(self) -> str:
        """What started the full regime, for explanations."""
        x = self.full_from
        if not self.short_breaks or x is None:
            return f"entering care on {d(self.start)}"
        return (
            f"the change of legal status from {self.start_status} (short breaks) to "
            f"{self.status_on(x)} on {d(x)}"
        )


def periods_of(events: Sequence[Event]) -> list[Period]:
    """The periods of care in date order (events already sorted)."""
    periods: list[Period] = []
    start_ev: Event | None = None
    segs: list[tuple[date, date | None, str]] = []
    seg_start: date | None = None
    seg_ls = ""
    for ev in events:
        if ev.type == "entered_care" and start_ev is None:
            start_ev, seg_start, seg_ls, segs = ev, ev.date, str(ev.get("legal_status", "")), []
        elif ev.type == "legal_status_changed" and start_ev is not None and seg_start is not None:
            segs.append((seg_start, ev.date, seg_ls))
            seg_start, seg_ls = ev.date, str(ev.get("legal_status", ""))
        elif ev.type == "left_care" and start_ev is not None and seg_start is not None:
            segs.append((seg_start, ev.date, seg_ls))
            periods.append(Period(len(periods) + 1, start_ev.date, ev.date, start_ev, ev, tuple(segs)))
            start_ev, seg_start = None, None
    if start_ev is not None and seg_start is not None:
        segs.append((seg_start, None, seg_ls))
        periods.append(Period(len(periods) + 1, start_ev.date, None, start_ev, None, tuple(segs)))
    return periods


# --------------------------------------------------------------------------- the context

Closer = Callable[[date], "tuple[date, str] | None"]


class Ctx:
    """One child's computation: sorted events, periods, and the items found so far."""

    def __init__(
        self,
        facts: ChildFacts,
        today: date,
        config: RuleConfig,
        terms: Sequence[Term],
        *,
        strict_terms: bool = True,
    ) -> None:
        self.facts = facts
        self.dob = facts.date_of_birth
        self.today = today
        self.config = config
        self.school = SchoolCalendar.of(terms)
        self.events = sorted(facts.events, key=lambda e: (e.date, e.index))
        self.periods = periods_of(self.events)
        self.items: list[Item] = []
        #: False in the application: a school-day item that needs an academic year with
        #: no term dates is left out and its year noted here (rules.md §8.9).
        self.strict_terms = strict_terms
        self.waiting_for_terms: set[str] = set()

    def of_type(self, *types: str) -> list[Event]:
        return [e for e in self.events if e.type in types]

    def in_period(self, p: Period, *types: str, since: date | None = None) -> list[Event]:
        """Events of ``types`` belonging to period ``p``, dated on or after ``since``."""
        low = p.start if since is None else since
        return [e for e in self.events if e.type in types and low <= e.date and p.contains_event(e.date)]

    def period_on(self, day: date) -> Period | None:
        """The period an event dated ``day`` belongs to; on a same-day leave and re-entry,
        the new period."""
        found = None
        for p in self.periods:
            if p.contains_event(day):
                found = p
        return found

    def bday(self, age: int) -> date:
        return birthday(self.dob, age)

    def add(
        self,
        rule: Rule,
        key: str,
        due: date,
        because: str,
        *,
        done: Event | None = None,
        completed: date | None = None,
        completed_by: str | None = None,
        closing: tuple[date, str] | None = None,
        missed_why: str | None = None,
        sequence: int | None = None,
        term: str | None = None,
        age: int | None = None,
    ) -> Item:
        if done is not None:
            completed, completed_by = done.date, done.ref
        closed_on = None
        if completed is not None:
            status = item_status(due, completed, self.today, self.config.due_soon_days)
            late = (completed - due).days
            tail = (
                f"Done on {d(completed)}, on time."
                if late <= 0
                else f"Done on {d(completed)}, {days_text(late)} late."
            )
        elif closing is not None:
            status = "closed"
            closed_on = closing[0]
            tail = f"Closed on {d(closed_on)}: {closing[1]}; kept for history."
        elif missed_why is not None:
            status = "missed"
            tail = f"Missed: {missed_why}."
        else:
            status = item_status(due, None, self.today, self.config.due_soon_days)
            gap = (due - self.today).days
            if status == "overdue":
                tail = f"Not done; {days_text(-gap)} overdue."
            elif gap == 0:
                tail = "Not done; due today."
            else:
                tail = f"Not done; due in {days_text(gap)}."
        item = Item(
            kind=rule.kind,
            sequence=sequence,
            term=term,
            age=age,
            due=due,
            completed=completed,
            status=status,
            explanation=f"{because} ({rule.source}). {tail}",
            completed_by=completed_by if completed is not None else None,
            closed_on=closed_on,
            key_hint=key,
        )
        self.items.append(item)
        return item


def period_closer(p: Period) -> Closer:
    def close(_due: date) -> tuple[date, str] | None:
        if p.end is not None:
            return p.end, "the period of care ended before it was done"
        return None

    return close


def chain(
    ctx: Ctx,
    rule: Rule,
    *,
    first_anchor: date,
    offset_for: Callable[[int, date], Offset],
    because: Callable[[int, Offset, date, Shift], str],
    candidates: Sequence[Event],
    key_suffix: str,
    generate_until: date | None,
    stop_generating: date | None = None,
    close: Closer | None = None,
    numbered: bool = False,
    sequence: int | None = None,
) -> None:
    """A repeating kind: item 1 from ``first_anchor``; each next one from the date the
    previous one was actually done (rules.md §2). Item n is completed by the n-th
    candidate event (in date order, all on or after ``first_anchor``), early or late.

    ``generate_until``: no new item once an item is done on or after this date (the end
    of care, of a placement, of a spell out of care). ``stop_generating``: items falling
    due on or after this date are not generated. ``close(due)`` gives (closed_on, why)
    for an open item, or None. Items carry ``sequence`` (or their number if ``numbered``).
    """
    anchor = first_anchor
    for n, done in enumerate([*candidates, None], start=1):
        offset = offset_for(n, anchor)
        shift = offset.shift(anchor, ctx.school)
        if stop_generating is not None and shift.due >= stop_generating:
            return
        text = because(n, offset, anchor, shift)
        key = f"{rule.kind}#{n}@{key_suffix}"
        seq = n if numbered else sequence
        if done is not None:
            ctx.add(rule, key, shift.due, text, done=done, sequence=seq)
            anchor = done.date
            if generate_until is not None and anchor >= generate_until:
                return
            continue
        closing = close(shift.due) if close else None
        ctx.add(rule, key, shift.due, text, closing=closing, sequence=seq)
