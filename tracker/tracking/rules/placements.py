"""Placements while looked after: the placement plan and the social worker's statutory
visits (CPPCR reg 9 and reg 28; rules.md §9 and its readings 1 to 5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..calendars import Shift
from .core import Ctx, Event, FactError, Period, chain, d, shift_text
from .events import PLACEMENT_TYPES, EventType, boolean, code
from .timescales import CPPCR, Clock, Days, Months, Offset, Rule, Weeks, WorkingDays

PLACEMENT_PLAN = Rule(
    kind="placement_plan",
    title="Placement plan",
    text="A placement plan is due {first} after each placement starts. None during short breaks.",
    clocks=(Clock("first", "the start of the placement (or the end of short breaks)", WorkingDays(5)),),
    completed_by="the placement plan, completed between the placement's start and its end",
    recurrence="one per placement",
    applicability="every placement while looked after, except during short breaks",
    closes="when the placement (or the period of care) ends",
    source=f"{CPPCR}, reg 9(1)",
)

VISIT = Rule(
    kind="visit",
    title="Statutory visit",
    text=(
        "The first visit is due {first} after each placement starts; a move starts a new "
        "clock. In the placement's first year ({first_year_ends} from its start) the next "
        "visit is due {first_year} after each visit. After that it is due {long_term} after "
        "each visit if the placement is long term (meant to last until the child is 18), "
        "otherwise {after_first_year}. For a placement with parents ({with_parents}) while "
        "the legal status is {interim_order} (interim care order), and for a connected person "
        "with temporary approval, the next visit is due {weekly} after each visit until a "
        "review has been held since the placement started, then {after_review}. Each visit "
        "is dated from the day it actually happened. None during short breaks."
    ),
    clocks=(
        Clock("first", "the start of the placement (or the end of short breaks)", Days(7)),
        Clock("first_year", "the last visit, in the placement's first year", Weeks(6)),
        Clock("long_term", "the last visit, after the first year, long-term placement", Months(3)),
        Clock("after_first_year", "the last visit, after the first year", Weeks(6)),
        Clock("weekly", "the last visit, before any review since the placement started", Days(7)),
        Clock("after_review", "the last visit, once a review has been held", Weeks(4)),
        Clock("first_year_ends", "the start of the placement (the end of its first year)", Months(12)),
    ),
    completed_by="a statutory visit to the child",
    recurrence="repeats while the placement lasts",
    applicability="every placement while looked after, except during short breaks",
    closes="when the placement (or the period of care) ends",
    source=f"{CPPCR}, reg 28",
    params={"with_parents": "P1", "interim_order": "C1"},
)

RULES = (PLACEMENT_PLAN, VISIT)

EVENTS = (
    EventType("placement_started", {
        "placement_type": (True, code(PLACEMENT_TYPES, "a 903 placement type code (codes.md 6.4)")),
        "long_term": (False, boolean),
        "temporary_approval": (False, boolean),
    }),
    EventType("placement_ended"),
    EventType("placement_plan_completed"),
    EventType("visit"),
)


@dataclass(frozen=True)
class Placement:
    period: Period
    number: int  # in its period: 1, 2, ...
    event: Event  # the placement_started
    end: date | None  # ended, moved on, or the period's end
    moved: bool  # ended by a new placement starting on ``end``

    @property
    def start(self) -> date:
        return self.event.date

    @property
    def type(self) -> str:
        return str(self.event.get("placement_type", ""))

    @property
    def long_term(self) -> bool:
        return bool(self.event.get("long_term", False))

    @property
    def temporary_approval(self) -> bool:
        return bool(self.event.get("temporary_approval", False))

    def current_on(self, day: date) -> bool:
        """On a move date the new placement is current; on the last day of a placement
        with no successor, the ending one (rules.md §9 reading 4)."""
        if day < self.start:
            return False
        return self.end is None or day < self.end or (day == self.end and not self.moved)


def placements_of(ctx: Ctx) -> list[Placement]:
    """Every placement, in order. A placement belongs to the period containing its start
    (after a same-day leave and re-entry, the new one); a ``placement_started`` while
    another is open is a move; leaving care ends the open placement."""
    found: list[Placement] = []
    open_: tuple[Event, Period, int] | None = None
    numbers: dict[int, int] = {}

    def finish(end: date | None, moved: bool) -> None:
        assert open_ is not None
        ev, period, number = open_
        found.append(Placement(period, number, ev, end, moved))

    for ev in ctx.events:
        if ev.type not in ("placement_started", "placement_ended"):
            continue
        period = ctx.period_on(ev.date)
        if period is None:
            raise FactError(f"{ev.where}: placements are only recorded while looked after")
        if open_ is not None and open_[1] is not period:
            finish(open_[1].end, False)
            open_ = None
        if ev.type == "placement_started":
            if open_ is not None:
                finish(ev.date, True)
            numbers[period.number] = numbers.get(period.number, 0) + 1
            open_ = (ev, period, numbers[period.number])
        elif open_ is not None:
            finish(ev.date, False)
            open_ = None
    if open_ is not None:
        finish(open_[1].end, False)
    return found


def placement_items(ctx: Ctx) -> None:
    placements = placements_of(ctx)
    if not placements:
        return
    # Each visit or plan belongs to the placement current on its date (reading 4).
    owned = [(e, _current(placements, e.date)) for e in ctx.of_type("visit", "placement_plan_completed")]
    for pl in placements:
        start = _effective_start(pl)
        if start is None:
            continue
        mine = [e for e, owner in owned if owner is pl and start <= e.date]
        _placement_plan(ctx, pl, start, [e for e in mine if e.type == "placement_plan_completed"])
        _visits(ctx, pl, start, [e for e in mine if e.type == "visit"])


def _current(placements: list[Placement], day: date) -> Placement | None:
    found = None
    for pl in placements:
        if pl.current_on(day):
            found = pl
    return found


def _effective_start(pl: Placement) -> date | None:
    """The day the placement's clocks start: its start, or for a placement open when
    short breaks end, that day (rules.md §9 reading 2). None if it has no items."""
    full_from = pl.period.full_from
    if full_from is None:
        return None
    start = max(pl.start, full_from)
    if pl.end is not None and (start > pl.end or (start == pl.end and pl.moved and pl.start < start)):
        return None  # ended before the full regime started
    if pl.period.end is not None and start >= pl.period.end:
        return None  # no new item on or after the leaving date (rules.md §8.1)
    return start


def _since(pl: Placement, start: date) -> str:
    what = f"placement {pl.number} ({pl.type or 'type not given'})"
    if start == pl.start:
        return f"{what} started on {d(start)}"
    return f"{what}, open when {pl.period.full_from_text()}"


def _closing(pl: Placement) -> tuple[date, str] | None:
    if pl.end is None:
        return None
    if pl.period.end is not None and pl.end == pl.period.end and not pl.moved:
        return pl.end, "the period of care ended before it was done"
    return pl.end, "the placement ended before it was done"


def _placement_plan(ctx: Ctx, pl: Placement, start: date, plans: list[Event]) -> None:
    offset = PLACEMENT_PLAN.offset_of("first")
    shift = offset.shift(start)
    ctx.add(
        PLACEMENT_PLAN,
        f"placement_plan@{d(pl.period.start)}.{pl.number}",
        shift.due,
        f"Placement plan: {offset.describe()} after {_since(pl, start)}{shift_text(shift)} = "
        f"{d(shift.due)}",
        done=plans[0] if plans else None,
        closing=_closing(pl),
        sequence=pl.number,
    )


def _visits(ctx: Ctx, pl: Placement, start: date, visits: list[Event]) -> None:
    year_ends = VISIT.offset_of("first_year_ends").apply(start)
    reviews = [e.date for e in ctx.of_type("review_held")]
    weekly_type, interim = VISIT.params["with_parents"], VISIT.params["interim_order"]

    def regime(visit_on: date) -> tuple[str, str]:
        """The clock after a visit on ``visit_on``, and why."""
        status = pl.period.status_on(visit_on)
        if pl.temporary_approval or (pl.type == weekly_type and status == interim):
            who = (
                "a connected person with temporary approval"
                if pl.temporary_approval
                else f"placed with parents ({weekly_type}) under {interim}"
            )
            reviewed = [r for r in reviews if start <= r <= visit_on]
            if not reviewed:
                return "weekly", f"{who}, no review held since {d(start)}"
            return "after_review", f"{who}, review held on {d(reviewed[0])}"
        if visit_on < year_ends:
            return "first_year", f"first year of the placement (until {d(year_ends)})"
        if pl.long_term:
            return "long_term", f"after the first year, long-term placement (from {d(year_ends)})"
        return "after_first_year", f"after the first year, not long term (from {d(year_ends)})"

    def offset_for(n: int, anchor: date) -> Offset:
        return VISIT.offset_of("first" if n == 1 else regime(anchor)[0])

    def because(n: int, offset: Offset, anchor: date, shift: Shift) -> str:
        if n == 1:
            return f"First visit: {offset.describe()} after {_since(pl, start)} = {d(shift.due)}"
        return (
            f"Visit {n} in placement {pl.number}: {offset.describe()} after the visit on "
            f"{d(anchor)} ({regime(anchor)[1]}) = {d(shift.due)}"
        )

    chain(
        ctx,
        VISIT,
        first_anchor=start,
        offset_for=offset_for,
        because=because,
        candidates=visits,
        key_suffix=f"{d(pl.period.start)}.{pl.number}",
        generate_until=pl.end,
        close=lambda _due: _closing(pl),
        sequence=pl.number,
    )

