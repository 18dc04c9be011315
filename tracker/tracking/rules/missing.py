"""Missing from care: the return home interview after a child who was missing comes back
(rules.md §9 "Missing from care" and reading 6)."""

from __future__ import annotations

from datetime import date

from .core import Ctx, Event, FactError, d
from .events import EventType, choice
from .timescales import MISSING_GUIDANCE, Clock, Days, Rule

RETURN_HOME_INTERVIEW = Rule(
    kind="return_home_interview",
    title="Return home interview",
    text=(
        "When a child who was missing from care (kind {missing}) comes back, a return home "
        "interview is due {first} (72 hours) after the return, whether it is held or the "
        "child declines it. A child away from placement without authorisation (kind {away}) "
        "has none. Leaving care does not close it."
    ),
    clocks=(Clock("first", "the date the child returned (missing episode ended)", Days(3)),),
    completed_by="a return home interview on or after the return, held or declined",
    recurrence="one per missing episode",
    applicability="children missing from care while looked after, short breaks included",
    closes="never (not closed by leaving care)",
    source=MISSING_GUIDANCE,
    params={"missing": "M", "away": "A"},
)

RULES = (RETURN_HOME_INTERVIEW,)

#: The codes a missing episode's ``kind`` may take (903 MISSING).
KINDS = (RETURN_HOME_INTERVIEW.params["missing"], RETURN_HOME_INTERVIEW.params["away"])

INTERVIEW_OUTCOMES = ("held", "declined")

EVENTS = (
    EventType("missing_started", {"kind": (True, choice(KINDS))}),
    EventType("missing_ended"),
    EventType("return_home_interview", {"outcome": (False, choice(INTERVIEW_OUTCOMES))}),
)


def episodes_of(ctx: Ctx) -> list[tuple[Event, Event | None]]:
    """Missing episodes, paired in listed order: (start, end or None while still missing).
    A second start while one is open, or an end with none open, is an error."""
    episodes: list[tuple[Event, Event | None]] = []
    open_: Event | None = None
    for ev in ctx.events:
        if ev.type == "missing_started":
            if open_ is not None:
                raise FactError(
                    f"{ev.where}: a missing episode is already open (started on "
                    f"{d(open_.date)}); record its end first"
                )
            open_ = ev
        elif ev.type == "missing_ended":
            if open_ is None:
                raise FactError(f"{ev.where}: no missing episode is open to end")
            episodes.append((open_, ev))
            open_ = None
    if open_ is not None:
        episodes.append((open_, None))
    return episodes


def missing_items(ctx: Ctx) -> None:
    interviews = ctx.of_type("return_home_interview")
    for start, end in episodes_of(ctx):
        period = ctx.period_on(start.date)
        if period is None:
            continue  # started outside care: not the service's episode
        if period.end is not None and (end is None or end.date > period.end):
            assert period.end_event is not None
            raise FactError(
                f"{period.end_event.where}: the missing episode that started on "
                f"{d(start.date)} has not ended; missing episodes end by the end of the "
                f"period of care"
            )
        if end is None or start.get("kind") != RETURN_HOME_INTERVIEW.params["missing"]:
            continue  # still missing, or away without authorisation: no interview
        _interview(ctx, start, end.date, interviews)


def _interview(ctx: Ctx, start: Event, returned: date, interviews: list[Event]) -> None:
    offset = RETURN_HOME_INTERVIEW.offset_of("first")
    due = offset.apply(returned)
    done = next((e for e in interviews if e.date >= returned), None)
    because = (
        f"Return home interview: {offset.describe()} (72 hours) after the return on "
        f"{d(returned)} from a missing episode that started on {d(start.date)} = {d(due)}"
    )
    if done is not None and done.get("outcome"):
        because += f"; interview {done.get('outcome')} on {d(done.date)}"
    ctx.add(
        RETURN_HOME_INTERVIEW,
        f"return_home_interview@{d(start.date)}.{d(returned)}",
        due,
        because,
        done=done,
    )
