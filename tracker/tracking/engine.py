"""The pure rules engine: a child's facts and a date in, tracked items out.

``compute(facts, today, config, terms)`` runs every rule function of the rules table
(``rules/``: one small function per rule or family, next to its rows) and returns the
items, sorted. The web app, the scheduled jobs and ``tracker rules explain`` all call it;
it never reads the clock, the database or Flask.

Decisions on points rules.md leaves open (agreed with the application's owner; §8 and
§9 of rules.md settle the rest and the rule functions cite them):

1. Events are used as given: the app refuses future-dated facts; the engine does not
   filter events by ``today``.
2. Items of a period of care are generated while looked after: the first items at the
   start of care (or of the full regime after short breaks), each next repeating item
   when the previous one is completed within the period. An item still open on the
   ``left_care`` date becomes ``closed`` (``closed_on`` = that date), even if it falls
   due after leaving care. An event on the leaving date belongs to the period (§8.1); no
   new item of the period is created on or after it. A new period of care starts every
   sequence again.
3. Completion takes the FIRST matching event on or after the item's anchor; for repeating
   kinds item n is completed by the n-th such event, early or late, and two events of
   one kind on one day complete two items (§8.8). A ``health_assessment`` of kind
   ``review`` while the initial health assessment is open completes nothing.
4. SDQ: a child under 4 at the start gets an ``sdq`` item due 12 months after the later
   of the start and the 4th birthday, if that is before the 17th birthday; an open one
   becomes ``closed`` on the 17th birthday once ``today`` reaches it; an SDQ before the
   4th birthday or from the 17th completes nothing (§8.3).
5. "Aged 3 to 17" means 3rd birthday <= date < 18th birthday. Birthdays use the month
   arithmetic of the rules, so 29 February birthdays fall on 28 February (§8.7).
6. Terms: a ``pep`` item exists for each term whose first day is after the start, on or
   before ``today`` and before the ``left_care`` date (§8.2). If care ends on or before
   the term's last day with no PEP, it is ``closed``; a term that ended with no PEP is
   ``missed``; ``overdue`` never applies to ``pep``. A PEP held in a school holiday
   counts for the next term, one held in half term for that term. Before the first
   configured term (or after an academic year with no terms) the holiday before a term
   starts on 1 August.
7. Court work: each ``pre_proceedings_started`` opens one item, completed by the first
   ``pre_proceedings_ended`` or ``proceedings_issued`` on or after it; each
   ``proceedings_issued`` one item, completed by the first ``final_order`` on or after
   it, extended by each ``proceedings_extended`` from the issue date up to and including
   the final order's date (§8.4). Neither closes when care starts or ends.
8. Care leavers: the eligibility count counts looked-after days from the 14th birthday
   (the day care starts counts, the ``left_care`` day does not, V3/V4 days do not);
   items are generated once the eligibility date is on or before ``today``. Each spell
   out of care after the eligibility date has its own ``pathway_plan_review``,
   ``pa_contact`` and ``pa_visit_after_move`` items, closed on the return to care
   (§8.6); the first review and contact of a spell are completed only by events dated
   after the leaving date. Support ends at the 21st birthday (25th if extended).
9. Short breaks (§9): a period that starts under V3/V4 has reviews only (3 months, then
   6 months) until the first change to another legal status, which starts every other
   kind afresh from that day; the review numbering carries on.
10. Placements and visits (§9 readings 3-5), missing episodes (reading 6): see
    ``rules/placements.py`` and ``rules/missing.py``. Contradictory facts raise
    :class:`FactError` (one line for the user), never a guess.
11. Explanations are plain English: rule, source, start date, numbers used, bank
    holidays skipped (by name and date), school holidays and half terms skipped.
12. Items equal on (due, kind, sequence/term/age) are ordered by key; event type
    ``action`` (fields ``id``, ``title``, ``due``, optional ``completed`` and ``set_by``)
    gives an ``action`` item, never closed by leaving care.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from .calendars import DEFAULT_TERMS, CalendarError, MissingTermDates, Term
from .rules import CHILD_RULES, PERIOD_RULES, RuleConfig
from .rules.core import (
    OPEN_STATUSES,
    STATUSES,
    CareLeaverStatus,
    ChildFacts,
    Ctx,
    Event,
    FactError,
    Item,
    item_status,
)
from .rules.eligibility import status as _care_leaver_status

__all__ = [
    "CalendarError",
    "CareLeaverStatus",
    "ChildFacts",
    "Computation",
    "Event",
    "FactError",
    "Item",
    "MissingTermDates",
    "OPEN_STATUSES",
    "RuleConfig",
    "STATUSES",
    "care_leaver_status",
    "compute",
    "compute_items",
    "item_status",
]


@dataclass(frozen=True)
class Computation:
    """A child's items, and the academic years whose school-day items (initial PEP and
    termly PEPs) wait for term dates (empty unless computed with ``strict_terms=False``)."""

    items: list[Item]
    waiting_for_terms: tuple[str, ...] = ()


def _sort_key(item: Item) -> tuple[Any, ...]:
    return (
        item.due,
        item.kind,
        item.sequence if item.sequence is not None else -1,
        item.term or "",
        item.age if item.age is not None else -1,
        item.key,
    )


def compute(
    facts: ChildFacts,
    today: date,
    config: RuleConfig | None = None,
    terms: Sequence[Term] = DEFAULT_TERMS,
    *,
    strict_terms: bool = True,
    kinds: Collection[str] | None = None,
) -> Computation:
    """Every tracked item for one child as of ``today``, history included, sorted by due
    date, kind, then sequence/term/age.

    ``strict_terms``: if True (``rules explain``), an academic year with no term dates
    that a PEP needs raises :class:`MissingTermDates`; if False (the application), only
    those PEP items are left out and their years reported (rules.md §8.9).
    ``kinds``: only items of these kinds (default: every rule). Raises
    :class:`FactError` if the facts contradict each other.
    """
    ctx = Ctx(facts, today, config or RuleConfig(), terms, strict_terms=strict_terms)
    for period in ctx.periods:
        for period_rule in PERIOD_RULES:
            period_rule(ctx, period)
    for child_rule in CHILD_RULES:
        child_rule(ctx)
    items = sorted(ctx.items, key=_sort_key)
    if kinds is not None:
        items = [i for i in items if i.kind in kinds]
    seen: dict[str, int] = {}
    out = []
    for item in items:
        k = item.key
        if k in seen:
            seen[k] += 1
            item = replace(item, key_hint=f"{k}~{seen[k]}")
        else:
            seen[k] = 1
        out.append(item)
    return Computation(out, tuple(sorted(ctx.waiting_for_terms)))


def compute_items(
    facts: ChildFacts,
    today: date,
    config: RuleConfig | None = None,
    terms: Sequence[Term] = DEFAULT_TERMS,
) -> list[Item]:
    """The items of :func:`compute`, strict about term dates (raises CalendarError)."""
    return compute(facts, today, config, terms).items


def care_leaver_status(
    facts: ChildFacts,
    today: date,
    config: RuleConfig | None = None,
    terms: Sequence[Term] = DEFAULT_TERMS,
) -> CareLeaverStatus:
    """The young person's care-leaver category as of ``today`` (rules.md section 4)."""
    ctx = Ctx(facts, today, config or RuleConfig(), terms)
    return _care_leaver_status(ctx)[0]

