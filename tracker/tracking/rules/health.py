"""Health while looked after: initial and review health assessments, dental checks and the
Strengths and Difficulties Questionnaire (rules.md §3). None during short breaks (§9)."""

from __future__ import annotations

from datetime import date

from ..calendars import Shift
from .core import Ctx, Period, chain, d, period_closer, shift_text
from .events import EventType, choice, int_between
from .timescales import CPPCR, HEALTH_GUIDANCE, Clock, Months, Offset, Rule, WorkingDays

INITIAL_HEALTH_ASSESSMENT = Rule(
    kind="initial_health_assessment",
    title="Initial health assessment",
    text=(
        "A health assessment is due {first} after the child starts to be looked after (the "
        "regulations require it before the first review)."
    ),
    clocks=(
        Clock(
            "first",
            "the date the child started to be looked after (DECOM), or the end of short breaks",
            WorkingDays(20),
        ),
    ),
    completed_by="an initial health assessment",
    recurrence="once per period of care",
    applicability="every child in a period of care, except during short breaks",
    closes="when the period of care ends",
    source=f"{CPPCR}, reg 7 (practice: 20 working days); {HEALTH_GUIDANCE}",
)

REVIEW_HEALTH_ASSESSMENT = Rule(
    kind="review_health_assessment",
    title="Review health assessment",
    text=(
        "After the initial health assessment, a review health assessment is due {young} "
        "after the last assessment if the child was under {under_age} on that date, "
        "otherwise {older} after it."
    ),
    clocks=(
        Clock("young", "the last health assessment, child under 5 on that date", Months(6)),
        Clock("older", "the last health assessment, child 5 or over on that date", Months(12)),
    ),
    completed_by="a review health assessment",
    recurrence="repeats while looked after",
    applicability="once the initial health assessment is done",
    closes="when the period of care ends",
    source=f"{CPPCR}, reg 7 and Schedule 1; {HEALTH_GUIDANCE}",
    params={"under_age": 5},
)

_DENTAL_INTERVAL = Months(12, config_key="dental_months")

DENTAL_CHECK = Rule(
    kind="dental_check",
    title="Dental check",
    text=(
        "A dental check is due {next} (a local setting) after the last dental check in this "
        "period of care, or after the child started to be looked after if none."
    ),
    clocks=(
        Clock(
            "first",
            "the date the child started to be looked after (DECOM), or the end of short breaks",
            _DENTAL_INTERVAL,
        ),
        Clock("next", "the last dental check in this period of care", _DENTAL_INTERVAL),
    ),
    completed_by="a dental check",
    recurrence="repeats while looked after",
    applicability="every child in a period of care, except during short breaks",
    closes="when the period of care ends",
    source=HEALTH_GUIDANCE,
)

SDQ = Rule(
    kind="sdq",
    title="Strengths and Difficulties Questionnaire",
    text=(
        "An SDQ is due {next} after the last one; if none in this period of care, {first} "
        "after the later of the start of care and the {from_age}th birthday. None is due on "
        "or after the {until_age}th birthday, and an open one closes on that birthday. An "
        "SDQ dated before the {from_age}th birthday completes nothing."
    ),
    clocks=(
        Clock("first", "the later of DECOM (or the end of short breaks) and the 4th birthday", Months(12)),
        Clock("next", "the last SDQ in this period of care", Months(12)),
    ),
    completed_by="an SDQ with its total score (0 to 40)",
    recurrence="repeats while looked after, until the 17th birthday",
    applicability="children in care aged 4 to 16, except during short breaks",
    closes="when the period of care ends or on the 17th birthday",
    source=f"{HEALTH_GUIDANCE}; SSDA903 OC2",
    params={"from_age": 4, "until_age": 17},
)

RULES = (INITIAL_HEALTH_ASSESSMENT, REVIEW_HEALTH_ASSESSMENT, DENTAL_CHECK, SDQ)

HEALTH_KINDS = ("initial", "review")

EVENTS = (
    EventType("health_assessment", {"kind": (True, choice(HEALTH_KINDS))}),
    EventType("dental_check"),
    EventType("sdq", {"score": (False, int_between(0, 40))}),
)


def health(ctx: Ctx, p: Period) -> None:
    """Health items of one period of care, from the start of the full regime."""
    start = p.full_from
    if start is None:
        return
    _assessments(ctx, p, start)
    _dental_checks(ctx, p, start)
    _sdqs(ctx, p, start)


