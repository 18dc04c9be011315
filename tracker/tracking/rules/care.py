"""Care planning while looked after: statutory reviews (with the short-break regime of
reg 48), the care plan and the plan for permanence (rules.md §3 and §9)."""

from __future__ import annotations

from datetime import date

from .core import SHORT_BREAK_LEGAL_STATUSES, Ctx, Period, d, period_closer, shift_text
from .events import LEGAL_STATUSES, REASONS_CEASED, EventType, choice, code
from .timescales import CPPCR, Clock, Months, Offset, Rule, WorkingDays

REVIEW = Rule(
    kind="review",
    title="Statutory review",
    text=(
        "The first review is due {first} after the child starts to be looked after, the "
        "second {second} after the first was held, and every later one {next} after the "
        "previous one was held. Reviews may be held early; the next one is always dated from "
        "the date actually held. For an agreed series of short breaks (legal status "
        "{short_break_statuses} when care starts) the first review is due "
        "{short_break_first} after care starts and every later one {short_break_next} after "
        "the previous one. When the legal status changes from short breaks to any other, "
        "the numbering carries on: if no review has been held yet the open one is due "
        "{first} after the change, otherwise the usual chain applies."
    ),
    clocks=(
        Clock(
            "first",
            "the date the child started to be looked after (DECOM), or the end of short breaks",
            WorkingDays(20),
        ),
        Clock("second", "the date review 1 was held", Months(3)),
        Clock("next", "the date the previous review was held", Months(6)),
        Clock("short_break_first", "the start of a period of short breaks", Months(3)),
        Clock("short_break_next", "the previous review, during short breaks", Months(6)),
    ),
    completed_by="a review held",
    recurrence="repeats while looked after: review 1, 2, 3, ...",
    applicability="every child in a period of care; numbering restarts in a new period",
    closes="when the period of care ends",
    source=f"{CPPCR}, reg 33(1), 33(2), 33(3); reg 48 for short breaks",
    params={"short_break_statuses": tuple(sorted(SHORT_BREAK_LEGAL_STATUSES))},
)

CARE_PLAN = Rule(
    kind="care_plan",
    title="Care plan",
    text=(
        "A care plan is due {first} after the child starts to be looked after (or after "
        "short breaks end), even if the first placement starts later. One per period of "
        "care; none during short breaks."
    ),
    clocks=(
        Clock(
            "first",
            "the date the child started to be looked after (DECOM), or the end of short breaks",
            WorkingDays(10),
        ),
    ),
    completed_by="the care plan, completed on or after that date",
    recurrence="once per period of care",
    applicability="every child in a period of care, except during short breaks",
    closes="when the period of care ends",
    source=f"{CPPCR}, reg 4(2)",
)

PERMANENCE_PLAN = Rule(
    kind="permanence_plan",
    title="Plan for permanence",
    text=(
        "A permanence plan is due by the second review: {held} after review 1 was held or, "
        "while review 1 has not been held, {not_held} after its due date. After short "
        "breaks, it is dated from the first review held (or due) after they ended."
    ),
    clocks=(
        Clock("held", "the date review 1 was held", Months(3)),
        Clock("not_held", "the due date of review 1 (not yet held)", Months(3)),
    ),
    completed_by="the plan for permanence agreed",
    recurrence="once per period of care",
    applicability="every child in a period of care, except during short breaks",
    closes="when the period of care ends",
    source=f"{CPPCR}, reg 33 (permanence by the second review: statutory guidance)",
)

RULES = (REVIEW, CARE_PLAN, PERMANENCE_PLAN)

PERMANENCE_PLANS = (
    "return_home",
    "adoption",
    "sgo",
    "cao",
    "long_term_fostering",
    "residential",
    "independence",
)

#: Events of a period of care, and those completing its reviews and plans.
EVENTS = (
    EventType("entered_care", {
        "legal_status": (False, code(LEGAL_STATUSES, "a 903 legal status code (codes.md 6.2)")),
    }),
    EventType("legal_status_changed", {
        "legal_status": (True, code(LEGAL_STATUSES, "a 903 legal status code (codes.md 6.2)")),
    }),
    EventType("left_care", {
        "reason": (False, code(REASONS_CEASED, "a 903 reason episode ceased code (codes.md 6.6)")),
    }),
    EventType("review_held"),
    EventType("care_plan_completed"),
    EventType("permanence_plan_agreed", {"plan": (False, choice(PERMANENCE_PLANS))}),
)


