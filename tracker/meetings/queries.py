"""The weekly tracking meeting pack: lists and counts for a service and a week.

Every count is ``len()`` of a set of ids that the matching drill-down list shows, built
from the same function, so a count and its drill-down can never disagree. Every query
is limited to the children the viewer may see (restricted records), for the same
reason.

Item counts (overdue, due next week) use the tracked items as at the last daily refresh.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, or_, select, true
from sqlalchemy.orm import Session

from tracker.auth.models import Team, User
from tracker.children.models import CarePeriod, Child, LegalStatus, Placement
from tracker.children.queries import visible_to
from tracker.codes import BREAKDOWN_REASONS, TEMPORARY_PLACEMENTS
from tracker.leaving_care.models import Accommodation, Activity
from tracker.missing.models import KIND_LABELS as MISSING_KIND_LABELS
from tracker.missing.models import MissingEpisode
from tracker.missing.queries import missing_on
from tracker.permanence.models import CourtEvent, PermanenceMilestone, PermanencePlan
from tracker.permanence.queries import PreProceedings, Proceedings, group_court_events
from tracker.tracking.models import TrackedItem
from tracker.tracking.rules import RULES
from tracker.tracking.settings import get_rule_config

EET_CODES = ("F1", "F2", "F4", "F5", "P1", "P2", "P4", "P5")
KIND_TITLES = {r.kind: r.title for r in RULES}


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@dataclass(frozen=True)
class Scope:
    """Whose children, which week, as at which day."""

    service_id: int
    team_ids: tuple[int, ...]
    viewer: User
    week_of: dt.date  # Monday
    today: dt.date

    @property
    def week_end(self) -> dt.date:
        return self.week_of + dt.timedelta(days=6)

    @property
    def as_at(self) -> dt.date:
        """Counts are as at the end of the week, or today for the current week."""
        return min(self.week_end, self.today)


def make_scope(session: Session, viewer: User, service_id: int, week_of: dt.date, today: dt.date) -> Scope:
    teams = tuple(session.scalars(select(Team.id).where(Team.service_id == service_id).order_by(Team.name)))
    return Scope(service_id=service_id, team_ids=teams, viewer=viewer, week_of=week_start(week_of), today=today)


def _children(scope: Scope) -> Any:
    """Condition: a child of the service's teams whom the viewer may see."""
    return and_(Child.team_id.in_(scope.team_ids), visible_to(scope.viewer))


def _looked_after_on(day: dt.date) -> Any:
    return select(CarePeriod.child_id).where(CarePeriod.start_on <= day,
                                            or_(CarePeriod.end_on.is_(None), CarePeriod.end_on > day))


def _ids(session: Session, stmt: Any) -> set[int]:
    return set(session.scalars(stmt))


# Child metrics -------------------------------------------------------------------------

def cla(session: Session, s: Scope) -> set[int]:
    return _ids(session, select(Child.id).where(_children(s), Child.id.in_(_looked_after_on(s.as_at))))


def starts(session: Session, s: Scope) -> set[int]:
    return _ids(session, select(CarePeriod.child_id).join(Child).where(
        _children(s), CarePeriod.start_on.between(s.week_of, s.week_end)))


def ceases(session: Session, s: Scope) -> set[int]:
    return _ids(session, select(CarePeriod.child_id).join(Child).where(
        _children(s), CarePeriod.end_on.between(s.week_of, s.week_end)))


def three_plus_placements(session: Session, s: Scope) -> set[int]:
    """Looked after now, with 3 or more placements starting in the last 12 months
    (temporary placements T0–T4 not counted)."""
    since = s.as_at - dt.timedelta(days=365)
    stmt = (select(Placement.child_id).join(Child).where(
        _children(s), Placement.child_id.in_(_looked_after_on(s.as_at)), Placement.start_on > since,
        Placement.start_on <= s.as_at, Placement.placement_type.not_in(TEMPORARY_PLACEMENTS))
        .group_by(Placement.child_id).having(func.count() >= 3))
    return _ids(session, stmt)


def breakdowns(session: Session, s: Scope) -> set[int]:
    return _ids(session, select(Placement.child_id).join(Child).where(
        _children(s), Placement.end_on.between(s.week_of, s.week_end),
        Placement.end_reason.in_(BREAKDOWN_REASONS)))


