"""The pure rules engine: a child's facts and a date in, tracked items out.

``compute_items(facts, today, config, terms)`` implements rules.md exactly, taking every
timescale from the rules table (``rules.py``). It never reads the clock, the database or
Flask: the web app, the scheduled jobs and ``tracker rules explain`` all call it.

Decisions on points rules.md leaves open (agreed with the application's owner):

1. Events are used as given: the app refuses future-dated facts; the engine does not
   filter events by ``today``.
2. Items of a period of care are generated while looked after: the first items at the
   date care started (DECOM), each next repeating item when the previous one is
   completed within the period. An item still open on the ``left_care`` date becomes
   ``closed`` (``closed_on`` = that date), even if it falls due after leaving care.
   Events dated after the period ended never complete that period's items. A new
   period of care starts every sequence again (review 1, initial health assessment,
   dental from DECOM, SDQ, initial PEP, permanence plan).
3. Completion takes the FIRST matching event on or after the item's anchor (the event
   that started the clock); for reviews, health assessments, dental checks and SDQs that
   is the first such event after the one that completed the previous item, early or
   late. A ``health_assessment`` of kind ``review`` while the initial health assessment
   is still open completes nothing (only kind ``initial`` completes it).
4. SDQ: a child under 4 at DECOM gets an ``sdq`` item due 12 months after the later of
   DECOM and the 4th birthday, if that is before the 17th birthday. An open ``sdq``
   becomes ``closed`` (``closed_on`` = 17th birthday) once ``today`` is on or after the
   17th birthday; an SDQ dated on or after the 17th birthday completes nothing.
5. "Aged 3 to 17" means 3rd birthday <= date < 18th birthday. Birthdays use the same
   month arithmetic as the rules (date of birth + 12·n months, clamped), so a child born
   on 29 February has their birthday on 28 February in years that are not leap years.
6. Terms: a ``pep`` item exists for each term whose first day is strictly after DECOM,
   on or before ``today`` and on or before the ``left_care`` date. If care ends on or
   before the term's last day with no PEP, the item is ``closed``; a term that has ended
   with no PEP is ``missed``; ``overdue`` never applies to ``pep``. A PEP held in a school
   holiday counts for the next term; a PEP held in half term counts for that term.
7. The initial PEP is completed by the first ``pep_held`` of the period on or after DECOM.
8. Pre-proceedings: each ``pre_proceedings_started`` opens one item, completed by the
   first ``pre_proceedings_ended`` or ``proceedings_issued`` on or after it. Proceedings:
   each ``proceedings_issued`` opens one item; each ``proceedings_extended`` dated on or
   after the issue date and before the final order adds its weeks; completed by the
   first ``final_order`` on or after the issue date. Neither closes when care starts or
   ends.
9. Care leavers: the eligibility count counts looked-after days from the 14th birthday
   (the day care starts counts, the ``left_care`` day does not, days under V3/V4 do
   not). Care-leaver items are generated only once the eligibility date is on or before
   ``today``. "Left care" for ``pathway_plan_review``, ``pa_contact`` and
   ``pa_visit_after_move`` is the latest ``left_care`` on or after the eligibility date
   with no later re-entry; while back in care those items are not generated, and on
   leaving again their clocks restart. Support ends at the 21st birthday (25th if any
   ``pa_extended_to_25`` was recorded): no such item is generated falling due on or
   after that date, an open one becomes ``closed`` once ``today`` reaches it, and events
   on or after it complete nothing. ``needs_assessment`` and ``pathway_plan`` are not
   closed by leaving care.
10. ``care_leaver_birthday_data`` for age n in 18..21 exists when (n-th birthday - 3
    months) <= ``today``, the eligibility date is reached, and the young person left
    care on or before the birthday (not followed by re-entry before it). Completed by
    the first ``care_leaver_data_recorded`` from 3 months before to 1 month after the
    birthday; ``missed`` once ``today`` is after the due date with nothing recorded.
11. Explanations are plain English: rule, source, start date, numbers used, bank
    holidays skipped (by name and date), school holidays and half terms skipped.

Further choices made here, where neither rules.md nor the decisions above settle it:

* An event dated on the ``left_care`` date still belongs to the period (it can complete
  an item), but no new item of that period is created on or after that date.
* Only the first ``health_assessment`` of kind ``initial`` in a period counts.
* ``needs_assessment`` and ``pathway_plan`` are completed by events on or after their
  anchor (the later of the 16th birthday and the eligibility date), per decision 3.
* A pathway plan rewritten after leaving care (``pathway_plan_completed``) counts as a
  review of the plan, like ``pathway_plan_reviewed``. The first ``pathway_plan_review``
  and ``pa_contact`` after leaving care are completed only by events dated strictly
  after their anchor (a contact on the leaving date *is* "the last contact"); a move on
  the leaving date is not "after leaving care".
* If care ends on or before a term's last day with no PEP for it, its item is ``closed``.
* Before the first configured term, the "holiday before the term" starts on 1 August.
  The termly-PEP check for missing term dates covers the academic years between DECOM
  and the earlier of ``today`` and ``left_care``, limited to ages 3 to 17.
* A ``proceedings_extended`` dated on the final order's date does not extend.
* "Qualifying" counts only days looked after other than short breaks (V3/V4) and, read
  literally, includes a 16/17-year-old still looked after but not (yet) eligible.
  ``CareLeaverStatus.eligibility_date`` is set once reached; a future one is reported as
  ``projected_eligibility_date``. After support ends the category is ``not_care_leaver``.
* Items equal on (due, kind, sequence/term/age) are ordered by key.
* Event type ``action`` (fields ``id``, ``title``, ``due``, optional ``completed`` and
  ``set_by``) gives an ``action`` item; actions are never closed by leaving care.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from typing import Any

from . import rules as R
from .calendars import (
    DEFAULT_TERMS,
    CalendarError,
    SchoolCalendar,
    Shift,
    Term,
    academic_year_start,
    add_months,
    birthday,
)
from .rules import RULES_BY_KIND, Offset, clock, default_for

__all__ = [
    "CalendarError",
    "CareLeaverStatus",
    "ChildFacts",
    "Event",
    "Item",
    "RuleConfig",
    "STATUSES",
    "care_leaver_status",
    "compute_items",
    "item_status",
]

STATUSES = ("done_on_time", "done_late", "overdue", "due_soon", "upcoming", "missed", "closed")
OPEN_STATUSES = frozenset({"overdue", "due_soon", "upcoming"})


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


@dataclass(frozen=True)
class ChildFacts:
    child_id: str
    date_of_birth: date
    events: tuple[Event, ...] = ()


@dataclass(frozen=True)
class RuleConfig:
    """Every number marked (config) in rules.md; defaults come from the rules table."""

    due_soon_days: int = default_for("due_soon_days")
    dental_months: int = default_for("dental_months")
    pre_proceedings_weeks: int = default_for("pre_proceedings_weeks")

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


# --------------------------------------------------------------------------- helpers


def _d(d: date | None) -> str:
    return d.isoformat() if d else ""


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _shift_text(shift: Shift) -> str:
    skipped = shift.skipped_text()
    return f", skipping {skipped}" if skipped else ""


@dataclass(frozen=True)
class _Period:
    start: date
    end: date | None  # the left_care date: not looked after on that day
    start_event: Event
    end_event: Event | None
    # (from, to exclusive or None, legal status)
    segments: tuple[tuple[date, date | None, str], ...]

    def contains_event(self, d: date) -> bool:
        return self.start <= d and (self.end is None or d <= self.end)

    def looked_after_on(self, d: date) -> bool:
        return self.start <= d and (self.end is None or d < self.end)


def _periods(events: Sequence[Event]) -> list[_Period]:
    periods: list[_Period] = []
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
            periods.append(_Period(start_ev.date, ev.date, start_ev, ev, tuple(segs)))
            start_ev, seg_start = None, None
    if start_ev is not None and seg_start is not None:
        segs.append((seg_start, None, seg_ls))
        periods.append(_Period(start_ev.date, None, start_ev, None, tuple(segs)))
    return periods


class _Ctx:
    def __init__(self, facts: ChildFacts, today: date, config: RuleConfig, terms: Sequence[Term]):
        self.facts = facts
        self.dob = facts.date_of_birth
        self.today = today
        self.config = config
        self.school = SchoolCalendar.of(terms)
        self.events = sorted(facts.events, key=lambda e: (e.date, e.index))
        self.periods = _periods(self.events)
        self.items: list[Item] = []

    def of_type(self, *types: str) -> list[Event]:
        return [e for e in self.events if e.type in types]

    def bday(self, age: int) -> date:
        return birthday(self.dob, age)

    def add(
        self,
        kind: str,
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
        rule = RULES_BY_KIND[kind]
        if done is not None:
            completed, completed_by = done.date, done.ref
        closed_on = None
        if completed is not None:
            status = item_status(due, completed, self.today, self.config.due_soon_days)
            late = (completed - due).days
            tail = (
                f"Done on {_d(completed)}, on time."
                if late <= 0
                else f"Done on {_d(completed)}, {_days(late)} late."
            )
        elif closing is not None:
            status = "closed"
            closed_on = closing[0]
            tail = f"Closed on {_d(closed_on)}: {closing[1]}; kept for history."
        elif missed_why is not None:
            status = "missed"
            tail = f"Missed: {missed_why}."
        else:
            status = item_status(due, None, self.today, self.config.due_soon_days)
            gap = (due - self.today).days
            if status == "overdue":
                tail = f"Not done; {_days(-gap)} overdue."
            elif gap == 0:
                tail = "Not done; due today."
            else:
                tail = f"Not done; due in {_days(gap)}."
        explanation = f"{because} ({rule.source}). {tail}"
        item = Item(
            kind=kind,
            sequence=sequence,
            term=term,
            age=age,
            due=due,
            completed=completed,
            status=status,
            explanation=explanation,
            completed_by=completed_by if completed is not None else None,
            closed_on=closed_on,
            key_hint=key,
        )
        self.items.append(item)
        return item


# --------------------------------------------------------------------------- repeating chains


def _chain(
    ctx: _Ctx,
    *,
    kind: str,
    first_anchor: date,
    offset_for: Callable[[int, date], Offset],
    because: Callable[[int, Offset, date, Shift], str],
    candidates: list[Event],
    key_suffix: str,
    generate_until: date | None,
    stop_generating: date | None = None,
    close: Closer | None = None,
    numbered: bool = False,
) -> None:
    """A repeating kind: item 1 from ``first_anchor``; each next one from the date the
    previous one was actually done. Item n is completed by the n-th candidate event (the
    candidates are in date order and all on or after ``first_anchor``).

    ``generate_until``: no new item is created on or after this date (end of care).
    ``stop_generating``: items falling due on or after this date are not generated.
    ``close(due)`` returns (closed_on, why) if an open item is closed, else None.
    """
    anchor = first_anchor
    for n, done in enumerate([*candidates, None], start=1):
        offset = offset_for(n, anchor)
        shift = offset.shift(anchor, ctx.school)
        if stop_generating is not None and shift.due >= stop_generating:
            return
        text = because(n, offset, anchor, shift)
        key = f"{kind}#{n}@{key_suffix}"
        seq = n if numbered else None
        if done is not None:
            ctx.add(kind, key, shift.due, text, done=done, sequence=seq)
            anchor = done.date
            if generate_until is not None and anchor >= generate_until:
                return
            continue
        ctx.add(
            kind, key, shift.due, text, closing=close(shift.due) if close else None, sequence=seq
        )


Closer = Callable[[date], "tuple[date, str] | None"]


def _period_closer(p: _Period) -> Closer:
    def close(_due: date) -> tuple[date, str] | None:
        if p.end is not None:
            return p.end, "the period of care ended before it was done"
        return None

    return close


# --------------------------------------------------------------------------- child in care


def _period_items(ctx: _Ctx, p: _Period) -> None:
    decom = p.start
    suffix = _d(decom)
    in_period = [e for e in ctx.events if p.contains_event(e.date)]
    close = _period_closer(p)

    def of(*types: str) -> list[Event]:
        return [e for e in in_period if e.type in types]

    # Reviews (CPPCR reg 33)
    def review_offset(n: int, _anchor: date) -> Offset:
        return clock("review", "first" if n == 1 else "second" if n == 2 else "next")

    def review_because(n: int, offset: Offset, anchor: date, shift: Shift) -> str:
        if n == 1:
            return (
                f"First statutory review: {offset.describe()} after entering care on "
                f"{_d(anchor)}{_shift_text(shift)} = {_d(shift.due)}"
            )
        return (
            f"Statutory review {n}: {offset.describe()} after review {n - 1} was held on "
            f"{_d(anchor)} = {_d(shift.due)}"
        )

    reviews = of("review_held")
    _chain(
        ctx,
        kind="review",
        first_anchor=decom,
        offset_for=review_offset,
        because=review_because,
        candidates=reviews,
        key_suffix=suffix,
        generate_until=p.end,
        close=close,
        numbered=True,
    )
    review1_due = review_offset(1, decom).apply(decom)
    review1_held = reviews[0].date if reviews else None

    # Initial health assessment, then review health assessments
    iha_offset = clock("initial_health_assessment", "first")
    iha_shift = iha_offset.shift(decom)
    assessments = of("health_assessment")
    iha = next((e for e in assessments if e.get("kind") == "initial"), None)
    ctx.add(
        "initial_health_assessment",
        f"initial_health_assessment@{suffix}",
        iha_shift.due,
        f"Initial health assessment: {iha_offset.describe()} after entering care on "
        f"{_d(decom)}{_shift_text(iha_shift)} = {_d(iha_shift.due)}",
        done=iha,
        closing=close(iha_shift.due),
    )
    if iha is not None and (p.end is None or iha.date < p.end):
        under = R.HEALTH_UNDER_AGE
        b5 = ctx.bday(under)

        def rha_offset(_n: int, anchor: date) -> Offset:
            return clock("review_health_assessment", "under_5" if anchor < b5 else "5_and_over")

        def rha_because(_n: int, offset: Offset, anchor: date, shift: Shift) -> str:
            age_note = f"under {under}" if anchor < b5 else f"aged {under} or over"
            return (
                f"Review health assessment: {offset.describe()} after the last health "
                f"assessment on {_d(anchor)} (child {age_note} on that date; 5th birthday "
                f"{_d(b5)}) = {_d(shift.due)}"
            )

        _chain(
            ctx,
            kind="review_health_assessment",
            first_anchor=iha.date,
            offset_for=rha_offset,
            because=rha_because,
            candidates=[
                e
                for e in assessments
                if e.get("kind") == "review" and (e.date, e.index) > (iha.date, iha.index)
            ],
            key_suffix=suffix,
            generate_until=p.end,
            close=close,
        )

    # Dental checks
    def dental_because(n: int, offset: Offset, anchor: date, shift: Shift) -> str:
        since = (
            f"entering care on {_d(anchor)} (no dental check yet in this period of care)"
            if n == 1
            else f"the last dental check on {_d(anchor)}"
        )
        return f"Dental check: {offset.describe()} (config dental_months) after {since} = {_d(shift.due)}"

    _chain(
        ctx,
        kind="dental_check",
        first_anchor=decom,
        offset_for=lambda n, _a: clock("dental_check", "first" if n == 1 else "next", ctx.config),
        because=dental_because,
        candidates=of("dental_check"),
        key_suffix=suffix,
        generate_until=p.end,
        close=close,
    )

    # SDQ: from the later of DECOM and the 4th birthday, never due from the 17th birthday
    b4, b17 = ctx.bday(R.SDQ_FROM_AGE), ctx.bday(R.SDQ_UNTIL_AGE)
    sdq_anchor = max(decom, b4)

    def sdq_close(_due: date) -> tuple[date, str] | None:
        options = []
        if p.end is not None:
            options.append((p.end, "the period of care ended before it was done"))
        if ctx.today >= b17:
            options.append((b17, "no SDQ is due from the 17th birthday"))
        return min(options) if options else None

    def sdq_because(n: int, offset: Offset, anchor: date, shift: Shift) -> str:
        if n > 1:
            since = f"the last SDQ on {_d(anchor)}"
        elif b4 > decom:
            since = (
                f"the 4th birthday on {_d(b4)} (later than entering care on {_d(decom)}), "
                f"no SDQ yet in this period of care"
            )
        else:
            since = f"entering care on {_d(decom)}, no SDQ yet in this period of care"
        return (
            f"SDQ: {offset.describe()} after {since} = {_d(shift.due)}; none is due on or "
            f"after the 17th birthday {_d(b17)}"
        )

    _chain(
        ctx,
        kind="sdq",
        first_anchor=sdq_anchor,
        offset_for=lambda n, _a: clock("sdq", "first" if n == 1 else "next"),
        because=sdq_because,
        candidates=[e for e in of("sdq") if sdq_anchor <= e.date < b17],
        key_suffix=suffix,
        generate_until=p.end,
        stop_generating=b17,
        close=sdq_close,
    )

    # Initial PEP and termly PEPs
    peps = of("pep_held")
    b3, b18 = ctx.bday(R.PEP_FROM_AGE), ctx.bday(R.PEP_UNTIL_AGE)
    if b3 <= decom < b18:
        offset = clock("initial_pep", "first")
        shift = offset.shift(decom, ctx.school)
        ctx.add(
            "initial_pep",
            f"initial_pep@{suffix}",
            shift.due,
            f"Initial PEP: {offset.describe()} after entering care on {_d(decom)}"
            f"{_shift_text(shift)} = {_d(shift.due)}; child aged 3 to 17 on that date",
            done=peps[0] if peps else None,
            closing=close(shift.due),
        )
    _termly_peps(ctx, p, peps, b3, b18)

    # Permanence plan: by the second review
    if review1_held is not None:
        pp_offset = clock("permanence_plan", "held")
        pp_due = pp_offset.apply(review1_held)
        because = (
            f"Plan for permanence by the second review: {pp_offset.describe()} after "
            f"review 1 was held on {_d(review1_held)} = {_d(pp_due)}"
        )
    else:
        pp_offset = clock("permanence_plan", "not_held")
        pp_due = pp_offset.apply(review1_due)
        because = (
            f"Plan for permanence by the second review: review 1 not yet held, so "
            f"{pp_offset.describe()} after its due date {_d(review1_due)} = {_d(pp_due)}"
        )
    plans = of("permanence_plan_agreed")
    ctx.add(
        "permanence_plan",
        f"permanence_plan@{suffix}",
        pp_due,
        because,
        done=plans[0] if plans else None,
        closing=close(pp_due),
    )


def _termly_peps(ctx: _Ctx, p: _Period, peps: list[Event], b3: date, b18: date) -> None:
    window_end = ctx.today if p.end is None else min(ctx.today, p.end)
    # Every academic year the termly PEPs could touch must have term dates.
    first_day = max(p.start + timedelta(days=1), b3)
    last_day = min(window_end, b18 - timedelta(days=1))
    ctx.school.require_years_between(first_day, last_day)
    offset = clock("pep", "term")
    for term in ctx.school.terms_starting_in(p.start, window_end):
        if not b3 <= term.start < b18:
            continue
        due = offset.apply(term.start, ctx.school)
        previous = ctx.school.previous_term_before(term.start)
        # The holiday before the term runs from the day after the previous term ended
        # (or, before the first configured term, from the start of its academic year).
        if previous is not None:
            opens = previous.end + timedelta(days=1)
        else:
            opens = min(term.start, academic_year_start(term.academic_year))
        done = next((e for e in peps if opens <= e.date <= due), None)
        because = (
            f"Termly PEP for {term.label}: by {offset.describe()} ({term.start.isoformat()} "
            f"to {_d(due)}, half term {_d(term.half_term_start)} to "
            f"{_d(term.half_term_end)} included); a PEP held in the holiday before the "
            f"term (from {_d(opens)}) counts for it"
        )
        closing = None
        missed = None
        if done is None:
            if p.end is not None and p.end <= due:
                closing = (p.end, "the period of care ended during the term")
            elif ctx.today > due:
                missed = f"the term ended on {_d(due)} with no PEP held for it"
        ctx.add(
            "pep",
            f"pep@{term.label}",
            due,
            because,
            done=done,
            closing=closing,
            missed_why=missed,
            term=term.label,
        )


# --------------------------------------------------------------------------- court work


def _court_items(ctx: _Ctx) -> None:
    weeks = clock("pre_proceedings", "first", ctx.config)
    enders = ctx.of_type("pre_proceedings_ended", "proceedings_issued")
    for start in ctx.of_type("pre_proceedings_started"):
        due = weeks.apply(start.date)
        done = next((e for e in enders if e.date >= start.date), None)
        because = (
            f"Pre-proceedings: {weeks.describe()} (config pre_proceedings_weeks) after "
            f"they started on {_d(start.date)} = {_d(due)}"
        )
        ctx.add("pre_proceedings", f"pre_proceedings@{_d(start.date)}", due, because, done=done)

    base = clock("proceedings", "first")
    finals = ctx.of_type("final_order")
    extensions = ctx.of_type("proceedings_extended")
    for issued in ctx.of_type("proceedings_issued"):
        final = next((e for e in finals if e.date >= issued.date), None)
        due = base.apply(issued.date)
        because = (
            f"Care proceedings: 26 weeks beginning with the issue date {_d(issued.date)}, "
            f"i.e. {base.describe()} later = {_d(due)}"
        )
        for ext in extensions:
            if ext.date < issued.date or (final is not None and ext.date >= final.date):
                continue
            n = int(ext.get("weeks", 0))
            due = R.Weeks(n).apply(due)
            because += f"; extended on {_d(ext.date)} by {n} weeks to {_d(due)}"
        ctx.add("proceedings", f"proceedings@{_d(issued.date)}", due, because, done=final)


# --------------------------------------------------------------------------- care leavers


@dataclass(frozen=True)
class _Eligibility:
    date: date | None  # computed eligibility date (may be after today: a projection)
    b14: date
    b16: date
    b18: date


def _counted_segments(ctx: _Ctx) -> Iterable[tuple[date, date]]:
    """Looked-after, not-short-break spans [from, to) from the 14th birthday, before the 18th."""
    b14, b18 = ctx.bday(R.ELIGIBILITY_COUNT_FROM_AGE), ctx.bday(R.ELIGIBILITY_UNTIL_AGE)
    for p in ctx.periods:
        for start, end, ls in p.segments:
            if ls in R.SHORT_BREAK_LEGAL_STATUSES:
                continue
            s = max(start, b14)
            e = b18 if end is None else min(end, b18)
            if s < e:
                yield s, e


def _eligibility(ctx: _Ctx) -> _Eligibility:
    b14 = ctx.bday(R.ELIGIBILITY_COUNT_FROM_AGE)
    b16 = ctx.bday(R.ELIGIBILITY_FROM_AGE)
    b18 = ctx.bday(R.ELIGIBILITY_UNTIL_AGE)
    need = R.ELIGIBILITY_DAYS.n
    total = 0
    found: date | None = None
    for s, e in _counted_segments(ctx):
        # the count on day d of this span is total + (d - s) + 1
        candidate = max(s, b16, s + timedelta(days=need - total - 1))
        if candidate < e:
            found = candidate
            break
        total += (e - s).days
    return _Eligibility(found, b14, b16, b18)


def _count_until(ctx: _Ctx, until_exclusive: date) -> int:
    return sum(max(0, (min(e, until_exclusive) - s).days) for s, e in _counted_segments(ctx))


def _support_end(ctx: _Ctx) -> tuple[date, bool]:
    extended = bool(ctx.of_type("pa_extended_to_25"))
    age = R.SUPPORT_EXTENDED_AGE if extended else R.SUPPORT_ENDS_AGE
    return ctx.bday(age), extended


def _looked_after_on(ctx: _Ctx, d: date) -> bool:
    return any(p.looked_after_on(d) for p in ctx.periods)


def _relevant_leaving(ctx: _Ctx, eligible_on: date) -> date | None:
    """The latest left_care on or after the eligibility date with no later re-entry."""
    if not ctx.periods:
        return None
    last = ctx.periods[-1]
    if last.end is not None and last.end >= eligible_on:
        return last.end
    return None


def _status_for(ctx: _Ctx) -> tuple[CareLeaverStatus, _Eligibility]:
    el = _eligibility(ctx)
    today = ctx.today
    support_end, extended = _support_end(ctx)
    b21 = ctx.bday(R.SUPPORT_ENDS_AGE)
    count_now = _count_until(ctx, today + timedelta(days=1))
    need = R.ELIGIBILITY_DAYS.n
    if el.date is not None and el.date <= today:
        reached = (
            f"{need // 7} weeks ({need} days) looked after since 14th birthday "
            f"{_d(el.b14)}, reached on {_d(el.date)}; 16th birthday {_d(el.b16)}"
        )
        left = _relevant_leaving(ctx, el.date)
        until = "25th birthday, support extended" if extended else "21st birthday"
        if today >= support_end:
            category = "not_care_leaver"
            reason = f"support ended on {_d(support_end)} ({until}); was eligible: {reached}"
        elif today >= el.b18:
            category = "former_relevant"
            reason = f"aged 18 or over, was eligible: {reached}; support until {_d(support_end)} ({until})"
        elif _looked_after_on(ctx, today):
            category = "eligible"
            reason = reached
        else:
            category = "relevant"
            reason = f"left care on {_d(left)} before the 18th birthday, was eligible: {reached}"
        return CareLeaverStatus(category, el.date, support_end, reason, count_now, None, left), el
    projected = el.date
    b16 = el.b16
    looked_after_16 = any(
        max(s, b16) <= min(e - timedelta(days=1), today) for s, e in _looked_after_spans(ctx)
    )
    counted = f"{count_now} days looked after since 14th birthday {_d(el.b14)} (needs {need})"
    if looked_after_16 and today < b21:
        reason = f"looked after on or after the 16th birthday {_d(b16)} but not eligible: {counted}"
        if projected is not None:
            reason += f"; would become eligible on {_d(projected)}"
        return CareLeaverStatus("qualifying", None, support_end, reason, count_now, projected), el
    reason = f"never eligible: {counted}"
    if projected is not None:
        reason += f"; would become eligible on {_d(projected)}"
    return CareLeaverStatus("not_care_leaver", None, None, reason, count_now, projected), el


def _looked_after_spans(ctx: _Ctx) -> Iterable[tuple[date, date]]:
    far = date.max
    for p in ctx.periods:
        for start, end, ls in p.segments:
            if ls not in R.SHORT_BREAK_LEGAL_STATUSES and (end is None or start < end):
                yield start, far if end is None else end


def care_leaver_status(
    facts: ChildFacts,
    today: date,
    config: RuleConfig | None = None,
    terms: Sequence[Term] = DEFAULT_TERMS,
) -> CareLeaverStatus:
    """The young person's care-leaver category as of ``today`` (rules.md section 4)."""
    ctx = _Ctx(facts, today, config or RuleConfig(), terms)
    return _status_for(ctx)[0]