def care_planning(ctx: Ctx, p: Period) -> None:
    """Reviews, care plan and permanence plan of one period of care."""
    first_full_due, first_full_held = _reviews(ctx, p)
    full_from = p.full_from
    if full_from is None:
        return  # short breaks only: reviews are the only items
    _care_plan(ctx, p, full_from)
    _permanence_plan(ctx, p, full_from, first_full_due, first_full_held)


def _reviews(ctx: Ctx, p: Period) -> tuple[date | None, date | None]:
    """The review chain (rules.md §3, §9 short breaks). Returns the due date of the first
    review under the full regime and the date it was held (None if none)."""
    reviews = ctx.in_period(p, "review_held")
    x = p.full_from if p.short_breaks else None
    close = period_closer(p)
    anchor = p.start
    first_full: tuple[date | None, date | None] = (None, None)
    for n, done in enumerate([*reviews, None], start=1):
        short = p.short_breaks and (x is None or (done is not None and done.date < x))
        offset, start, because = _review_clock(ctx, p, n, anchor, short, x)
        shift = offset.shift(start)
        text = f"{because}{shift_text(shift)} = {d(shift.due)}"
        if not short and first_full == (None, None):
            first_full = (shift.due, done.date if done is not None else None)
        key = f"review#{n}@{d(p.start)}"
        if done is not None:
            ctx.add(REVIEW, key, shift.due, text, done=done, sequence=n)
            anchor = done.date
            if p.end is not None and anchor >= p.end:
                break
            continue
        ctx.add(REVIEW, key, shift.due, text, closing=close(shift.due), sequence=n)
    return first_full


def _review_clock(
    ctx: Ctx, p: Period, n: int, anchor: date, short: bool, x: date | None
) -> tuple[Offset, date, str]:
    """Which clock review ``n`` runs on, from when, and why (in words)."""
    if short:
        if n == 1:
            offset = REVIEW.offset_of("short_break_first")
            return offset, p.start, (
                f"First review of short breaks: {offset.describe()} after entering care on "
                f"{d(p.start)} under legal status {p.start_status}"
            )
        offset = REVIEW.offset_of("short_break_next")
        return offset, anchor, (
            f"Review {n} of short breaks: {offset.describe()} after review {n - 1} was held "
            f"on {d(anchor)}"
        )
    if n == 1:
        offset = REVIEW.offset_of("first")
        start = x if x is not None else p.start
        return offset, start, f"First statutory review: {offset.describe()} after {p.full_from_text()}"
    offset = REVIEW.offset_of("second" if n == 2 else "next")
    return offset, anchor, (
        f"Statutory review {n}: {offset.describe()} after review {n - 1} was held on {d(anchor)}"
    )


def _care_plan(ctx: Ctx, p: Period, full_from: date) -> None:
    offset = CARE_PLAN.offset_of("first")
    shift = offset.shift(full_from)
    done = next(iter(ctx.in_period(p, "care_plan_completed", since=full_from)), None)
    ctx.add(
        CARE_PLAN,
        f"care_plan@{d(p.start)}",
        shift.due,
        f"Care plan: {offset.describe()} after {p.full_from_text()}{shift_text(shift)} "
        f"= {d(shift.due)}",
        done=done,
        closing=period_closer(p)(shift.due),
    )


def _permanence_plan(
    ctx: Ctx, p: Period, full_from: date, review_due: date | None, review_held: date | None
) -> None:
    """By the second review: from the first review under the full regime (rules.md §3, §9
    reading 2)."""
    if review_due is None:
        return  # care ended before any review under the full regime
    held_words = "review 1" if not p.short_breaks else "the first review after short breaks"
    if review_held is not None:
        offset = PERMANENCE_PLAN.offset_of("held")
        due = offset.apply(review_held)
        because = (
            f"Plan for permanence by the second review: {offset.describe()} after "
            f"{held_words} was held on {d(review_held)} = {d(due)}"
        )
    else:
        offset = PERMANENCE_PLAN.offset_of("not_held")
        due = offset.apply(review_due)
        because = (
            f"Plan for permanence by the second review: {held_words} not yet held, so "
            f"{offset.describe()} after its due date {d(review_due)} = {d(due)}"
        )
    done = next(iter(ctx.in_period(p, "permanence_plan_agreed", since=full_from)), None)
    ctx.add(
        PERMANENCE_PLAN,
        f"permanence_plan@{d(p.start)}",
        due,
        because,
        done=done,
        closing=period_closer(p)(due),
    )