def emergency_placements(session: Session, s: Scope) -> set[int]:
    return _ids(session, select(Placement.child_id).join(Child).where(
        _children(s), Placement.start_on.between(s.week_of, s.week_end), Placement.emergency.is_(True)))


def _current(model: Any, s: Scope) -> Any:
    return and_(model.start_on <= s.as_at, or_(model.end_on.is_(None), model.end_on > s.as_at))


def missing_now(session: Session, s: Scope) -> set[int]:
    """Missing or away from placement at the end of the week (or today): an episode that
    started by then and had not ended."""
    return _ids(session, select(MissingEpisode.child_id).join(Child).where(_children(s), missing_on(s.as_at)))


def care_leavers(session: Session, s: Scope) -> set[int]:
    """Care leavers with a personal adviser who are no longer looked after."""
    return _ids(session, select(Child.id).where(_children(s), Child.personal_adviser_id.is_not(None),
                                                Child.id.not_in(_looked_after_on(s.as_at))))


def leavers_suitable(session: Session, s: Scope) -> set[int]:
    return care_leavers(session, s) & _ids(session, select(Accommodation.child_id).where(
        _current(Accommodation, s), Accommodation.suitable.is_(True)))


def leavers_eet(session: Session, s: Scope) -> set[int]:
    return care_leavers(session, s) & _ids(session, select(Activity.child_id).where(
        _current(Activity, s), Activity.activity.in_(EET_CODES)))


# Item metrics (counts of items, drill-down lists the items) ----------------------------

def overdue_items(session: Session, s: Scope, kind: str | None = None) -> set[int]:
    stmt = select(TrackedItem.id).join(Child).where(_children(s), TrackedItem.is_open == true(),
                                                    TrackedItem.status == "overdue")
    if kind:
        stmt = stmt.where(TrackedItem.kind == kind)
    return _ids(session, stmt)


def due_next_week_items(session: Session, s: Scope, kind: str | None = None) -> set[int]:
    nxt = s.week_of + dt.timedelta(days=7)
    stmt = select(TrackedItem.id).join(Child).where(_children(s), TrackedItem.is_open == true(),
                                                    TrackedItem.due_on.between(nxt, nxt + dt.timedelta(days=6)))
    if kind:
        stmt = stmt.where(TrackedItem.kind == kind)
    return _ids(session, stmt)


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str  # "children" or "items"
    fn: Callable[..., set[int]]
    definition: str
    kind: str | None = None


METRICS: dict[str, Metric] = {m.key: m for m in (
    Metric("cla", "Children looked after", "children", cla,
           "Looked after at the end of the week (or today, for this week)."),
    Metric("starts", "Started to be looked after this week", "children", starts,
           "A period of care began between Monday and Sunday."),
    Metric("ceases", "Stopped being looked after this week", "children", ceases,
           "A period of care ended between Monday and Sunday."),
    Metric("three_plus_placements", "3 or more placements in the last 12 months", "children",
           three_plus_placements, "Looked after now; 3+ placements began in the last 365 days "
           "(temporary placements T0–T4 not counted)."),
    Metric("breakdowns", "Placements ending in breakdown this week", "children", breakdowns,
           "A placement ended this week for an unplanned reason (ALLEG, STAND, APPRR, CREQB, CREQO, CHILD, LAREQ)."),
    Metric("emergency", "Emergency placements this week", "children", emergency_placements,
           "A placement recorded as an emergency began this week."),
    Metric("missing_now", "Missing or away now", "children", missing_now,
           "Missing from care or away from placement without authorisation at the end of the week (or today, "
           "for this week): not yet returned."),
    Metric("care_leavers", "Care leavers (with a personal adviser)", "children", care_leavers,
           "Has a personal adviser and is no longer looked after."),
    Metric("leavers_suitable", "Care leavers in suitable accommodation", "children", leavers_suitable,
           "Care leavers whose current accommodation is recorded as suitable."),
    Metric("leavers_eet", "Care leavers in education, employment or training", "children", leavers_eet,
           "Care leavers whose current activity is EET (F1, F2, F4, F5, P1, P2, P4, P5)."),
    Metric("overdue", "Overdue items", "items", overdue_items, "Open items past their due date."),
    Metric("due_next_week", "Items due next week", "items", due_next_week_items,
           "Open items due between next Monday and Sunday."),
)}
for _rule in RULES:
    METRICS[f"overdue:{_rule.kind}"] = Metric(f"overdue:{_rule.kind}", f"Overdue: {_rule.title}", "items",
                                             overdue_items, "Open items of this kind past their due date.",
                                             kind=_rule.kind)
    METRICS[f"due_next_week:{_rule.kind}"] = Metric(
        f"due_next_week:{_rule.kind}", f"Due next week: {_rule.title}", "items", due_next_week_items,
        "Open items of this kind due between next Monday and Sunday.", kind=_rule.kind)

