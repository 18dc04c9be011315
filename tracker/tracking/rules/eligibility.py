"""Who is a care leaver (rules.md §4, CPPCR reg 40): the eligibility count, the
care-leaver category as of a day, the end of support, and the spells out of care after
becoming eligible (§8.6)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

from .core import SHORT_BREAK_LEGAL_STATUSES, CareLeaverStatus, Ctx, d

#: The numbers of eligibility and support; the needs assessment row shows them (its params).
ELIGIBILITY = MappingProxyType(
    {
        "count_from_age": 14,  # looked-after days count from the 14th birthday
        "from_age": 16,  # eligible from the 16th birthday ...
        "until_age": 18,  # ... until the 18th
        "days": 91,  # 13 weeks in all, need not be continuous, short breaks not counted
        "support_until_age": 21,
        "extended_until_age": 25,  # on request (pa_extended_to_25)
    }
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


def support_ends(ctx: Ctx) -> tuple[date, bool]:
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
    support_end, extended = support_ends(ctx)
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


@dataclass(frozen=True)
class Spell:
    """A spell out of care after the eligibility date: from a ``left_care`` to the next
    ``entered_care`` (``back`` is None while still out of care)."""

    left: date
    back: date | None

    def holds(self, day: date) -> bool:
        return self.left < day and (self.back is None or day < self.back)


def spells(ctx: Ctx, eligible_on: date) -> list[Spell]:
    """Every spell out of care that starts on or after the eligibility date."""
    found = []
    for i, p in enumerate(ctx.periods):
        if p.end is None or p.end < eligible_on:
            continue
        back = ctx.periods[i + 1].start if i + 1 < len(ctx.periods) else None
        found.append(Spell(p.end, back))
    return found
