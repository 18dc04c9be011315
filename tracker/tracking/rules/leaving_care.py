"""Care leavers: eligibility and status, the needs assessment and pathway plan, and, for
each spell out of care after becoming eligible, pathway plan reviews, personal adviser
contacts and visits after a move; birthday data for the SSDA903 OC3 (rules.md §4, §8.3,
§8.5, §8.6)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from ..calendars import Shift, add_months
from .core import Ctx, Event, chain, d
from .eligibility import ELIGIBILITY, Spell, spells, status, support_ends
from .events import ACCOMMODATION_CODE, ACTIVITIES, IN_TOUCH, EventType, boolean, code
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
    completed_by="a needs assessment completed on or after that date",
    recurrence="once",
    applicability="eligible young people, once the eligibility date is reached",
    closes="at the 21st birthday (25th if support was extended)",
    source=f"{CPPCR}, reg 40 and 42(1)",
    params=ELIGIBILITY,
)

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
    completed_by="a pathway plan completed on or after that date",
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
    completed_by="a review of the pathway plan, or a new pathway plan",
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
    completed_by="a contact with the personal adviser",
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
    completed_by="a contact with the personal adviser on or after the move",
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
    completed_by="birthday data recorded in the window",
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

EVENTS = (
    EventType("needs_assessment_completed"),
    EventType("pathway_plan_completed"),
    EventType("pathway_plan_reviewed"),
    EventType("pa_contact"),
    EventType("pa_extended_to_25"),
    EventType("accommodation_changed", {"accommodation": (False, ACCOMMODATION_CODE),
                                        "suitable": (False, boolean)}),
    EventType("care_leaver_data_recorded", {
        "in_touch": (False, code(IN_TOUCH, "one of YES, NO, REFU (or DIED, NREQ, RHOM)")),
        "activity": (False, code(ACTIVITIES, "a 903 activity code (codes.md 6.8)")),
        "accommodation": (False, ACCOMMODATION_CODE),
        "suitable": (False, boolean),
    }),
)


# --------------------------------------------------------------------------- items


def care_leaver_items(ctx: Ctx) -> None:
    _status, el = status(ctx)
    elig = el.date
    if elig is None or elig > ctx.today:
        return
    support_end, extended = support_ends(ctx)
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
    for spell in spells(ctx, elig):
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