#: The metrics shown in the counts table and kept in the weekly snapshot.
SUMMARY_METRICS = ("cla", "starts", "ceases", "overdue", "due_next_week", "overdue:visit", "missing_now",
                   "three_plus_placements", "breakdowns", "emergency", "care_leavers", "leavers_suitable",
                   "leavers_eet")


def metric_ids(session: Session, s: Scope, key: str) -> set[int]:
    m = METRICS[key]
    return m.fn(session, s, m.kind) if m.kind else m.fn(session, s)


def _team_of(session: Session, s: Scope, ids: set[int], unit: str) -> dict[int, int | None]:
    if not ids:
        return {}
    if unit == "children":
        rows = session.execute(select(Child.id, Child.team_id).where(Child.id.in_(ids)))
    else:
        rows = session.execute(select(TrackedItem.id, TrackedItem.team_id).where(TrackedItem.id.in_(ids)))
    return dict(rows.all())


@dataclass
class Counts:
    """Metric → team id (or "all") → count."""

    by_metric: dict[str, dict[int | str, int]] = field(default_factory=dict)

    def get(self, metric: str, team: int | str) -> int:
        return self.by_metric.get(metric, {}).get(team, 0)


def counts(session: Session, s: Scope, metrics: tuple[str, ...] | list[str] = SUMMARY_METRICS) -> Counts:
    out = Counts()
    for key in metrics:
        ids = metric_ids(session, s, key)
        teams = _team_of(session, s, ids, METRICS[key].unit)
        per: dict[int | str, int] = defaultdict(int)
        for _id in ids:
            team = teams.get(_id)
            if team is not None:
                per[team] += 1
        per["all"] = len(ids)
        out.by_metric[key] = dict(per)
    return out


def kind_counts(session: Session, s: Scope) -> list[tuple[str, str, int, int]]:
    """(kind, title, overdue, due next week) for every kind with any: two grouped queries,
    counting the same rows as ``overdue_items``/``due_next_week_items`` for each kind."""
    nxt = s.week_of + dt.timedelta(days=7)
    base = (select(TrackedItem.kind, func.count(TrackedItem.id)).join(Child)
            .where(_children(s), TrackedItem.is_open == true()).group_by(TrackedItem.kind))
    over = dict(session.execute(base.where(TrackedItem.status == "overdue")).all())
    soon = dict(session.execute(base.where(TrackedItem.due_on.between(nxt, nxt + dt.timedelta(days=6)))).all())
    return [(r.kind, r.title, over.get(r.kind, 0), soon.get(r.kind, 0)) for r in RULES
            if over.get(r.kind) or soon.get(r.kind)]


# Lists ---------------------------------------------------------------------------------

@dataclass
class Row:
    child: Child
    detail: dict[str, Any]


def _load_children(session: Session, ids: set[int] | list[int]) -> dict[int, Child]:
    if not ids:
        return {}
    return {c.id: c for c in session.scalars(select(Child).where(Child.id.in_(ids)))}


def _court_by_child(session: Session, s: Scope) -> dict[int, list[CourtEvent]]:
    out: dict[int, list[CourtEvent]] = defaultdict(list)
    for e in session.scalars(select(CourtEvent).join(Child).where(_children(s), CourtEvent.on <= s.as_at)
                             .order_by(CourtEvent.on, CourtEvent.id)):
        out[e.child_id].append(e)
    return out


def _court_cases(session: Session, s: Scope) -> dict[int, tuple[list[PreProceedings], list[Proceedings]]]:
    """Each child's court events up to the pack's day, paired and timed by the rules engine
    (the same grouping as the permanence tab, with the authority's settings)."""
    config = get_rule_config(session)
    return {cid: group_court_events(events, today=s.as_at, config=config)
            for cid, events in _court_by_child(session, s).items()}