def _care_leaver_items(ctx: _Ctx) -> None:
    _status, el = _status_for(ctx)
    elig = el.date
    if elig is None or elig > ctx.today:
        return
    support_end, extended = _support_end(ctx)
    which = "25th birthday (support extended)" if extended else "21st birthday"
    end_text = f"care leaver support ended on the {which} {_d(support_end)}"

    def close(_due: date) -> tuple[date, str] | None:
        return (support_end, end_text) if ctx.today >= support_end else None

    def before_end(*types: str) -> list[Event]:
        return [e for e in ctx.of_type(*types) if e.date < support_end]

    anchor = max(el.b16, elig)
    for kind, done_type in (
        ("needs_assessment", "needs_assessment_completed"),
        ("pathway_plan", "pathway_plan_completed"),
    ):
        offset = clock(kind, "first")
        due = offset.apply(anchor)
        if due >= support_end:
            continue
        done = next((e for e in before_end(done_type) if e.date >= anchor), None)
        ctx.add(
            kind,
            kind,
            due,
            f"{RULES_BY_KIND[kind].title}: {offset.describe()} after the later of the 16th "
            f"birthday {_d(el.b16)} and the eligibility date {_d(elig)} = {_d(due)}",
            done=done,
            closing=close(due),
        )

    left = _relevant_leaving(ctx, elig)
    if left is None:
        _birthday_data(ctx, elig)
        return

    plan = next((e for e in before_end("pathway_plan_completed") if e.date >= anchor), None)
    if plan is not None:
        a0 = max(left, plan.date)

        def ppr_because(n: int, offset: Offset, a: date, shift: Shift) -> str:
            if n == 1:
                since = (
                    f"leaving care on {_d(left)} (pathway plan of {_d(plan.date)})"
                    if a0 == left
                    else f"the pathway plan completed on {_d(a0)} (left care on {_d(left)})"
                )
            else:
                since = f"the last review of the plan on {_d(a)} (left care on {_d(left)})"
            return f"Pathway plan review: {offset.describe()} after {since} = {_d(shift.due)}"

        _chain(
            ctx,
            kind="pathway_plan_review",
            first_anchor=a0,
            offset_for=lambda _n, _a: clock("pathway_plan_review", "next"),
            because=ppr_because,
            candidates=[
                e
                for e in before_end("pathway_plan_reviewed", "pathway_plan_completed")
                if e.date > a0
            ],
            key_suffix=_d(left),
            generate_until=None,
            stop_generating=support_end,
            close=close,
        )

    def pac_because(n: int, offset: Offset, a: date, shift: Shift) -> str:
        since = (
            f"leaving care on {_d(a)}"
            if n == 1
            else f"the last contact on {_d(a)} (left care on {_d(left)})"
        )
        return f"Personal adviser contact: {offset.describe()} after {since} = {_d(shift.due)}"

    contacts = before_end("pa_contact")
    _chain(
        ctx,
        kind="pa_contact",
        first_anchor=left,
        offset_for=lambda _n, _a: clock("pa_contact", "next"),
        because=pac_because,
        candidates=[e for e in contacts if e.date > left],
        key_suffix=_d(left),
        generate_until=None,
        stop_generating=support_end,
        close=close,
    )

    visit = clock("pa_visit_after_move", "first")
    for move in ctx.of_type("accommodation_changed"):
        if move.date <= left:
            continue
        due = visit.apply(move.date)
        if due >= support_end:
            continue
        done = next((e for e in contacts if e.date >= move.date), None)
        ctx.add(
            "pa_visit_after_move",
            f"pa_visit_after_move@{_d(move.date)}",
            due,
            f"Personal adviser visit after a move: {visit.describe()} after moving on "
            f"{_d(move.date)} = {_d(due)} (left care on {_d(left)})",
            done=done,
            closing=close(due),
        )

    _birthday_data(ctx, elig)


