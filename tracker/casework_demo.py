"""Demo casework: reviews, health, PEPs, permanence and court events for the demo children,
and (a hook of its own, run last) visits, care and placement plans and return home
interviews.

Loaded by ``tracker.demo`` (a ``DEMO_HOOKS`` entry) after the children and their care
histories exist. Everything here passes the same checks the forms apply: dated inside a
period of care (court events may come before it), never in the future, never two of a
kind on one day, PN0 only under 4, SDQ at 4 to 16, PEPs at 3 to 17, an initial health
assessment before any review one, court events in a sensible order.

Realism: most obligations are met roughly on time, some late, and some chains simply
stop, so the demo authority has overdue work to find. The first social worker (sw1, who
holds the first eight children) always has at least one child whose statutory review is
overdue.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.auth.models import User
from tracker.auth.roles import ALLOCATE, CHAIR_REVIEWS, HOLD_CASES, roles_with
from tracker.children.models import CarePeriod, Child, LegalStatus, Placement
from tracker.codes import ADOPTION_PLACEMENTS, CONNECTED_PERSON_PLACEMENTS
from tracker.education.models import Pep, TermDate
from tracker.health.models import DentalCheck, HealthAssessment, SdqScore
from tracker.missing.models import MissingEpisode
from tracker.permanence.models import CourtEvent, PermanenceMilestone, PermanencePlan
from tracker.reviews.models import Review
from tracker.tracking.calendars import add_months, add_working_days, birthday
from tracker.tracking.models import Action
from tracker.tracking.rules import clock
from tracker.tracking.rules.court import MAX_EXTENSION_WEEKS, proceedings_due
from tracker.visits.models import CarePlan, PlacementPlan, Visit

PARTICIPATION_WEIGHTS = [("PN1", 8), ("PN2", 2), ("PN3", 1), ("PN4", 2), ("PN5", 2), ("PN6", 2), ("PN7", 1)]
FIRST_WORKER = "sw1@demo.invalid"
#: Long-term fostering placements (903 PLACE U1 and U4): long term by definition.
LONG_TERM_FOSTERING = ("U1", "U4")


def add_demo_records(session: Session, rng: random.Random, today: dt.date) -> None:
    iro_id = session.scalar(select(User.id).where(User.role.in_(roles_with(CHAIR_REVIEWS))).order_by(User.id).limit(1))
    terms = list(session.scalars(select(TermDate).order_by(TermDate.start_on)))
    children = list(session.scalars(select(Child).order_by(Child.id)))
    first_worker = session.scalar(select(User.id).where(User.email == FIRST_WORKER))
    overdue_for_first_worker = False
    for n, child in enumerate(children):
        periods = sorted(child.care_periods, key=lambda p: p.start_on)
        statuses = sorted(child.legal_statuses, key=lambda s: s.start_on)
        force = (not overdue_for_first_worker and child.allocated_worker_id == first_worker
                 and _can_force_overdue(periods, today))
        if any(p.end_on is None for p in periods):
            child.iro_id = iro_id  # every child in care has an IRO (the demo has one)
        for period in periods:
            stop = min(period.end_on or today, today)
            is_open = period.end_on is None
            _reviews(session, rng, child, period, stop, today, iro_id, lag=force and is_open)
            _health(session, rng, child, period, stop)
            _dental(session, rng, child, period, stop)
            _sdq(session, rng, child, period, stop)
            _peps(session, rng, child, period, stop, terms)
            _permanence(session, rng, child, period, stop, statuses)
        _court(session, rng, child, periods, statuses, today)
        if periods and periods[-1].end_on is None and rng.random() < 0.06:
            _action(session, rng, child, today)
        overdue_for_first_worker = overdue_for_first_worker or force
        if n % 500 == 499:
            session.flush()
    session.flush()


def _can_force_overdue(periods: Sequence[CarePeriod], today: dt.date) -> bool:
    open_ = [p for p in periods if p.end_on is None]
    return bool(open_) and add_working_days(open_[0].start_on, 20) < today - dt.timedelta(days=7)


def _between(rng: random.Random, start: dt.date, days_min: int, days_max: int) -> dt.date:
    return start + dt.timedelta(days=rng.randint(days_min, days_max))


# Reviews -------------------------------------------------------------------------------

def _next_review_due(start: dt.date, held: list[dt.date]) -> dt.date:
    if not held:
        return add_working_days(start, 20)
    return add_months(held[-1], 3 if len(held) == 1 else 6)


def _reviews(session: Session, rng: random.Random, child: Child, period: CarePeriod, stop: dt.date,
             today: dt.date, iro_id: int | None, *, lag: bool) -> None:
    held: list[dt.date] = []
    on = _between(rng, period.start_on, 12, 30)  # review 1: within 20 working days, sometimes late
    while on < stop:
        held.append(on)
        due = _next_review_due(period.start_on, held)
        on = due + dt.timedelta(days=rng.randint(-21, 12))
        if on <= held[-1]:
            on = held[-1] + dt.timedelta(days=7)
    # Some chains stop: the next review is not recorded (overdue if its due date passed).
    if held and period.end_on is None and rng.random() < 0.12:
        held.pop()
    if lag:
        # Guarantee the first worker an overdue review: drop reviews until the next is overdue.
        while held and _next_review_due(period.start_on, held) >= today - dt.timedelta(days=3):
            held.pop()
    for d in held:
        part = "PN0" if child.age_on(d) < 4 else rng.choices(
            [p for p, _ in PARTICIPATION_WEIGHTS], [w for _, w in PARTICIPATION_WEIGHTS])[0]
        session.add(Review(child_id=child.id, held_on=d, participation=part,
                           iro_id=iro_id if rng.random() < 0.9 else None))


# Health --------------------------------------------------------------------------------

def _health(session: Session, rng: random.Random, child: Child, period: CarePeriod, stop: dt.date) -> None:
    if rng.random() < 0.08:
        return  # the initial health assessment never happened (overdue, or closed if care ended)
    on = _between(rng, period.start_on, 8, 40)
    kind = "initial"
    while on < stop:
        session.add(HealthAssessment(child_id=child.id, held_on=on, kind=kind))
        months = 6 if child.age_on(on) < 5 else 12
        if rng.random() < 0.08:
            return
        kind = "review"
        on = add_months(on, months) + dt.timedelta(days=rng.randint(-30, 25))


def _dental(session: Session, rng: random.Random, child: Child, period: CarePeriod, stop: dt.date) -> None:
    on = _between(rng, period.start_on, 30, 330)
    while on < stop:
        session.add(DentalCheck(child_id=child.id, checked_on=on))
        if rng.random() < 0.08:
            return
        on = add_months(on, 12) + dt.timedelta(days=rng.randint(-60, 20))


def _sdq(session: Session, rng: random.Random, child: Child, period: CarePeriod, stop: dt.date) -> None:
    start = max(period.start_on, birthday(child.date_of_birth, 4))
    last_day = min(stop, birthday(child.date_of_birth, 17))
    on = _between(rng, start, 40, 330)
    while on < last_day:
        if child.age_on(on) >= 4:
            score = max(0, min(40, round(rng.triangular(0, 40, 11))))
            session.add(SdqScore(child_id=child.id, completed_on=on, score=score))
        if rng.random() < 0.1:
            return
        on = add_months(on, 12) + dt.timedelta(days=rng.randint(-30, 30))


# Education -----------------------------------------------------------------------------

def _peps(session: Session, rng: random.Random, child: Child, period: CarePeriod, stop: dt.date,
          terms: Sequence[TermDate]) -> None:
    seen: set[dt.date] = set()

    def add(on: dt.date) -> None:
        if on < stop and on not in seen and 3 <= child.age_on(on) <= 17:
            seen.add(on)
            session.add(Pep(child_id=child.id, held_on=on))

    if 3 <= child.age_on(period.start_on) <= 17 and rng.random() < 0.9:
        add(_between(rng, period.start_on, 10, 32))  # the initial PEP, usually within 20 school days
    for term in terms:
        if term.start_on <= period.start_on or term.start_on >= stop:
            continue
        if rng.random() < 0.87:
            add(_between(rng, term.start_on, 5, max(5, (term.end_on - term.start_on).days - 5)))


# Permanence and proceedings ------------------------------------------------------------

def _permanence(session: Session, rng: random.Random, child: Child, period: CarePeriod, stop: dt.date,
                statuses: Sequence[LegalStatus]) -> None:
    agreed = _between(rng, period.start_on, 80, 140)
    placement_order = next((s for s in statuses if s.code == "E1" and period.start_on <= s.start_on < stop), None)
    if placement_order is not None:
        agreed = min(agreed, placement_order.start_on - dt.timedelta(days=20))
    if agreed >= stop or agreed < period.start_on or (placement_order is None and rng.random() < 0.15):
        return
    age = child.age_on(agreed)
    if placement_order is not None or (age < 4 and rng.random() < 0.4):
        plan = "adoption"
    elif age >= 16:
        plan = rng.choice(["long_term_fostering", "independence", "residential"])
    else:
        plan = rng.choice(["long_term_fostering", "long_term_fostering", "return_home", "sgo", "cao"])
    session.add(PermanencePlan(child_id=child.id, agreed_on=agreed, plan=plan))
    steps = {"adoption": ["permanence_panel", "should_be_placed_for_adoption", "matched", "placed_for_adoption"],
             "long_term_fostering": ["permanence_panel", "matched"], "sgo": ["permanence_panel"]}.get(plan, [])
    # A child placed with adopters (A3–A6) was matched before and placed that day.
    placed = None if placement_order is None else session.scalar(
        select(Placement.start_on).where(Placement.child_id == child.id,
                                         Placement.placement_type.in_(ADOPTION_PLACEMENTS),
                                         Placement.start_on >= placement_order.start_on, Placement.start_on < stop)
        .order_by(Placement.start_on).limit(1))
    on = agreed
    for kind in steps:
        if placement_order is not None and kind == "permanence_panel":
            on = _between(rng, on, 1, max(1, (placement_order.start_on - on).days // 2))
        elif placement_order is not None and kind == "should_be_placed_for_adoption":
            # The agency decision comes before the court makes the placement order.
            on = max(on + dt.timedelta(days=1), placement_order.start_on - dt.timedelta(days=rng.randint(3, 15)))
        elif placed is not None and kind == "matched":
            on = _between(rng, max(on, placement_order.start_on), 1, max(1, (placed - on).days - 5))
            on = min(on, placed - dt.timedelta(days=1))
        elif placed is not None and kind == "placed_for_adoption":
            on = placed
        else:
            on = _between(rng, on, 20, 120)
        if on >= stop:
            break
        session.add(PermanenceMilestone(child_id=child.id, kind=kind, on=on))


def _court(session: Session, rng: random.Random, child: Child, periods: Sequence[CarePeriod],
           statuses: Sequence[LegalStatus], today: dt.date) -> None:
    """Care proceedings for children who came into care on an interim care order or an
    emergency protection order: issued as care started, concluded by the full care order."""
    concluded = True  # no proceedings still running from an earlier period of care
    for period in periods:
        first = next((s for s in statuses if s.start_on == period.start_on), None)
        if first is None or first.code not in ("C1", "L2") or not concluded:
            continue
        issued = period.start_on + dt.timedelta(days=0 if first.code == "C1" else rng.randint(1, 6))
        if issued > today:
            continue
        order = next((s for s in statuses if s.code == "C2" and issued < s.start_on
                      and (period.end_on is None or s.start_on <= period.end_on)), None)
        if rng.random() < 0.5:
            pre = issued - dt.timedelta(days=rng.randint(40, 120))
            if pre >= child.date_of_birth:
                session.add(CourtEvent(child_id=child.id, kind="pre_proceedings_started", on=pre))
        session.add(CourtEvent(child_id=child.id, kind="proceedings_issued", on=issued))
        # Concluded by the full care order, or (if care ended first) by another order that day.
        final_on = order.start_on if order else period.end_on
        end = final_on or today
        # Extensions (up to the statutory most each) when the case runs past its 26 weeks.
        allowed = proceedings_due(issued)
        ext_on = allowed - dt.timedelta(days=rng.randint(7, 21))
        while allowed < end and ext_on < end and rng.random() < 0.8:
            weeks = rng.randint(4, MAX_EXTENSION_WEEKS)
            session.add(CourtEvent(child_id=child.id, kind="proceedings_extended", on=ext_on, weeks=weeks))
            allowed += dt.timedelta(weeks=weeks)
            ext_on = allowed - dt.timedelta(days=rng.randint(7, 21))
        hearing = issued + dt.timedelta(days=rng.randint(20, 60))
        if hearing < end:
            session.add(CourtEvent(child_id=child.id, kind="hearing", on=hearing, notes="Case management hearing"))
        if final_on is not None and final_on > issued:
            kind = "care_order" if order else rng.choice(["supervision_order", "cao", "sgo", "no_order"])
            session.add(CourtEvent(child_id=child.id, kind="final_order", on=final_on, court_order=kind))
        else:
            concluded = final_on is not None


def _action(session: Session, rng: random.Random, child: Child, today: dt.date) -> None:
    if child.allocated_worker_id is None:
        return
    created = today - dt.timedelta(days=rng.randint(3, 40))
    title = rng.choice(["Arrange life story work", "Update the care plan after the review",
                        "Request school reports for the PEP", "Book a contact review meeting",
                        "Chase the health assessment report"])
    session.add(Action(child_id=child.id, title=title, owner_id=child.allocated_worker_id,
                       due_on=created + dt.timedelta(days=rng.randint(10, 60)), source="meeting",
                       created_on=created, created_by_id=child.allocated_worker_id))


# Visits, care and placement plans, return home interviews ------------------------------
#
# The dates come from the rules table's own offsets (``clock``), so the demo meets the
# statutory timescales the engine checks: most on time, some late, some chains stopped.

SHORT_BREAKS = ("V3", "V4")


def add_visits_and_plans(session: Session, rng: random.Random, today: dt.date) -> None:
    """A ``DEMO_HOOKS`` entry, run last (the missing episodes exist by then; the hooks
    before it draw the same numbers as before it existed). Marks long-term and temporarily
    approved placements, then records care plans, placement plans, statutory visits and
    return home interviews."""
    r = random.Random(rng.random())
    first_worker = session.scalar(select(User.id).where(User.email == FIRST_WORKER))
    case_workers = set(roles_with(HOLD_CASES)) - set(roles_with(ALLOCATE))  # not managers
    fallback = session.scalar(select(User.id).where(User.role.in_(case_workers)).order_by(User.id).limit(1))
    reviews: dict[int, list[dt.date]] = {}
    for child_id, held_on in session.execute(select(Review.child_id, Review.held_on)):
        reviews.setdefault(child_id, []).append(held_on)
    visit_overdue_for_first_worker = False
    for n, child in enumerate(session.scalars(select(Child).order_by(Child.id)).all()):
        statuses = sorted(child.legal_statuses, key=lambda s: s.start_on)
        placements = list(session.scalars(select(Placement).where(Placement.child_id == child.id)
                                          .order_by(Placement.start_on, Placement.id)))
        _placement_flags(r, placements, statuses)
        visitor = child.allocated_worker_id or fallback
        force = (not visit_overdue_for_first_worker and child.allocated_worker_id == first_worker
                 and any(p.end_on is None and p.start_on < today - dt.timedelta(days=21) for p in placements))
        visit_days: set[dt.date] = set()
        plan_days: set[dt.date] = set()
        for period in sorted(child.care_periods, key=lambda p: p.start_on):
            if _status_on(statuses, period.start_on) in SHORT_BREAKS:
                continue  # short breaks: reviews only (none in the demo, but never guess)
            _care_plan(session, r, child, period, today)
            stop = min(period.end_on or today, today)
            for p in placements:
                if not (period.start_on <= p.start_on < (period.end_on or dt.date.max)):
                    continue
                last_day = min(p.end_on or today, today)
                _placement_plan(session, r, child, p, last_day, plan_days)
                visits = _visit_dates(r, p, last_day, stop, statuses, reviews.get(child.id, []))
                if p.end_on is None and visits and (force or r.random() < 0.08):
                    visits = _lapse(p, visits, today, statuses, reviews.get(child.id, []))
                for on in visits:
                    if on in visit_days:
                        continue
                    visit_days.add(on)
                    alone = child.age_on(on) >= 5 and r.random() < 0.85
                    who = visitor if r.random() < 0.9 else (fallback or visitor)
                    session.add(Visit(child_id=child.id, visited_on=on, seen_alone=alone, visited_by_id=who))
        visit_overdue_for_first_worker = visit_overdue_for_first_worker or force
        if n % 500 == 499:
            session.flush()
    _interviews(session, r, today)
    session.flush()


def _status_on(statuses: Sequence[LegalStatus], day: dt.date) -> str | None:
    code = None
    for s in statuses:
        if s.start_on <= day:
            code = s.code
    return code


def _placement_flags(r: random.Random, placements: Sequence[Placement], statuses: Sequence[LegalStatus]) -> None:
    for p in placements:
        # Long-term fostering placements are long term by definition; some children's homes are too.
        if p.placement_type in LONG_TERM_FOSTERING or (
                p.placement_type == "K2" and _status_on(statuses, p.start_on) == "C2" and r.random() < 0.3):
            p.long_term = True
        # A relative or friend taken on in a hurry is approved temporarily at first.
        if p.placement_type in CONNECTED_PERSON_PLACEMENTS and not p.long_term and r.random() < 0.4:
            p.temporary_approval = True


def _care_plan(session: Session, r: random.Random, child: Child, period: CarePeriod, today: dt.date) -> None:
    if r.random() < 0.05:
        return  # never written: overdue (or closed when care ended)
    due = clock("care_plan", "first").apply(period.start_on)
    late = r.random() < 0.1
    on = due + dt.timedelta(days=r.randint(3, 25)) if late else period.start_on + dt.timedelta(
        days=r.randint(0, max(0, (due - period.start_on).days)))
    if on <= min(period.end_on or today, today):
        session.add(CarePlan(child_id=child.id, completed_on=on))


def _placement_plan(session: Session, r: random.Random, child: Child, p: Placement, last_day: dt.date,
                    taken: set[dt.date]) -> None:
    if r.random() < 0.05:
        return
    due = clock("placement_plan", "first").apply(p.start_on)
    late = r.random() < 0.1
    on = due + dt.timedelta(days=r.randint(2, 20)) if late else p.start_on + dt.timedelta(
        days=r.randint(0, max(0, (due - p.start_on).days)))
    if on in taken:
        on += dt.timedelta(days=1)
    # The plan belongs to the placement current that day: before the next one starts.
    if on <= last_day and (p.end_on is None or on < p.end_on):
        taken.add(on)
        session.add(PlacementPlan(child_id=child.id, completed_on=on))


def _next_visit_due(p: Placement, visit_on: dt.date, statuses: Sequence[LegalStatus],
                    reviews: Sequence[dt.date]) -> dt.date:
    """When the next visit falls due after one on ``visit_on`` (rules.md §9, with the
    rules table's offsets)."""
    weekly = p.temporary_approval or (p.placement_type == "P1" and _status_on(statuses, visit_on) == "C1")
    if weekly:
        reviewed = any(p.start_on <= held <= visit_on for held in reviews)
        return clock("visit", "after_review" if reviewed else "weekly").apply(visit_on)
    if visit_on < clock("visit", "first_year_ends").apply(p.start_on):
        return clock("visit", "first_year").apply(visit_on)
    return clock("visit", "long_term" if p.long_term else "after_first_year").apply(visit_on)


def _visit_dates(r: random.Random, p: Placement, last_day: dt.date, stop: dt.date,
                 statuses: Sequence[LegalStatus], reviews: Sequence[dt.date]) -> list[dt.date]:
    """Visits while the placement lasts: each a few days before its due date, sometimes
    late; the next one falls due from the day it actually happened."""
    out: list[dt.date] = []
    due = clock("visit", "first").apply(p.start_on)
    end = min(last_day, stop)
    while True:
        late = r.random() < 0.12
        on = due + dt.timedelta(days=r.randint(1, 12)) if late else due - dt.timedelta(days=r.randint(0, 4))
        on = max(on, (out[-1] if out else p.start_on) + dt.timedelta(days=1))
        # A visit belongs to the placement current that day: before a move, or up to the last day.
        if on > end or (p.end_on is not None and on >= p.end_on):
            return out
        out.append(on)
        due = _next_visit_due(p, on, statuses, reviews)


def _lapse(p: Placement, visits: list[dt.date], today: dt.date, statuses: Sequence[LegalStatus],
           reviews: Sequence[dt.date]) -> list[dt.date]:
    """Drop the latest visits until the next one is at least a few days overdue (a chain
    that stopped: the worker's home page and the meeting pack have something to find)."""
    visits = list(visits)
    while visits and _next_visit_due(p, visits[-1], statuses, reviews) >= today - dt.timedelta(days=3):
        visits.pop()
    return visits


def _interviews(session: Session, r: random.Random, today: dt.date) -> None:
    """Return home interviews after the demo's missing episodes (the return's own demo
    records the episodes): mostly within 72 hours, some late, a few not recorded."""
    for episode in session.scalars(select(MissingEpisode).where(MissingEpisode.kind == "M",
                                                                MissingEpisode.end_on.is_not(None))
                                   .order_by(MissingEpisode.id)):
        assert episode.end_on is not None
        if r.random() < 0.08:
            continue
        due = clock("return_home_interview", "first").apply(episode.end_on)
        on = due + dt.timedelta(days=r.randint(1, 8)) if r.random() < 0.15 else episode.end_on + dt.timedelta(
            days=r.randint(0, max(0, (due - episode.end_on).days)))
        if on > today:
            continue
        episode.interview = r.choices(("held", "declined", "offered"), (14, 4, 1))[0]
        episode.interview_on = on
