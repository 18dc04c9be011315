"""Performance indicators for the dashboard (the measures authorities report).

Each indicator, for a collection year (1 April – 31 March, named by its start year) and
the children a viewer may see, returns the set of children behind its numerator and its
denominator and the figure, so every number on the dashboard has an exact drill-down.
Figures for the current year are as at today.

Data is loaded once for all years (a few queries), then each indicator is computed in
Python: the populations are thousands, not millions, and the definitions read more
clearly as code than as SQL.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.auth.models import User
from tracker.children.models import CarePeriod, Child, LegalStatus, Placement
from tracker.children.queries import visible_to
from tracker.codes import (
    ADOPTION_PLACEMENTS,
    BREAKDOWN_REASONS,
    SHORT_BREAK_STATUSES,
    TEMPORARY_PLACEMENTS,
)
from tracker.health.models import SdqScore
from tracker.leaving_care.models import CareLeaverRecord
from tracker.permanence.models import PermanenceMilestone
from tracker.tracking import calendars
from tracker.tracking.models import TrackedItem

EET = frozenset({"F1", "F2", "F4", "F5", "P1", "P2", "P4", "P5"})
DONE = ("done_on_time", "done_late")


@dataclass
class Value:
    numerator: set[int] = field(default_factory=set)
    denominator: set[int] = field(default_factory=set)
    #: The figure: a percentage, a mean number of days or a rate; None when there is no one to count.
    figure: float | None = None
    extra: str | None = None


@dataclass
class Data:
    """Everything the indicators read, for the viewer's children."""

    today: dt.date
    children: dict[int, Child]
    periods: dict[int, list[CarePeriod]]
    statuses: dict[int, list[LegalStatus]]
    placements: dict[int, list[Placement]]
    items: dict[str, list[TrackedItem]]
    sdq: dict[int, list[tuple[dt.date, int]]]
    milestones: dict[int, dict[str, dt.date]]
    records: dict[int, CareLeaverRecord]


def load(session: Session, viewer: User, today: dt.date) -> Data:
    children = {c.id: c for c in session.scalars(select(Child).where(visible_to(viewer)))}
    ids = list(children)

    def grouped(model: Any, order: Any) -> dict[int, list[Any]]:
        out: dict[int, list[Any]] = defaultdict(list)
        for row in session.scalars(select(model).where(model.child_id.in_(ids)).order_by(order)):
            out[row.child_id].append(row)
        return out

    items: dict[str, list[TrackedItem]] = defaultdict(list)
    for item in session.scalars(select(TrackedItem).where(TrackedItem.child_id.in_(ids), TrackedItem.kind.in_(
            ("review", "initial_health_assessment", "review_health_assessment", "dental_check", "pep",
             "care_leaver_birthday_data", "visit", "return_home_interview")))):
        items[item.kind].append(item)
    milestones: dict[int, dict[str, dt.date]] = defaultdict(dict)
    for m in session.scalars(select(PermanenceMilestone).where(PermanenceMilestone.child_id.in_(ids))
                             .order_by(PermanenceMilestone.on)):
        milestones[m.child_id].setdefault(m.kind, m.on)
    sdq: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for s in session.scalars(select(SdqScore).where(SdqScore.child_id.in_(ids))):
        sdq[s.child_id].append((s.completed_on, s.score))
    records = {r.id: r for r in session.scalars(select(CareLeaverRecord).where(CareLeaverRecord.child_id.in_(ids)))}
    return Data(today=today, children=children, periods=grouped(CarePeriod, CarePeriod.start_on),
                statuses=grouped(LegalStatus, LegalStatus.start_on),
                placements=grouped(Placement, Placement.start_on), items=items, sdq=sdq,
                milestones=milestones, records=records)


