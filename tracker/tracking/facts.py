"""Gather a child's recorded facts from the database into the engine's events.

Loads in bulk (one query per table for a batch of children) so recomputing a whole
authority is a few hundred queries, not one per fact.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.children.models import CarePeriod, Child, LegalStatus
from tracker.education.models import Pep, TermDate
from tracker.health.models import DentalCheck, HealthAssessment, SdqScore
from tracker.leaving_care.models import Accommodation, CareLeaverRecord, PaContact, PathwayEvent
from tracker.permanence.models import CourtEvent, PermanencePlan
from tracker.reviews.models import Review
from tracker.tracking.calendars import Term
from tracker.tracking.engine import ChildFacts, Event
from tracker.tracking.models import Action
from tracker.tracking.rules.court import MAX_EXTENSION_WEEKS

CHUNK = 500

# Same-day ordering: leaving care comes before re-entering, and a legal status change on
# the day care starts is part of entering care.
_ORDER = {"left_care": 0, "entered_care": 1, "legal_status_changed": 2}


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


def load_facts(session: Session, child_ids: Sequence[int]) -> dict[int, ChildFacts]:
    """Facts for each child id (children that do not exist are left out)."""
    out: dict[int, ChildFacts] = {}
    for ids in _chunks(list(child_ids)):
        out.update(_load_chunk(session, ids))
    return out


def _rows(session: Session, model: Any, ids: Sequence[int]) -> dict[int, list[Any]]:
    by_child: dict[int, list[Any]] = defaultdict(list)
    for row in session.scalars(select(model).where(model.child_id.in_(ids))):
        by_child[row.child_id].append(row)
    return by_child


def _load_chunk(session: Session, ids: Sequence[int]) -> dict[int, ChildFacts]:
    children = {c.id: c for c in session.scalars(select(Child).where(Child.id.in_(ids)))}
    periods = _rows(session, CarePeriod, ids)
    statuses = _rows(session, LegalStatus, ids)
    tables = {
        "reviews": _rows(session, Review, ids), "health": _rows(session, HealthAssessment, ids),
        "dental": _rows(session, DentalCheck, ids), "sdq": _rows(session, SdqScore, ids),
        "peps": _rows(session, Pep, ids), "plans": _rows(session, PermanencePlan, ids),
        "court": _rows(session, CourtEvent, ids), "pathway": _rows(session, PathwayEvent, ids),
        "contacts": _rows(session, PaContact, ids), "accommodation": _rows(session, Accommodation, ids),
        "records": _rows(session, CareLeaverRecord, ids), "actions": _rows(session, Action, ids),
    }
    out = {}
    for cid, child in children.items():
        out[cid] = ChildFacts(child_id=child.local_id, date_of_birth=child.date_of_birth,
                              events=tuple(_events(child, periods.get(cid, []), statuses.get(cid, []),
                                                   {k: v.get(cid, []) for k, v in tables.items()})))
    return out


def _events(child: Child, periods: list[CarePeriod], statuses: list[LegalStatus],
            t: dict[str, list[Any]]) -> list[Event]:
    raw: list[tuple[dt.date, int, str, dict[str, Any], str]] = []

    def add(on: dt.date, type_: str, ref: str, **data: Any) -> None:
        raw.append((on, _ORDER.get(type_, 3), type_, data, ref))

    starts = {p.start_on for p in periods}
    status_on = {s.start_on: s for s in statuses}
    for p in periods:
        ls = status_on.get(p.start_on)
        add(p.start_on, "entered_care", f"care_periods:{p.id}", legal_status=ls.code if ls else "V2")
        if p.end_on is not None:
            add(p.end_on, "left_care", f"care_periods:{p.id}", reason=p.reason_ceased or "E8")
    for s in statuses:
        if s.start_on not in starts:
            add(s.start_on, "legal_status_changed", f"legal_statuses:{s.id}", legal_status=s.code)
    for r in t["reviews"]:
        add(r.held_on, "review_held", f"reviews:{r.id}")
    for h in t["health"]:
        add(h.held_on, "health_assessment", f"health_assessments:{h.id}", kind=h.kind)
    for d in t["dental"]:
        add(d.checked_on, "dental_check", f"dental_checks:{d.id}")
    for s in t["sdq"]:
        add(s.completed_on, "sdq", f"sdq_scores:{s.id}", score=s.score)
    for p in t["peps"]:
        add(p.held_on, "pep_held", f"peps:{p.id}")
    for p in t["plans"]:
        add(p.agreed_on, "permanence_plan_agreed", f"permanence_plans:{p.id}", plan=p.plan)
    for c in t["court"]:
        if c.kind == "hearing":
            continue  # shown in the meeting pack; no timescale of its own
        data: dict[str, Any] = {}
        if c.kind == "proceedings_extended":
            data["weeks"] = c.weeks or MAX_EXTENSION_WEEKS  # the form requires weeks; older rows may lack them
        if c.kind == "final_order":
            data["order"] = c.court_order or "no_order"
        add(c.on, c.kind, f"court_events:{c.id}", **data)
    for e in t["pathway"]:
        add(e.on, e.kind, f"pathway_events:{e.id}")
    for c in t["contacts"]:
        add(c.contact_on, "pa_contact", f"pa_contacts:{c.id}")
    for a in t["accommodation"]:
        add(a.start_on, "accommodation_changed", f"accommodations:{a.id}",
            accommodation=a.accommodation, suitable=a.suitable)
    for r in t["records"]:
        add(r.recorded_on, "care_leaver_data_recorded", f"care_leaver_records:{r.id}", in_touch=r.in_touch,
            activity=r.activity, accommodation=r.accommodation, suitable=r.suitable)
    for a in t["actions"]:
        add(a.created_on, "action", f"actions:{a.id}", id=str(a.id), title=a.title, due=a.due_on,
            completed=a.completed_on)
    raw.sort(key=lambda r: (r[0], r[1]))
    return [Event(date=on, type=type_, data=data, index=i, ref=ref)
            for i, (on, _o, type_, data, ref) in enumerate(raw)]


def load_terms(session: Session) -> tuple[Term, ...]:
    rows = session.scalars(select(TermDate).order_by(TermDate.start_on))
    return tuple(Term(academic_year=r.academic_year, name=r.term, start=r.start_on, end=r.end_on,
                      half_term_start=r.half_term_start_on, half_term_end=r.half_term_end_on) for r in rows)
