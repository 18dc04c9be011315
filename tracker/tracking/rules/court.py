"""Court work: pre-proceedings under the Public Law Outline and the 26-week limit on care
proceedings (rules.md §3, §8.4). Not tied to a period of care.

Besides the rule functions, this module is the one place other pages get court
timescales from (the meeting pack, the permanence tab): :func:`pre_proceedings_due`,
:func:`proceedings_due`, :func:`weeks_allowed` and :data:`MAX_EXTENSION_WEEKS`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from .core import Ctx, d
from .events import EventType, int_between, name_like
from .timescales import Clock, Rule, Weeks, WeeksBeginningWith

PRE_PROCEEDINGS = Rule(
    kind="pre_proceedings",
    title="Pre-proceedings (Public Law Outline)",
    text=(
        "Pre-proceedings should conclude within {first} (a local setting) of starting: "
        "ended, or care proceedings issued."
    ),
    clocks=(
        Clock(
            "first",
            "the date pre-proceedings started",
            Weeks(16, config_key="pre_proceedings_weeks"),
        ),
    ),
    completed_by="pre-proceedings ended, or care proceedings issued",
    recurrence="one per pre-proceedings started",
    applicability="any child, in care or on the edge of care",
    closes="never (not tied to a period of care)",
    source="Public Law Outline (practice)",
)

PROCEEDINGS = Rule(
    kind="proceedings",
    title="Care proceedings",
    text=(
        "Care proceedings should finish within {first.n} weeks beginning with the issue date "
        "(the issue date + {first.days} days); each extension adds its weeks (at most "
        "{extension} each), including one granted on the day of the final order."
    ),
    clocks=(
        Clock("first", "the date proceedings were issued", WeeksBeginningWith(26)),
        Clock("extension", "each extension granted by the court", Weeks(8)),
    ),
    completed_by="the final order",
    recurrence="one per proceedings issued",
    applicability="any child, in care or on the edge of care",
    closes="never (not tied to a period of care)",
    source=(
        "Children Act 1989 s.32(1)(a)(ii) and s.32(5), as amended by the Children and "
        "Families Act 2014"
    ),
)

RULES = (PRE_PROCEEDINGS, PROCEEDINGS)

#: The most one extension may add (CA 1989 s.32(8)): forms, checks and scenarios use it.
MAX_EXTENSION_WEEKS = PROCEEDINGS.offset_of("extension").n
#: The statutory limit on care proceedings in weeks, for labels ("the 26-week timetable").
PROCEEDINGS_WEEKS = PROCEEDINGS.offset_of("first").n

FINAL_ORDERS_EXAMPLES = ("care_order", "placement_order", "sgo", "cao", "no_order")

EVENTS = (
    EventType("pre_proceedings_started"),
    EventType("pre_proceedings_ended"),
    EventType("proceedings_issued"),
    EventType("proceedings_extended", {"weeks": (True, int_between(1, MAX_EXTENSION_WEEKS))}),
    EventType("final_order", {"order": (False, name_like(FINAL_ORDERS_EXAMPLES, "an order name"))}),
)


def pre_proceedings_due(started: date, config: Any | None = None) -> date:
    """When pre-proceedings started on ``started`` should conclude."""
    return PRE_PROCEEDINGS.offset_of("first", config).apply(started)


def extension_counts(issued: date, on: date, final_on: date | None) -> bool:
    """Whether an extension dated ``on`` extends proceedings issued on ``issued``: dated on
    or after the issue date and on or before the final order (one granted at the final
    hearing still counts, rules.md §8.4)."""
    return on >= issued and (final_on is None or on <= final_on)


def counted_extensions(
    issued: date, extensions: Iterable[tuple[date, int]], final_on: date | None
) -> list[tuple[date, int]]:
    """The (date, weeks) extensions that count for these proceedings."""
    return [(on, weeks) for on, weeks in extensions if extension_counts(issued, on, final_on)]


def proceedings_due(
    issued: date, extensions: Iterable[tuple[date, int]] = (), final_on: date | None = None
) -> date:
    """When proceedings issued on ``issued`` should finish, with the extensions that count."""
    due = PROCEEDINGS.offset_of("first").apply(issued)
    for _on, weeks in counted_extensions(issued, extensions, final_on):
        due = Weeks(weeks).apply(due)
    return due


def weeks_allowed(start: date, due: date) -> int:
    """Whole weeks from ``start`` to ``due``, the start date being in week 1 (26 for
    proceedings with no extension)."""
    return ((due - start).days + 1) // 7


def week_number(start: date, on: date) -> int:
    """Week n that ``on`` falls in, the start date being in week 1."""
    return (on - start).days // 7 + 1


def court_items(ctx: Ctx) -> None:
    weeks = PRE_PROCEEDINGS.offset_of("first", ctx.config)
    enders = ctx.of_type("pre_proceedings_ended", "proceedings_issued")
    for start in ctx.of_type("pre_proceedings_started"):
        due = weeks.apply(start.date)
        done = next((e for e in enders if e.date >= start.date), None)
        because = (
            f"Pre-proceedings: {weeks.describe()} (config pre_proceedings_weeks) after they "
            f"started on {d(start.date)} = {d(due)}"
        )
        ctx.add(PRE_PROCEEDINGS, f"pre_proceedings@{d(start.date)}", due, because, done=done)

    base = PROCEEDINGS.offset_of("first")
    assert isinstance(base, WeeksBeginningWith)
    finals = ctx.of_type("final_order")
    extensions = [(e.date, int(e.get("weeks", 0))) for e in ctx.of_type("proceedings_extended")]
    for issued in ctx.of_type("proceedings_issued"):
        final = next((e for e in finals if e.date >= issued.date), None)
        final_on = final.date if final is not None else None
        due = base.apply(issued.date)
        because = (
            f"Care proceedings: {base.n} weeks beginning with the issue date {d(issued.date)}, "
            f"i.e. {base.days} days later = {d(due)}"
        )
        for on, n in counted_extensions(issued.date, extensions, final_on):
            due = Weeks(n).apply(due)
            because += f"; extended on {d(on)} by {n} weeks to {d(due)}"
        ctx.add(PROCEEDINGS, f"proceedings@{d(issued.date)}", due, because, done=final)