def _assessments(ctx: Ctx, p: Period, start: date) -> None:
    suffix = d(p.start)
    close = period_closer(p)
    offset = INITIAL_HEALTH_ASSESSMENT.offset_of("first")
    shift = offset.shift(start)
    assessments = ctx.in_period(p, "health_assessment", since=start)
    # Only kind "initial" completes the initial assessment; the first one counts.
    initial = next((e for e in assessments if e.get("kind") == "initial"), None)
    ctx.add(
        INITIAL_HEALTH_ASSESSMENT,
        f"initial_health_assessment@{suffix}",
        shift.due,
        f"Initial health assessment: {offset.describe()} after {p.full_from_text()}"
        f"{shift_text(shift)} = {d(shift.due)}",
        done=initial,
        closing=close(shift.due),
    )
    if initial is None or (p.end is not None and initial.date >= p.end):
        return
    under = int(REVIEW_HEALTH_ASSESSMENT.params["under_age"])
    birthday = ctx.bday(under)

    def offset_for(_n: int, anchor: date) -> Offset:
        return REVIEW_HEALTH_ASSESSMENT.offset_of("young" if anchor < birthday else "older")

    def because(_n: int, offset: Offset, anchor: date, shift_: Shift) -> str:
        age = f"under {under}" if anchor < birthday else f"aged {under} or over"
        return (
            f"Review health assessment: {offset.describe()} after the last health assessment "
            f"on {d(anchor)} (child {age} on that date; {under}th birthday {d(birthday)}) = "
            f"{d(shift_.due)}"
        )

    chain(
        ctx,
        REVIEW_HEALTH_ASSESSMENT,
        first_anchor=initial.date,
        offset_for=offset_for,
        because=because,
        candidates=[
            e
            for e in assessments
            if e.get("kind") == "review" and (e.date, e.index) > (initial.date, initial.index)
        ],
        key_suffix=suffix,
        generate_until=p.end,
        close=close,
    )


def _dental_checks(ctx: Ctx, p: Period, start: date) -> None:
    def because(n: int, offset: Offset, anchor: date, shift: Shift) -> str:
        since = (
            f"{p.full_from_text()} (no dental check yet in this period of care)"
            if n == 1
            else f"the last dental check on {d(anchor)}"
        )
        return (
            f"Dental check: {offset.describe()} (config dental_months) after {since} = "
            f"{d(shift.due)}"
        )

    chain(
        ctx,
        DENTAL_CHECK,
        first_anchor=start,
        offset_for=lambda n, _a: DENTAL_CHECK.offset_of("first" if n == 1 else "next", ctx.config),
        because=because,
        candidates=ctx.in_period(p, "dental_check", since=start),
        key_suffix=d(p.start),
        generate_until=p.end,
        close=period_closer(p),
    )


def _sdqs(ctx: Ctx, p: Period, start: date) -> None:
    """From the later of the start and the 4th birthday; never due from the 17th."""
    b4, b17 = ctx.bday(int(SDQ.params["from_age"])), ctx.bday(int(SDQ.params["until_age"]))
    anchor = max(start, b4)

    def close(_due: date) -> tuple[date, str] | None:
        options = []
        if p.end is not None:
            options.append((p.end, "the period of care ended before it was done"))
        if ctx.today >= b17:
            options.append((b17, f"no SDQ is due from the {SDQ.params['until_age']}th birthday"))
        return min(options) if options else None

    def because(n: int, offset: Offset, at: date, shift: Shift) -> str:
        if n > 1:
            since = f"the last SDQ on {d(at)}"
        elif b4 > start:
            since = (
                f"the {SDQ.params['from_age']}th birthday on {d(b4)} (later than "
                f"{p.full_from_text()}), no SDQ yet in this period of care"
            )
        else:
            since = f"{p.full_from_text()}, no SDQ yet in this period of care"
        return (
            f"SDQ: {offset.describe()} after {since} = {d(shift.due)}; none is due on "
            f"or after the {SDQ.params['until_age']}th birthday {d(b17)}"
        )

    chain(
        ctx,
        SDQ,
        first_anchor=anchor,
        offset_for=lambda n, _a: SDQ.offset_of("first" if n == 1 else "next"),
        because=because,
        candidates=[e for e in ctx.in_period(p, "sdq") if anchor <= e.date < b17],
        key_suffix=d(p.start),
        generate_until=p.end,
        stop_generating=b17,
        close=close,
    )