def _left_care_by(ctx: _Ctx, b: date) -> date | None:
    """The leaving date if the young person left care on or before ``b`` and did not come
    back into care before ``b``."""
    started_before = [p for p in ctx.periods if p.start < b]
    if not started_before:
        return None
    last = started_before[-1]
    if last.end is not None and last.end <= b:
        return last.end
    return None


def _birthday_data(ctx: _Ctx, elig: date) -> None:
    due_offset = clock("care_leaver_birthday_data", "due")
    window = clock("care_leaver_birthday_data", "window_opens")
    records = ctx.of_type("care_leaver_data_recorded")
    for age in R.BIRTHDAY_DATA_AGES:
        b = ctx.bday(age)
        opens = add_months(b, -window.n)
        if opens > ctx.today:
            continue
        left = _left_care_by(ctx, b)
        if left is None:
            continue
        due = due_offset.apply(b)
        done = next((e for e in records if opens <= e.date <= due), None)
        because = (
            f"Care leaver data at age {age}: birthday {_d(b)}; recorded from "
            f"{window.describe()} before ({_d(opens)}) to {due_offset.describe()} after "
            f"({_d(due)}); was eligible from {_d(elig)} and left care on {_d(left)}"
        )
        missed = None
        if done is None and ctx.today > due:
            missed = f"the window closed on {_d(due)} with no data recorded"
        ctx.add(
            "care_leaver_birthday_data",
            f"care_leaver_birthday_data@{age}",
            due,
            because,
            done=done,
            missed_why=missed,
            age=age,
        )