def year_bounds(year: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """First day of the collection year, and the day figures are measured at."""
    return dt.date(year, 4, 1), min(dt.date(year + 1, 3, 31), today)


def _period_on(d: Data, cid: int, day: dt.date) -> CarePeriod | None:
    return next((p for p in d.periods.get(cid, []) if p.start_on <= day and (p.end_on is None or p.end_on > day)),
                None)


def _status_on(d: Data, cid: int, day: dt.date) -> str | None:
    code = None
    for s in d.statuses.get(cid, []):
        if s.start_on <= day:
            code = s.code
    return code


def _looked_after(d: Data, day: dt.date, *, exclude_short_breaks: bool = True) -> set[int]:
    out = set()
    for cid in d.children:
        if _period_on(d, cid, day) and not (exclude_short_breaks and _status_on(d, cid, day) in SHORT_BREAK_STATUSES):
            out.add(cid)
    return out


def _age(child: Child, day: dt.date) -> int:
    return child.age_on(day)


def _pct(v: Value) -> Value:
    v.figure = 100 * len(v.numerator) / len(v.denominator) if v.denominator else None
    return v


def _placement_on(d: Data, cid: int, day: dt.date) -> Placement | None:
    return next((p for p in d.placements.get(cid, []) if p.start_on <= day and (p.end_on is None or p.end_on > day)),
                None)


# Indicators ----------------------------------------------------------------------------

def placements_3plus(d: Data, year: int) -> Value:
    start, at = year_bounds(year, d.today)
    v = Value(denominator=_looked_after(d, at))
    for cid in v.denominator:
        n = sum(1 for p in d.placements.get(cid, []) if p.placement_type not in TEMPORARY_PLACEMENTS
                and p.start_on <= at and (p.end_on is None or p.end_on >= start))
        if n >= 3:
            v.numerator.add(cid)
    return _pct(v)


def long_term_stability(d: Data, year: int) -> Value:
    _start, at = year_bounds(year, d.today)
    v = Value()
    for cid in _looked_after(d, at):
        period = _period_on(d, cid, at)
        assert period is not None
        if _age(d.children[cid], at) >= 16 or (at - period.start_on).days < 913:
            continue
        v.denominator.add(cid)
        current = _placement_on(d, cid, at)
        if current is None:
            continue
        since = current.start_on
        if current.placement_type in ADOPTION_PLACEMENTS:
            before = [p for p in d.placements.get(cid, []) if p.end_on == current.start_on]
            if before:
                since = before[-1].start_on
        if (at - since).days >= 730:
            v.numerator.add(cid)
    return _pct(v)


def placed_far(d: Data, year: int) -> Value:
    _start, at = year_bounds(year, d.today)
    v = Value()
    for cid in _looked_after(d, at):
        p = _placement_on(d, cid, at)
        if p is None:
            continue
        v.denominator.add(cid)
        if p.over_20_miles and p.outside_authority:
            v.numerator.add(cid)
    return _pct(v)


def _items_on_time(kind: str, items_word: str | None = None) -> Callable[[Data, int], Value]:
    """Children all of whose items of ``kind`` falling due in the year were done by their
    due date (the tracked items' own dates: no timescale is repeated here). With
    ``items_word``, the figure is followed by how many of the items themselves were."""

    def indicator(d: Data, year: int) -> Value:
        start, at = year_bounds(year, d.today)
        v = Value()
        due = on_time = 0
        for item in d.items.get(kind, []):
            if start <= item.due_on <= at and item.status != "closed":
                v.denominator.add(item.child_id)
                due += 1
                if item.status == "done_on_time":
                    v.numerator.add(item.child_id)
                    on_time += 1
        # A child counts once; on time only if every such item in the year was.
        for item in d.items.get(kind, []):
            if start <= item.due_on <= at and item.status not in ("closed", "done_on_time"):
                v.numerator.discard(item.child_id)
        _pct(v)
        if items_word and due:
            v.extra = f"{on_time} of {due} {items_word} on time"
        return v

    return indicator


def sdq_completed(d: Data, year: int) -> Value:
    """OC2 cohort: looked after continuously for 12 months at the year end, aged 4–16."""
    start, at = year_bounds(year, d.today)
    v = Value()
    scores = []
    for cid in _looked_after(d, at):
        period = _period_on(d, cid, at)
        assert period is not None
        if (at - period.start_on).days < 365 or not 4 <= _age(d.children[cid], at) <= 16:
            continue
        v.denominator.add(cid)
        in_year = sorted(s for s in d.sdq.get(cid, []) if start <= s[0] <= at)
        if in_year:
            v.numerator.add(cid)
            scores.append(in_year[-1][1])
    _pct(v)
    if scores:
        v.extra = f"mean score {sum(scores) / len(scores):.1f}"
    return v


def peps_completed(d: Data, year: int) -> Value:
    start, at = year_bounds(year, d.today)
    v = Value()
    for item in d.items.get("pep", []):
        if start <= item.due_on <= at and item.status != "closed":
            v.denominator.add(item.child_id)
    for cid in list(v.denominator):
        terms = [i for i in d.items["pep"] if i.child_id == cid and start <= i.due_on <= at and i.status != "closed"]
        if all(i.status in DONE for i in terms):
            v.numerator.add(cid)
    return _pct(v)


def _leavers(measure: Callable[[CareLeaverRecord], bool]) -> Callable[[Data, int], Value]:
    def indicator(d: Data, year: int) -> Value:
        start, at = year_bounds(year, d.today)
        v = Value()
        for item in d.items.get("care_leaver_birthday_data", []):
            if item.age not in (19, 20, 21) or item.status == "closed":
                continue
            birthday = calendars.birthday(d.children[item.child_id].date_of_birth, item.age)
            if not start <= birthday <= at:
                continue
            v.denominator.add(item.child_id)
            ref = item.completed_by or ""
            if ref.startswith("care_leaver_records:"):
                record = d.records.get(int(ref.split(":", 1)[1]))
                if record is not None and measure(record):
                    v.numerator.add(item.child_id)
        return _pct(v)

    return indicator


def _mean_days(pairs: list[tuple[int, int]], v: Value) -> Value:
    v.numerator = {cid for cid, _ in pairs}
    v.denominator = set(v.numerator)
    v.figure = sum(days for _, days in pairs) / len(pairs) if pairs else None
    return v


def _adopted_in(d: Data, start: dt.date, at: dt.date) -> list[int]:
    out = []
    for cid in d.children:
        order = d.milestones.get(cid, {}).get("adoption_order")
        left = [p for p in d.periods.get(cid, []) if p.reason_ceased in ("E11", "E12") and p.end_on
                and start <= p.end_on <= at]
        if (order and start <= order <= at) or left:
            out.append(cid)
    return out


def adoption_a1(d: Data, year: int) -> Value:
    """Children adopted in the year: days from entering care to moving in with the adoptive family."""
    start, at = year_bounds(year, d.today)
    pairs = []
    for cid in _adopted_in(d, start, at):
        placed = d.milestones.get(cid, {}).get("placed_for_adoption")
        if placed is None:
            continue
        period = _period_on(d, cid, placed) or (d.periods.get(cid) or [None])[-1]
        if period is not None and period.start_on <= placed:
            pairs.append((cid, (placed - period.start_on).days))
    return _mean_days(pairs, Value())


def adoption_a2(d: Data, year: int) -> Value:
    """Children adopted in the year: days from the placement order to being matched."""
    start, at = year_bounds(year, d.today)
    pairs = []
    for cid in _adopted_in(d, start, at):
        matched = d.milestones.get(cid, {}).get("matched")
        order = next((s.start_on for s in d.statuses.get(cid, []) if s.code == "E1"), None)
        if matched and order and order <= matched:
            pairs.append((cid, (matched - order).days))
    return _mean_days(pairs, Value())


def breakdowns_per_100(d: Data, year: int) -> Value:
    start, at = year_bounds(year, d.today)
    v = Value()
    placements = breakdowns = 0
    for cid, ps in d.placements.items():
        for p in ps:
            if p.placement_type in TEMPORARY_PLACEMENTS or p.start_on > at or (p.end_on and p.end_on < start):
                continue
            placements += 1
            v.denominator.add(cid)
            if p.end_on and start <= p.end_on <= at and p.end_reason in BREAKDOWN_REASONS:
                breakdowns += 1
                v.numerator.add(cid)
    v.figure = 100 * breakdowns / placements if placements else None
    v.extra = f"{breakdowns} of {placements} placements"
    return v


def emergency_pct(d: Data, year: int) -> Value:
    start, at = year_bounds(year, d.today)
    v = Value()
    started = emergency = 0
    for cid, ps in d.placements.items():
        for p in ps:
            if start <= p.start_on <= at and p.placement_type not in TEMPORARY_PLACEMENTS:
                started += 1
                v.denominator.add(cid)
                if p.emergency:
                    emergency += 1
                    v.numerator.add(cid)
    v.figure = 100 * emergency / started if started else None
    v.extra = f"{emergency} of {started} placements"
    return v


@dataclass(frozen=True)
class Indicator:
    key: str
    title: str
    unit: str  # "%", "days", "per 100"
    definition: str
    fn: Callable[[Data, int], Value]
    #: True when a higher figure is better (for reading the benchmark).
    higher_is_better: bool = True


INDICATORS: tuple[Indicator, ...] = (
    Indicator("placements_3plus", "3 or more placements in the year", "%",
              "Children looked after at 31 March (or today) with 3 or more placements during the year "
              "(temporary placements T0–T4 and short breaks excluded).", placements_3plus, False),
    Indicator("long_term_stability", "Long-term placement stability", "%",
              "Children under 16 looked after for 2.5 years or more, in the same placement for 2 years or more "
              "(an adoptive placement counts with the placement before it).", long_term_stability),
    Indicator("placed_far", "Placed over 20 miles away and outside the authority", "%",
              "Children looked after at the year end whose current placement is more than 20 miles from home "
              "and outside the authority's boundary.", placed_far, False),
    Indicator("iha_on_time", "Initial health assessments within 20 working days", "%",
              "Children whose initial health assessment fell due in the year and was done by its due date.",
              _items_on_time("initial_health_assessment")),
    Indicator("rha_on_time", "Review health assessments on time", "%",
              "Children all of whose review health assessments due in the year were done on time.",
              _items_on_time("review_health_assessment")),
    Indicator("dental_on_time", "Dental checks on time", "%",
              "Children all of whose dental checks due in the year were done on time.",
              _items_on_time("dental_check")),
    Indicator("sdq_completed", "SDQ completed", "%",
              "Children looked after for 12 months at the year end, aged 4 to 16, with an SDQ score recorded "
              "in the year (the mean is of each child's latest score).", sdq_completed),
    Indicator("peps_completed", "PEPs completed each term", "%",
              "Children of school age with a PEP held in every term that ended in the year while they were "
              "looked after.", peps_completed),
    Indicator("reviews_on_time", "Reviews on time", "%",
              "Children all of whose statutory reviews due in the year were held on time.",
              _items_on_time("review")),
    Indicator("visits_on_time", "Statutory visits in timescale", "%",
              "Children all of whose statutory visits due in the year were made by their due date (the first "
              "within a week of each placement, then as the Rules page says); with the share of the visits "
              "themselves.", _items_on_time("visit", "visits")),
    Indicator("rhi_on_time", "Return home interviews within 72 hours", "%",
              "Children who came back from being missing in the year, all of whose return home interviews were "
              "held, declined or offered within 72 hours of the return; with the share of the interviews "
              "themselves.", _items_on_time("return_home_interview", "interviews")),
    Indicator("leavers_suitable", "Care leavers aged 19–21 in suitable accommodation", "%",
              "Care leavers whose 19th, 20th or 21st birthday fell in the year, recorded around the birthday "
              "as living in suitable accommodation.", _leavers(lambda r: bool(r.suitable))),
    Indicator("leavers_eet", "Care leavers aged 19–21 in education, employment or training", "%",
              "Care leavers whose 19th, 20th or 21st birthday fell in the year, recorded around the birthday "
              "as in EET (F1, F2, F4, F5, P1, P2, P4, P5).", _leavers(lambda r: r.activity in EET)),
    Indicator("adoption_a1", "Entering care to moving in with the adoptive family (A1/A10)", "days",
              "Average days, for children adopted in the year.", adoption_a1, False),
    Indicator("adoption_a2", "Placement order to match (A2)", "days",
              "Average days from the placement order (legal status E1) to the match, for children adopted in "
              "the year.", adoption_a2, False),
    Indicator("breakdowns", "Placement breakdowns", "per 100",
              "Placements ending in the year for an unplanned reason (ALLEG, STAND, APPRR, CREQB, CREQO, CHILD, "
              "LAREQ), per 100 placements open at any time in the year.", breakdowns_per_100, False),
    Indicator("emergency", "Emergency placements", "%",
              "Placements starting in the year that were emergency placements.", emergency_pct, False),
)
BY_KEY = {i.key: i for i in INDICATORS}


def compute(session: Session, viewer: User, today: dt.date, years: list[int]) -> tuple[Data, dict[str, dict[int, Value]]]:
    data = load(session, viewer, today)
    return data, {i.key: {y: i.fn(data, y) for y in years} for i in INDICATORS}
