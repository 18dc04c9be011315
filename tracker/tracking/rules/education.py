"""Education while looked after: the initial PEP and one PEP per school term (rules.md §3,
§8.2, §8.9). None during short breaks (§9)."""

from __future__ import annotations

from datetime import date, timedelta

from ..calendars import (
    MissingTermDates,
    Term,
    academic_year_of,
    academic_year_start,
    academic_years_between,
)
from .core import Ctx, Event, Period, d, period_closer, shift_text
from .events import EventType
from .timescales import EDUCATION_GUIDANCE, Clock, EndOfTerm, Rule, SchoolDays

INITIAL_PEP = Rule(
    kind="initial_pep",
    title="Initial personal education plan",
    text=(
        "The first PEP is due {first} after the child starts to be looked after (or after "
        "short breaks end), for a child aged {from_age} or over and under {until_age} on "
        "that date."
    ),
    clocks=(
        Clock(
            "first",
            "the date the child started to be looked after (DECOM), or the end of short breaks",
            SchoolDays(20),
        ),
    ),
    completed_by="the first PEP held in the period of care",
    recurrence="once per period of care",
    applicability="children aged 3 to 17 on the date care starts, except during short breaks",
    closes="when the period of care ends",
    source=EDUCATION_GUIDANCE,
    params={"from_age": 3, "until_age": 18},
)

PEP = Rule(
    kind="pep",
    title="Termly personal education plan",
    text=(
        "A PEP is due in every school term that starts after the child started to be looked "
        "after and before they leave care, by {term}, while the child is aged {from_age} or "
        "over and under {until_age} on the term's first day. A PEP held in a holiday counts "
        "for the next term; a term that ends with no PEP is missed."
    ),
    clocks=(Clock("term", "the first day of the term", EndOfTerm()),),
    completed_by="a PEP held in the term (half term included) or in the holiday before it",
    recurrence="one per school term",
    applicability="children aged 3 to 17 on the term's first day, except during short breaks",
    closes="when the period of care ends during the term",
    source=EDUCATION_GUIDANCE,
    windowed=True,
    params={"from_age": 3, "until_age": 18},
)

RULES = (INITIAL_PEP, PEP)

EVENTS = (EventType("pep_held"),)


def education(ctx: Ctx, p: Period) -> None:
    start = p.full_from
    if start is None:
        return
    peps = ctx.in_period(p, "pep_held", since=start)
    b3, b18 = ctx.bday(int(PEP.params["from_age"])), ctx.bday(int(PEP.params["until_age"]))
    _initial_pep(ctx, p, start, peps)
    _termly_peps(ctx, p, start, peps, b3, b18)


def _initial_pep(ctx: Ctx, p: Period, start: date, peps: list[Event]) -> None:
    low = ctx.bday(int(INITIAL_PEP.params["from_age"]))
    high = ctx.bday(int(INITIAL_PEP.params["until_age"]))
    if not low <= start < high:
        return
    offset = INITIAL_PEP.offset_of("first")
    try:
        shift = offset.shift(start, ctx.school)
    except MissingTermDates as exc:
        if ctx.strict_terms:
            raise
        ctx.waiting_for_terms.add(exc.academic_year)
        return
    ctx.add(
        INITIAL_PEP,
        f"initial_pep@{d(p.start)}",
        shift.due,
        f"Initial PEP: {offset.describe()} after {p.full_from_text()}{shift_text(shift)} = "
        f"{d(shift.due)}; child aged 3 to 17 on that date",
        done=peps[0] if peps else None,
        closing=period_closer(p)(shift.due),
    )


def _termly_peps(
    ctx: Ctx, p: Period, start: date, peps: list[Event], b3: date, b18: date
) -> None:
    """One item per term starting after ``start``, before the leaving date (§8.2) and on
    or before today, while aged 3 to 17 on its first day."""
    last_start = ctx.today if p.end is None else min(ctx.today, p.end - timedelta(days=1))
    first_day = max(start + timedelta(days=1), b3)
    last_day = min(last_start, b18 - timedelta(days=1))
    missing = [y for y in academic_years_between(first_day, last_day) if not ctx.school.has_year(y)]
    if missing:
        if ctx.strict_terms:
            raise MissingTermDates(missing[0])
        ctx.waiting_for_terms.update(missing)
    offset = PEP.offset_of("term")
    for term in ctx.school.terms_starting_in(start, last_start):
        if not b3 <= term.start < b18:
            continue
        due = offset.apply(term.start, ctx.school)
        opens = _holiday_before(ctx, term)
        done = next((e for e in peps if opens <= e.date <= due), None)
        because = (
            f"Termly PEP for {term.label}: by {offset.describe()} ({d(term.start)} to {d(due)}, "
            f"half term {d(term.half_term_start)} to {d(term.half_term_end)} included); a PEP "
            f"held in the holiday before the term (from {d(opens)}) counts for it"
        )
        closing = None
        missed = None
        if done is None:
            if p.end is not None and p.end <= due:
                closing = (p.end, "the period of care ended during the term")
            elif ctx.today > due:
                missed = f"the term ended on {d(due)} with no PEP held for it"
        ctx.add(
            PEP,
            f"pep@{term.label}",
            due,
            because,
            done=done,
            closing=closing,
            missed_why=missed,
            term=term.label,
        )


def _holiday_before(ctx: Ctx, term: Term) -> date:
    """The first day of the holiday before ``term``: the day after the previous term
    ended, or 1 August of its academic year if the previous academic year has no terms."""
    previous = ctx.school.previous_term_before(term.start)
    year_start = academic_year_start(term.academic_year)
    year_before = academic_year_of(year_start - timedelta(days=1))
    if previous is not None and previous.academic_year in (term.academic_year, year_before):
        return previous.end + timedelta(days=1)
    return min(term.start, year_start)