def pre_proceedings(session: Session, s: Scope) -> list[Row]:
    """Pre-proceedings started and not yet ended (nor turned into proceedings): the latest
    open one per child, with the decision date from the rules engine."""
    open_: dict[int, PreProceedings] = {}
    for cid, (pre, _procs) in _court_cases(session, s).items():
        current = [p for p in pre if p.ended is None]  # newest first
        if current:
            open_[cid] = current[0]
    children = _load_children(session, list(open_))
    rows = []
    for cid, p in sorted(open_.items(), key=lambda kv: (kv[1].started.on, kv[0])):
        rows.append(Row(children[cid], {"started": p.started.on, "week": p.week, "weeks_allowed": p.weeks_allowed,
                                        "mark": p.due, "past_mark": s.as_at > p.due}))
    return rows


def proceedings(session: Session, s: Scope) -> list[Row]:
    """Care proceedings issued without a final order: week n of the time allowed (26 weeks
    plus extensions, from the rules engine), extensions, next hearing."""
    hearings: dict[int, dt.date] = {}
    for e in session.scalars(select(CourtEvent).join(Child).where(
            _children(s), CourtEvent.kind == "hearing", CourtEvent.on >= s.as_at).order_by(CourtEvent.on)):
        hearings.setdefault(e.child_id, e.on)
    found: dict[int, Proceedings] = {}
    for cid, (_pre, procs) in _court_cases(session, s).items():
        current = [p for p in procs if p.final is None]  # newest first
        if current:
            found[cid] = current[0]
    children = _load_children(session, list(found))
    rows = []
    for cid, p in sorted(found.items(), key=lambda kv: (kv[1].issued.on, kv[0])):
        extension_weeks = sum(e.weeks or 0 for e in p.extensions)
        rows.append(Row(children[cid], {"issued": p.issued.on, "extensions": len(p.extensions),
                                        "extension_weeks": extension_weeks, "week": p.week,
                                        "weeks_allowed": p.weeks_allowed, "due": p.due,
                                        "next_hearing": hearings.get(cid), "over_time": p.over_time}))
    return rows


