"""Reads for care leavers: status from the rules engine, a young person's records, a
personal adviser's caseload and the managers' summary.

Care-leaver status is never stored: it is computed from the care history by the pure
engine (``care_leaver_status``) whenever a page needs it, so a change to the care
history shows at once. Lists work in bulk: one query per table for a batch of young
people, then the engine per young person in memory.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, true
from sqlalchemy.orm import Session, selectinload

from tracker.auth.models import Team, User
from tracker.auth.roles import ADVISE_CARE_LEAVERS, VIEW_TEAM, roles_with
from tracker.children.models import CarePeriod, Child
from tracker.children.queries import visible_to
from tracker.leaving_care import oc3
from tracker.leaving_care.models import (
    Accommodation,
    Activity,
    CareLeaverRecord,
    PaContact,
    PathwayEvent,
    StayingPut,
    Tenancy,
)
from tracker.tracking.calendars import add_months, age_on
from tracker.tracking.engine import CareLeaverStatus, care_leaver_status
from tracker.tracking.facts import load_facts
from tracker.tracking.models import TrackedItem
from tracker.tracking.settings import get_rule_config

#: Tracked-item kinds of the care-leaver rules (rules.md §4).
CARE_LEAVER_KINDS = ("needs_assessment", "pathway_plan", "pathway_plan_review", "pa_contact",
                     "pa_visit_after_move", "care_leaver_birthday_data")
#: Categories owed leaving-care support (the summary's population).
SUPPORTED = ("eligible", "relevant", "former_relevant")
CATEGORY_LABELS = {"eligible": "Eligible", "relevant": "Relevant", "former_relevant": "Former relevant",
                   "qualifying": "Qualifying", "not_care_leaver": "Not a care leaver"}
CATEGORY_MEANING = {
    "eligible": "aged 16 or 17, looked after, and looked after for at least 13 weeks since their 14th birthday",
    "relevant": "was eligible, then left care before their 18th birthday",
    "former_relevant": "aged 18 or over, was eligible or relevant; supported to 21 (25 if extended)",
    "qualifying": "looked after on or after their 16th birthday but not for 13 weeks since their 14th",
    "not_care_leaver": "no leaving-care duties (never eligible, or support has ended)",
}
#: "In touch" looks back this many months: the personal-adviser contact interval (rules.md §4).
IN_TOUCH_MONTHS = 2
#: "NEET for 3 months or more".
NEET_LONG_MONTHS = 3


def chunks(ids: Sequence[int], size: int = 500) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def get_statuses(session: Session, child_ids: Sequence[int], today: dt.date) -> dict[int, CareLeaverStatus]:
    """Care-leaver status of each young person, from the engine (bulk fact loading)."""
    config = get_rule_config(session)
    out: dict[int, CareLeaverStatus] = {}
    for ids in chunks(list(child_ids)):
        for cid, facts in load_facts(session, ids).items():
            out[cid] = care_leaver_status(facts, today, config)
    return out


def get_status(session: Session, child: Child, today: dt.date) -> CareLeaverStatus:
    return get_statuses(session, [child.id], today)[child.id]


def current(rows: Iterable[Any], on: dt.date) -> Any | None:
    """The record in force on ``on``: started on or before it and not yet ended (the end
    date is the day they moved out or stopped)."""
    live = [r for r in rows if r.start_on <= on and (r.end_on is None or r.end_on > on)]
    return max(live, key=lambda r: r.start_on, default=None)


@dataclass
class ChildRecords:
    pathway_events: list[PathwayEvent]
    contacts: list[PaContact]
    accommodation: list[Accommodation]
    activities: list[Activity]
    tenancies: list[Tenancy]
    staying_put: list[StayingPut]
    birthday_data: list[CareLeaverRecord]
    items: list[TrackedItem]
    advisers: dict[int, str]


def get_child_records(session: Session, child: Child) -> ChildRecords:
    """Every care-leaver record of one young person, newest first, and their pathway items."""
    def rows(model: Any, *order: Any) -> list[Any]:
        return list(session.scalars(select(model).where(model.child_id == child.id).order_by(*order, model.id.desc())))

    contacts = rows(PaContact, PaContact.contact_on.desc())
    adviser_ids = {c.adviser_id for c in contacts if c.adviser_id}
    advisers = ({u.id: u.name for u in session.scalars(select(User).where(User.id.in_(adviser_ids)))}
                if adviser_ids else {})
    items = list(session.scalars(
        select(TrackedItem).where(TrackedItem.child_id == child.id, TrackedItem.kind.in_(CARE_LEAVER_KINDS))
        .order_by(TrackedItem.is_open.desc(), TrackedItem.due_on, TrackedItem.kind)))
    return ChildRecords(
        pathway_events=rows(PathwayEvent, PathwayEvent.on.desc()), contacts=contacts,
        accommodation=rows(Accommodation, Accommodation.start_on.desc()),
        activities=rows(Activity, Activity.start_on.desc()), tenancies=rows(Tenancy, Tenancy.start_on.desc()),
        staying_put=rows(StayingPut, StayingPut.start_on.desc()),
        birthday_data=rows(CareLeaverRecord, CareLeaverRecord.recorded_on.desc()), items=items, advisers=advisers)


def list_advisers(session: Session) -> list[User]:
    return list(session.scalars(select(User).where(User.active.is_(True), User.role.in_(roles_with(ADVISE_CARE_LEAVERS)))
                                .order_by(User.name)))


# --------------------------------------------------------------------------- caseload

def caseload_scopes(user: User) -> list[tuple[str, str]]:
    """Whose young people the user may list: their own, their team's, their service's."""
    scopes = [("mine", "My young people")]
    if user.can(VIEW_TEAM) and user.team_id is not None:
        scopes.append(("team", "My team"))
    if user.managed_service_id is not None:
        scopes.append(("service", "My service"))
    return scopes


def _scope_condition(user: User, scope: str) -> ColumnElement[bool]:
    if scope == "team":
        teams: Any = select(Team.id).where(Team.id == user.team_id)
    elif scope == "service":
        teams = select(Team.id).where(Team.service_id == user.managed_service_id)
    else:
        return Child.personal_adviser_id == user.id
    # A manager's young people: those whose adviser is in their team(s), and the care
    # leavers of their team(s) (still in care, or not yet allocated an adviser).
    return or_(Child.personal_adviser_id.in_(select(User.id).where(User.team_id.in_(teams))),
               Child.team_id.in_(teams))


@dataclass
class CaseloadRow:
    child: Child
    age: int
    status: CareLeaverStatus
    overdue: int = 0
    due_soon: int = 0
    next_kind: str | None = None
    next_due: dt.date | None = None
    accommodation: Accommodation | None = None
    activity: Activity | None = None
    last_contact: dt.date | None = None

    @property
    def category(self) -> str:
        return self.status.category


def list_caseload(session: Session, user: User, *, today: dt.date, scope: str = "mine", search: str = "",
                  category: str = "", urgency: str = "", adviser: str = "") -> list[CaseloadRow]:
    """Young people for a personal adviser (or a manager's team/service), most urgent
    first: most overdue care-leaver items, then most due soon, then the earliest due."""
    if scope not in dict(caseload_scopes(user)):
        scope = "mine"
    stmt = select(Child).where(_scope_condition(user, scope), visible_to(user))
    if scope != "mine":
        # Candidates: young people of care-leaver age with a care history, or with an adviser.
        oldest = add_months(today, -12 * 26)
        stmt = stmt.where(or_(Child.personal_adviser_id.is_not(None),
                              and_(Child.date_of_birth <= add_months(today, -12 * 16), Child.date_of_birth > oldest,
                                   exists().where(CarePeriod.child_id == Child.id))))
    if search.strip():
        like = f"%{search.strip().lower()}%"
        stmt = stmt.where(or_(func.lower(Child.first_name + " " + Child.last_name).like(like),
                              func.lower(Child.local_id).like(like)))
    if adviser == "none":
        stmt = stmt.where(Child.personal_adviser_id.is_(None))
    elif adviser.isdigit():
        stmt = stmt.where(Child.personal_adviser_id == int(adviser))
    children = list(session.scalars(stmt.options(selectinload(Child.personal_adviser))))
    statuses = get_statuses(session, [c.id for c in children], today)
    rows = [CaseloadRow(child=c, age=age_on(c.date_of_birth, today), status=statuses[c.id]) for c in children
            if scope == "mine" or c.personal_adviser_id is not None or statuses[c.id].category in SUPPORTED]
    if category:
        rows = [r for r in rows if r.category == category]
    _add_details(session, rows, today)
    if urgency == "overdue":
        rows = [r for r in rows if r.overdue]
    elif urgency == "due_soon":
        rows = [r for r in rows if r.due_soon]
    rows.sort(key=lambda r: (-r.overdue, -r.due_soon, r.next_due or dt.date.max, r.child.last_name,
                             r.child.first_name, r.child.id))
    return rows


def _add_details(session: Session, rows: list[CaseloadRow], today: dt.date) -> None:
    by_id = {r.child.id: r for r in rows}
    for ids in chunks(list(by_id)):
        for item in session.execute(
                select(TrackedItem.child_id, TrackedItem.kind, TrackedItem.status, TrackedItem.due_on)
                .where(TrackedItem.child_id.in_(ids), TrackedItem.is_open == true(),
                       TrackedItem.kind.in_(CARE_LEAVER_KINDS))
                .order_by(TrackedItem.due_on, TrackedItem.kind, TrackedItem.id)):
            row = by_id[item.child_id]
            row.overdue += item.status == "overdue"
            row.due_soon += item.status == "due_soon"
            if row.next_due is None:
                row.next_kind, row.next_due = item.kind, item.due_on
        for model, attr in ((Accommodation, "accommodation"), (Activity, "activity")):
            for rec in session.scalars(select(model).where(model.child_id.in_(ids), model.start_on <= today,
                                                           or_(model.end_on.is_(None), model.end_on > today))):
                setattr(by_id[rec.child_id], attr, rec)
        for cid, last in session.execute(select(PaContact.child_id, func.max(PaContact.contact_on))
                                         .where(PaContact.child_id.in_(ids)).group_by(PaContact.child_id)):
            by_id[cid].last_contact = last


# --------------------------------------------------------------------------- summary

#: Rows of the summary: (label, youngest, oldest) by age today; then the combined groups.
AGE_ROWS = (("17", 17, 17), ("18", 18, 18), ("19", 19, 19), ("20", 20, 20), ("21 and over", 21, 99))
GROUP_ROWS = (("19 to 21", 19, 21), ("Total", 17, 99))


@dataclass
class SummaryRow:
    label: str
    young_people: int = 0
    suitable: int = 0        # current accommodation recorded as suitable (R counts as no information)
    unsuitable: int = 0      # current accommodation recorded as not suitable
    eet: int = 0             # current activity is EET (F1, F2, F4, F5, P1, P2, P4, P5)
    neet: int = 0            # current activity is NEET (G4, G5, G6)
    neet_long: int = 0       # NEET without a break for 3 months or more
    in_touch: int = 0        # still looked after, or in contact in the last 2 months
    staying_put: int = 0     # a staying-put arrangement in force today
    council_this_month: int = 0  # held a council tenancy on any day of this month so far
    council_last_month: int = 0  # held a council tenancy on any day of last month

    def pct(self, n: int) -> int | None:
        """Whole per cent of the row's young people (None when there are none)."""
        return round(100 * n / self.young_people) if self.young_people else None


MEASURES = ("suitable", "unsuitable", "eet", "neet", "neet_long", "in_touch", "staying_put",
            "council_this_month", "council_last_month")


@dataclass
class Summary:
    today: dt.date
    this_month: dt.date
    last_month: dt.date
    rows: list[SummaryRow] = field(default_factory=list)
    #: Left out as the DfE statistics do: latest in-touch status "died" or "returned home".
    excluded: int = 0


def summarise(session: Session, today: dt.date) -> Summary:
    """Counts for the care-leavers summary.

    Population: young people whose engine category today is eligible, relevant or
    former relevant, aged 17 or over today, excluding those whose latest recorded
    in-touch status is DIED or RHOM (codes.md §7). Everything is "as of today".
    """
    this_month = today.replace(day=1)
    last_month = add_months(this_month, -1)
    summary = Summary(today=today, this_month=this_month, last_month=last_month,
                      rows=[SummaryRow(label) for label, *_ in AGE_ROWS + GROUP_ROWS])
    candidates = list(session.execute(
        select(Child.id, Child.date_of_birth)
        .where(Child.date_of_birth <= add_months(today, -12 * 17), Child.date_of_birth > add_months(today, -12 * 25),
               exists().where(CarePeriod.child_id == Child.id))
        .order_by(Child.id)))
    for batch in chunks(candidates):
        dob = {cid: born for cid, born in batch}
        statuses = get_statuses(session, list(dob), today)
        ids = [cid for cid, s in statuses.items() if s.category in SUPPORTED]
        if not ids:
            continue
        rows = {name: _rows_by_child(session, model, ids)
                for name, model in (("accommodation", Accommodation), ("activity", Activity),
                                    ("tenancy", Tenancy), ("staying_put", StayingPut),
                                    ("records", CareLeaverRecord))}
        contacts = dict(session.execute(select(PaContact.child_id, func.max(PaContact.contact_on))
                                        .where(PaContact.child_id.in_(ids)).group_by(PaContact.child_id)).all())
        for cid in ids:
            records = sorted(rows["records"].get(cid, []), key=lambda r: r.recorded_on)
            if records and records[-1].in_touch in oc3.NO_ACTIVITY_IN_TOUCH:
                summary.excluded += 1
                continue
            measures = _measures(today, this_month, last_month, statuses[cid], contacts.get(cid), records,
                                 {k: v.get(cid, []) for k, v in rows.items()})
            age = age_on(dob[cid], today)
            for row, (_label, low, high) in zip(summary.rows, AGE_ROWS + GROUP_ROWS, strict=True):
                if low <= age <= high:
                    row.young_people += 1
                    for name in MEASURES:
                        setattr(row, name, getattr(row, name) + measures[name])
    return summary


def _rows_by_child(session: Session, model: Any, ids: Sequence[int]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = defaultdict(list)
    for row in session.scalars(select(model).where(model.child_id.in_(ids))):
        out[row.child_id].append(row)
    return out


def _measures(today: dt.date, this_month: dt.date, last_month: dt.date, status: CareLeaverStatus,
              last_contact: dt.date | None, records: list[CareLeaverRecord],
              rows: dict[str, list[Any]]) -> dict[str, bool]:
    """One young person's measures (each True/False), as defined on the summary page."""
    accommodation = current(rows["accommodation"], today)
    activity = current(rows["activity"], today)
    known = accommodation is not None and accommodation.accommodation not in oc3.NO_INFORMATION_ACCOMMODATION
    since = add_months(today, -IN_TOUCH_MONTHS)
    touched = [d for d in (last_contact, *(r.recorded_on for r in records if r.in_touch == "YES")) if d]
    end_last = this_month - dt.timedelta(days=1)
    council = [t for t in rows["tenancy"] if t.tenure == "council"]
    return {
        "suitable": known and accommodation.suitable,
        "unsuitable": known and not accommodation.suitable,
        "eet": activity is not None and activity.activity in oc3.EET,
        "neet": activity is not None and activity.activity in oc3.NEET,
        "neet_long": (activity is not None and activity.activity in oc3.NEET
                      and _neet_since(rows["activity"], activity) <= add_months(today, -NEET_LONG_MONTHS)),
        "in_touch": status.category == "eligible" or any(d >= since for d in touched),
        "staying_put": current(rows["staying_put"], today) is not None,
        "council_this_month": any(_held(t, this_month, today) for t in council),
        "council_last_month": any(_held(t, last_month, end_last) for t in council),
    }


def _neet_since(activities: list[Activity], now: Activity) -> dt.date:
    """Start of the unbroken NEET spell ending with ``now`` (NEET records back to back,
    the next starting no later than the day after the previous one ended)."""
    start = now.start_on
    for row in sorted((a for a in activities if a.start_on < now.start_on), key=lambda a: a.start_on, reverse=True):
        if row.activity not in oc3.NEET or (row.end_on is not None and row.end_on + dt.timedelta(days=1) < start):
            break
        start = row.start_on
    return start


def _held(tenancy: Tenancy, first: dt.date, last: dt.date) -> bool:
    return tenancy.start_on <= last and (tenancy.end_on is None or tenancy.end_on >= first)
