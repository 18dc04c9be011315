"""Care leavers: eligibility and status, the needs assessment and pathway plan, and, for
each spell out of care after becoming eligible, pathway plan reviews, personal adviser
contacts and visits after a move; birthday data for the SSDA903 OC3 (rules.md §4, §8.3,
§8.5, §8.6)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from ..calendars import Shift, add_months
from .core import (
    SHORT_BREAK_LEGAL_STATUSES,
    CareLeaverStatus,
    Ctx,
    Event,
    chain,
    d,
)
from .timescales import CARE_LEAVERS_REGS, CPPCR, Clock, Days, Months, Offset, Rule

NEEDS_ASSESSMENT = Rule(
    kind="needs_assessment",
    title="Care leaver needs assessment",
    text=(
        "A needs assessment is due {first} after the later of the {from_age}th birthday and "
        "the date the young person became eligible: aged {from_age} or over and under "
        "{until_age}, looked after, and looked after for at least {days} days in all since "
        "the {count_from_age}th birthday (short breaks not counted). Only an assessment on "
        "or after that date counts."
    ),
    clocks=(
        Clock("first", "the later of the 16th birthday and the eligibility date", Months(3)),
    ),
    completed_by="needs_assessment_completed on or after that date",
    recurrence="once",
    applicability="eligible young people, once the eligibility date is reached",
    closes="at the 21st birthday (25th if support was extended)",
    source=f"{CPPCR}, reg 40 and 42(1)",
    params={
        "count_from_age": 14,
        "from_age": 16,
        "until_age": 18,
        "days": 91,
        "support_until_age": 21,
        "extended_until_age": 25,
    },
)
ELIGIBILITY = NEEDS_ASSESSMENT.params

PATHWAY_PLAN = Rule(
    kind="pathway_plan",
    title="Pathway plan",
    text=(
        "The pathway plan is due on the same date as the needs assessment ({first} after "
        "the later of the 16th birthday and the eligibility date)."
    ),
    clocks=(
        Clock("first", "the later of the 16th birthday and the eligibility date", Months(3)),
    ),
    completed_by="pathway_plan_completed on or after that date",
    recurrence="once; then reviewed once the young person leaves care",
    applicability="eligible young people, once the eligibility date is reached",
    closes="at the 21st birthday (25th if support was extended)",
    source=f"{CPPCR}, reg 42-43; {CARE_LEAVERS_REGS}",
)

PATHWAY_PLAN_REVIEW = Rule(
    kind="pathway_plan_review",
    title="Pathway plan review",
    text=(
        "After leaving care, the pathway plan is reviewed {next} after the later of the last "
        "plan or review and the date of leaving care; a plan rewritten after leaving counts "
        "as a review. While in care it is reviewed at the statutory review instead; each "
        "spell out of care keeps its own history."
    ),
    clocks=(
        Clock(
            "next", "the later of the last pathway plan (or review) and leaving care", Months(6)
        ),
    ),
    completed_by="pathway_plan_reviewed or pathway_plan_completed",
    recurrence="repeats while relevant or former relevant",
    applicability="relevant and former relevant young people with a pathway plan",
    closes="on returning to care, and at the 21st birthday (25th if support was extended)",
    source=f"{CARE_LEAVERS_REGS}, reg 7",
)

PA_CONTACT = Rule(
    kind="pa_contact",
    title="Personal adviser contact",
    text=(
        "After leaving care, the personal adviser is in contact at least every {next} after "
        "the later of the last contact and the date of leaving care."
    ),
    clocks=(Clock("next", "the later of the last contact and leaving care", Months(2)),),
    completed_by="pa_contact",
    recurrence="repeats while relevant or former relevant",
    applicability="relevant and former relevant young people",
    closes="on returning to care, and at the 21st birthday (25th if support was extended)",
    source=f"{CARE_LEAVERS_REGS}, reg 7 (practice: every 2 months)",
)

PA_VISIT_AFTER_MOVE = Rule(
    kind="pa_visit_after_move",
    title="Personal adviser visit after a move",
    text="The personal adviser visits within {first} of a care leaver moving accommodation.",
    clocks=(Clock("first", "the date of a move after leaving care", Days(7)),),
    completed_by="pa_contact dated on or after the move",
    recurrence="one per move after leaving care",
    applicability="relevant and former relevant young people",
    closes="on returning to care, and at the 21st birthday (25th if support was extended)",
    source=f"{CARE_LEAVERS_REGS}, reg 7(3) (visit after a move)",
)

BIRTHDAY_DATA = Rule(
    kind="care_leaver_birthday_data",
    title="Care leaver birthday data (SSDA903 OC3)",
    text=(
        "Around the birthdays at ages {ages}, record whether the young person is in touch, their "
        "activity and accommodation: from {window_opens} before to {due} after the birthday."
    ),
    clocks=(
        Clock("due", "the birthday", Months(1)),
        Clock("window_opens", "the birthday (before it)", Months(3)),
    ),
    completed_by="care_leaver_data_recorded in the window",
    recurrence="one per birthday, ages 18 to 21",
    applicability="young people who were eligible and left care on or before the birthday",
    closes="never (missed if the window closes with nothing recorded)",
    source="DfE SSDA903 guide, OC3 (care leavers aged 17 to 21)",
    windowed=True,
    params={"ages": (18, 19, 20, 21)},
)

RULES = (
    NEEDS_ASSESSMENT,
    PATHWAY_PLAN,
    PATHWAY_PLAN_REVIEW,
    PA_CONTACT,
    PA_VISIT_AFTER_MOVE,
    BIRTHDAY_DATA,
)


# --------------------------------------------------------------------------- eligibility


@dataclass(frozen=True)
class Eligibility:
    date: date | None  # computed eligibility date (may be after today: a projection)
    b14: date
    b16: date
    b18: date


def _counted_segments(ctx: Ctx) -> Iterable[tuple[date, date]]:
    """Looked-after, not-short-break spans [from, to) from the 14th birthday, before the 18th."""
    b14, b18 = ctx.bday(ELIGIBILITY["count_from_age"]), ctx.bday(ELIGIBILITY["until_age"])
    for p in ctx.periods:
        for start, end, ls in p.segments:
            if ls in SHORT_BREAK_LEGAL_STATUSES:
                continue
            s = max(start, b14)
            e = b18 if end is None else min(end, b18)
            if s < e:
                yield s, e


def eligibility(ctx: Ctx) -> Eligibility:
    b14 = ctx.bday(ELIGIBILITY["count_from_age"])
    b16 = ctx.bday(ELIGIBILITY["from_age"])
    b18 = ctx.bday(ELIGIBILITY["until_age"])
    need = int(ELIGIBILITY["days"])
    total = 0
    found: date | None = None
    for s, e in _counted_segments(ctx):
        # the count on day x of this span is total + (x - s) + 1
        candidate = max(s, b16, s + timedelta(days=need - total - 1))
        if candidate < e:
            found = candidate
            break
        total += (e - s).days
    return Eligibility(found, b14, b16, b18)


def _count_until(ctx: Ctx, until_exclusive: date) -> int:
    return sum(max(0, (min(e, until_exclusive) - s).days) for s, e in _counted_segments(ctx))


def _support_end(ctx: Ctx) -> tuple[date, bool]:
    extended = bool(ctx.of_type("pa_extended_to_25"))
    age = ELIGIBILITY["extended_until_age"] if extended else ELIGIBILITY["support_until_age"]
    return ctx.bday(int(age)), extended


def _looked_after_on(ctx: Ctx, day: date) -> bool:
    return any(p.looked_after_on(day) for p in ctx.periods)


def _relevant_leaving(ctx: Ctx, eligible_on: date) -> date | None:
    """The latest left_care on or after the eligibility date with no later re-entry."""
    if not ctx.periods:
        return None
    last = ctx.periods[-1]
    if last.end is not None and last.end >= eligible_on:
        return last.end
    return None


def _looked_after_spans(ctx: Ctx) -> Iterable[tuple[date, date]]:
    far = date.max
    for p in ctx.periods:
        for start, end, ls in p.segments:
            if ls not in SHORT_BREAK_LEGAL_STATUSES and (end is None or start < end):
                yield start, far if end is None else end


def status(ctx: Ctx) -> tuple[CareLeaverStatus, Eligibility]:
    """The care-leaver category as of today (rules.md §4)."""
    el = eligibility(ctx)
    today = ctx.today
    support_end, extended = _support_end(ctx)
    b21 = ctx.bday(ELIGIBILITY["support_until_age"])
    count_now = _count_until(ctx, today + timedelta(days=1))
    need = int(ELIGIBILITY["days"])
    if el.date is not None and el.date <= today:
        reached = (
            f"{need // 7} weeks ({need} days) looked after since 14th birthday "
            f"{d(el.b14)}, reached on {d(el.date)}; 16th birthday {d(el.b16)}"
        )
        left = _relevant_leaving(ctx, el.date)
        until = "25th birthday, support extended" if extended else "21st birthday"
        if today >= support_end:
            category = "not_care_leaver"
            reason = f"support ended on {d(support_end)} ({until}); was eligible: {reached}"
        elif today >= el.b18:
            category = "former_relevant"
            reason = (
                f"aged 18 or over, was eligible: {reached}; support until {d(support_end)} "
                f"({until})"
            )
        elif _looked_after_on(ctx, today):
            category = "eligible"
            reason = reached
        else:
            category = "relevant"
            reason = f"left care on {d(left)} before the 18th birthday, was eligible: {reached}"
        return CareLeaverStatus(category, el.date, support_end, reason, count_now, None, left), el
    projected = el.date
    b16 = el.b16
    looked_after_16 = any(
        max(s, b16) <= min(e - timedelta(days=1), today) for s, e in _looked_after_spans(ctx)
    )
    counted = f"{count_now} days looked after since 14th birthday {d(el.b14)} (needs {need})"
    if looked_after_16 and today < b21:
        reason = f"looked after on or after the 16th birthday {d(b16)} but not eligible: {counted}"
        if projected is not None:
            reason += f"; would become eligible on {d(projected)}"
        return CareLeaverStatus("qualifying", None, support_end, reason, count_now, projected), el
    reason = f"never eligible: {counted}"
    if projected is not None:
        reason += f"; would become eligible on {d(projected)}"
    return CareLeaverStatus("not_care_leaver", None, None, reason, count_now, projected), el


# --------------------------------------------------------------------------- items


@dataclass(frozen=True)
class Spell:
    """A spell out of care after the eligibility date: from a ``left_care`` to the next
    ``entered_care`` (``back`` is None while still out of care)."""

    left: date
    back: date | None

    def holds(self, day: date) -> bool:
        return self.left < day and (self.back is None or day < self.back)


def _spells(ctx: Ctx, eligible_on: date) -> list[Spell]:
    spells = []
    for i, p in enumerate(ctx.periods):
        if p.end is None or p.end < eligible_on:
            continue
        back = ctx.periods[i + 1].start if i + 1 < len(ctx.periods) else None
        spells.append(Spell(p.end, back))
    return spells


def care_leaver_items(ctx: Ctx) -> None:
    _status, el = status(ctx)
    elig = el.date
    if elig is None or elig > ctx.today:
        return
    support_end, extended = _support_end(ctx)
    which = "25th birthday (support extended)" if extended else "21st birthday"
    end_text = f"care leaver support ended on the {which} {d(support_end)}"

    def before_end(*types: str) -> list[Event]:
        return [e for e in ctx.of_type(*types) if e.date < support_end]

    anchor = max(el.b16, elig)
    for rule, done_type in (
        (NEEDS_ASSESSMENT, "needs_assessment_completed"),
        (PATHWAY_PLAN, "pathway_plan_completed"),
    ):
        offset = rule.offset_of("first")
        due = offset.apply(anchor)
        if due >= support_end:
            continue
        done = next((e for e in before_end(done_type) if e.date >= anchor), None)
        ctx.add(
            rule,
            rule.kind,
            due,
            f"{rule.title}: {offset.describe()} after the later of the 16th birthday "
            f"{d(el.b16)} and the eligibility date {d(elig)} = {d(due)}",
            done=done,
            closing=(support_end, end_text) if ctx.today >= support_end else None,
        )

    plan = next((e for e in before_end("pathway_plan_completed") if e.date >= anchor), None)
    for spell in _spells(ctx, elig):
        _spell_items(ctx, spell, plan, support_end, end_text, before_end)
    _birthday_data(ctx, elig)


def _spell_items(
    ctx: Ctx,
    spell: Spell,
    plan: Event | None,
    support_end: date,
    end_text: str,
    before_end: Callable[..., list[Event]],
) -> None:
    """Pathway plan reviews, PA contacts and visits after a move for one spell out of care
    (rules.md §8.6): open items close on the return to care, done ones stay."""
    left = spell.left

    def close(_due: date) -> tuple[date, str] | None:
        options = []
        if spell.back is not None:
            options.append((spell.back, "the young person returned to care"))
        if ctx.today >= support_end:
            options.append((support_end, end_text))
        return min(options) if options else None

    if plan is not None and (spell.back is None or plan.date < spell.back):
        a0 = max(left, plan.date)

        def ppr_because(n: int, offset: Offset, a: date, shift: Shift) -> str:
            if n == 1:
                since = (
                    f"leaving care on {d(left)} (pathway plan of {d(plan.date)})"
                    if a0 == left
                    else f"the pathway plan completed on {d(a0)} (left care on {d(left)})"
                )
            else:
                since = f"the last review of the plan on {d(a)} (left care on {d(left)})"
            return f"Pathway plan review: {offset.describe()} after {since} = {d(shift.due)}"

        chain(
            ctx,
            PATHWAY_PLAN_REVIEW,
            first_anchor=a0,
            offset_for=lambda _n, _a: PATHWAY_PLAN_REVIEW.offset_of("next"),
            because=ppr_because,
            candidates=[
                e
                for e in before_end("pathway_plan_reviewed", "pathway_plan_completed")
                if e.date > a0 and spell.holds(e.date)
            ],
            key_suffix=d(left),
            generate_until=spell.back,
            stop_generating=support_end,
            close=close,
        )

    def pac_because(n: int, offset: Offset, a: date, shift: Shift) -> str:
        since = (
            f"leaving care on {d(a)}"
            if n == 1
            else f"the last contact on {d(a)} (left care on {d(left)})"
        )
        return f"Personal adviser contact: {offset.describe()} after {since} = {d(shift.due)}"

    contacts = [e for e in before_end("pa_contact") if spell.holds(e.date)]
    chain(
        ctx,
        PA_CONTACT,
        first_anchor=left,
        offset_for=lambda _n, _a: PA_CONTACT.offset_of("next"),
        because=pac_because,
        candidates=contacts,
        key_suffix=d(left),
        generate_until=spell.back,
        stop_generating=support_end,
        close=close,
    )

    visit = PA_VISIT_AFTER_MOVE.offset_of("first")
    for move in ctx.of_type("accommodation_changed"):
        if not spell.holds(move.date):
            continue
        due = visit.apply(move.date)
        if due >= support_end:
            continue
        done = next((e for e in contacts if e.date >= move.date), None)
        ctx.add(
            PA_VISIT_AFTER_MOVE,
            f"pa_visit_after_move@{d(move.date)}",
            due,
            f"Personal adviser visit after a move: {visit.describe()} after moving on "
            f"{d(move.date)} = {d(due)} (left care on {d(left)})",
            done=done,
            closing=close(due),
        )


def _left_care_by(ctx: Ctx, b: date) -> date | None:
    """The leaving date if the young person left care on or before ``b`` and did not come
    back into care before ``b``."""
    started_before = [p for p in ctx.periods if p.start < b]
    if not started_before:
        return None
    last = started_before[-1]
    if last.end is not None and last.end <= b:
        return last.end
    return None


def birthday_data_window(birthday: date) -> tuple[date, date]:
    """The days care-leaver data recorded for ``birthday`` counts (the OC3 window): from
    3 months before to 1 month after, both included; the second is the due date."""
    before = BIRTHDAY_DATA.offset_of("window_opens")
    return add_months(birthday, -before.n), BIRTHDAY_DATA.offset_of("due").apply(birthday)


def _birthday_data(ctx: Ctx, elig: date) -> None:
    due_offset = BIRTHDAY_DATA.offset_of("due")
    window = BIRTHDAY_DATA.offset_of("window_opens")
    records = ctx.of_type("care_leaver_data_recorded")
    for age in BIRTHDAY_DATA.params["ages"]:
        b = ctx.bday(age)
        opens, due = birthday_data_window(b)
        if opens > ctx.today:
            continue
        left = _left_care_by(ctx, b)
        if left is None:
            continue
        done = next((e for e in records if opens <= e.date <= due), None)
        because = (
            f"Care leaver data at age {age}: birthday {d(b)}; recorded from "
            f"{window.describe()} before ({d(opens)}) to {due_offset.describe()} after "
            f"({d(due)}); was eligible from {d(elig)} and left care on {d(left)}"
        )
        missed = None
        if done is None and ctx.today > due:
            missed = f"the window closed on {d(due)} with no data recorded"
        ctx.add(
            BIRTHDAY_DATA,
            f"care_leaver_birthday_data@{age}",
            due,
            because,
            done=done,
            missed_why=missed,
            age=age,
        )