def section_20(session: Session, s: Scope) -> list[Row]:
    """Looked after now under s.20 (V2): weeks accommodated."""
    latest = (select(LegalStatus.child_id, func.max(LegalStatus.start_on).label("since"))
              .where(LegalStatus.start_on <= s.as_at).group_by(LegalStatus.child_id).subquery())
    stmt = (select(Child, LegalStatus.start_on).join(latest, latest.c.child_id == Child.id)
            .join(LegalStatus, and_(LegalStatus.child_id == Child.id, LegalStatus.start_on == latest.c.since))
            .where(_children(s), LegalStatus.code == "V2", Child.id.in_(_looked_after_on(s.as_at)))
            .order_by(LegalStatus.start_on, Child.last_name, Child.id))
    periods = {cid: start for cid, start in session.execute(
        select(CarePeriod.child_id, CarePeriod.start_on).where(CarePeriod.start_on <= s.as_at,
                                                               or_(CarePeriod.end_on.is_(None),
                                                                   CarePeriod.end_on > s.as_at)))}
    rows = []
    for child, since in session.execute(stmt):
        start = periods.get(child.id, since)
        rows.append(Row(child, {"since": start, "weeks": (s.as_at - start).days // 7}))
    return rows


def no_permanence_plan(session: Session, s: Scope) -> list[Row]:
    """Looked after, and the plan for permanence was due by the second review but is not agreed."""
    stmt = (select(Child, TrackedItem.due_on).join(TrackedItem, TrackedItem.child_id == Child.id)
            .where(_children(s), TrackedItem.kind == "permanence_plan", TrackedItem.status == "overdue",
                   TrackedItem.is_open == true()).order_by(TrackedItem.due_on, Child.last_name, Child.id))
    return [Row(c, {"due": due, "days_overdue": (s.as_at - due).days}) for c, due in session.execute(stmt)]


def adoption_not_placed(session: Session, s: Scope) -> list[Row]:
    """Latest plan is adoption, still looked after, not yet placed for adoption."""
    plans: dict[int, PermanencePlan] = {}
    for p in session.scalars(select(PermanencePlan).join(Child).where(_children(s), PermanencePlan.agreed_on <= s.as_at)
                             .order_by(PermanencePlan.agreed_on, PermanencePlan.id)):
        plans[p.child_id] = p
    adoption = {cid: p for cid, p in plans.items() if p.plan == "adoption"}
    if not adoption:
        return []
    looked_after = _ids(session, _looked_after_on(s.as_at))
    milestones: dict[int, dict[str, dt.date]] = defaultdict(dict)
    for m in session.scalars(select(PermanenceMilestone).where(PermanenceMilestone.child_id.in_(adoption),
                                                               PermanenceMilestone.on <= s.as_at)):
        milestones[m.child_id][m.kind] = m.on
    orders: dict[int, dt.date] = {}
    for cid, on in session.execute(select(LegalStatus.child_id, func.min(LegalStatus.start_on)).where(
            LegalStatus.child_id.in_(adoption), LegalStatus.code == "E1", LegalStatus.start_on <= s.as_at)
            .group_by(LegalStatus.child_id)):
        orders[cid] = on
    children = _load_children(session, list(adoption))
    rows = []
    for cid, plan in adoption.items():
        ms = milestones.get(cid, {})
        if cid not in looked_after or "placed_for_adoption" in ms or "adoption_order" in ms:
            continue
        order = orders.get(cid)
        rows.append(Row(children[cid], {"plan_agreed": plan.agreed_on, "matched": ms.get("matched"),
                                        "placement_order": order,
                                        "days_since_order": (s.as_at - order).days if order else None}))
    rows.sort(key=lambda r: (r.detail["placement_order"] or dt.date.max, r.child.id))
    return rows


def with_overdue_items(session: Session, s: Scope) -> list[Row]:
    stmt = (select(Child, func.count(TrackedItem.id), func.min(TrackedItem.due_on))
            .join(TrackedItem, TrackedItem.child_id == Child.id)
            .where(_children(s), TrackedItem.is_open == true(), TrackedItem.status == "overdue")
            .group_by(Child.id).order_by(func.min(TrackedItem.due_on), Child.last_name, Child.id))
    rows = [Row(c, {"overdue": n, "oldest_due": oldest}) for c, n, oldest in session.execute(stmt)]
    if rows:
        kinds: dict[int, list[str]] = defaultdict(list)
        for cid, kind in session.execute(select(TrackedItem.child_id, TrackedItem.kind).where(
                TrackedItem.child_id.in_([r.child.id for r in rows]), TrackedItem.is_open == true(),
                TrackedItem.status == "overdue").order_by(TrackedItem.due_on, TrackedItem.id)):
            title = KIND_TITLES.get(kind, kind)
            if title not in kinds[cid]:
                kinds[cid].append(title)
        for r in rows:
            r.detail["kinds"] = kinds[r.child.id]
    return rows


def missing_now_list(session: Session, s: Scope) -> list[Row]:
    """Children missing or away now, longest first: since when, and missing or away."""
    stmt = (select(Child, MissingEpisode.start_on, MissingEpisode.kind).join(MissingEpisode)
            .where(_children(s), missing_on(s.as_at))
            .order_by(MissingEpisode.start_on, Child.last_name, Child.first_name, Child.id))
    return [Row(c, {"since": since, "days": (s.as_at - since).days, "kind": MISSING_KIND_LABELS.get(kind, kind)})
            for c, since, kind in session.execute(stmt)]


LISTS: dict[str, tuple[str, Callable[..., list[Row]]]] = {
    "missing_now": ("Missing or away now", missing_now_list),
    "pre_proceedings": ("In pre-proceedings", pre_proceedings),
    "proceedings": ("In care proceedings", proceedings),
    "section_20": ("Accommodated under section 20", section_20),
    "no_permanence_plan": ("Without a permanence plan by the second review", no_permanence_plan),
    "adoption": ("Adoption plan, not yet placed", adoption_not_placed),
    "overdue": ("With overdue items", with_overdue_items),
}


def drill_down(session: Session, s: Scope, key: str, team: int | None) -> tuple[str, list[Any]]:
    """Rows behind one count: children, or (child, item) pairs for item metrics."""
    metric = METRICS[key]
    ids = metric_ids(session, s, key)
    if metric.unit == "children":
        stmt = select(Child).where(Child.id.in_(ids))
        if team is not None:
            stmt = stmt.where(Child.team_id == team)
        return "children", list(session.scalars(stmt.order_by(Child.last_name, Child.first_name, Child.id)))
    stmt = select(TrackedItem, Child).join(Child).where(TrackedItem.id.in_(ids))
    if team is not None:
        stmt = stmt.where(TrackedItem.team_id == team)
    return "items", list(session.execute(stmt.order_by(TrackedItem.due_on, Child.last_name, TrackedItem.id)))