# --------------------------------------------------------------------------- actions


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _actions(ctx: _Ctx) -> None:
    for ev in ctx.of_type("action"):
        due = _as_date(ev.get("due"))
        if due is None:
            continue
        completed = _as_date(ev.get("completed"))
        title = str(ev.get("title", "")).strip() or "untitled"
        who = ev.get("set_by")
        by = f" by {who}" if who else ""
        because = f'Action "{title}": set{by} on {_d(ev.date)}, due {_d(due)} as chosen'
        ident = str(ev.get("id", "")) or str(ev.index)
        ctx.add("action", f"action@{ident}", due, because, completed=completed, completed_by=ev.ref)


# --------------------------------------------------------------------------- entry points


def _sort_key(item: Item) -> tuple[Any, ...]:
    return (
        item.due,
        item.kind,
        item.sequence if item.sequence is not None else -1,
        item.term or "",
        item.age if item.age is not None else -1,
        item.key,
    )


def compute_items(
    facts: ChildFacts,
    today: date,
    config: RuleConfig | None = None,
    terms: Sequence[Term] = DEFAULT_TERMS,
) -> list[Item]:
    """Every tracked item for one child as of ``today``, history included, sorted by due
    date, kind, then sequence/term/age. Raises CalendarError if term dates are missing."""
    ctx = _Ctx(facts, today, config or RuleConfig(), terms)
    for period in ctx.periods:
        _period_items(ctx, period)
    _court_items(ctx)
    _care_leaver_items(ctx)
    _actions(ctx)
    items = sorted(ctx.items, key=_sort_key)
    seen: dict[str, int] = {}
    out = []
    for item in items:
        k = item.key
        if k in seen:
            seen[k] += 1
            item = Item(
                **{
                    **{f.name: getattr(item, f.name) for f in fields(item)},
                    "key_hint": f"{k}~{seen[k]}",
                }
            )
        else:
            seen[k] = 1
        out.append(item)
    return out
