"""The demo casework is consistent with the forms' own checks, and leaves work overdue."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tracker.auth.models import User
from tracker.children.models import Child
from tracker.db import Base
from tracker.demo import build_demo
from tracker.education import services as education
from tracker.education.models import Pep
from tracker.health import services as health
from tracker.health.models import DentalCheck, HealthAssessment, SdqScore
from tracker.permanence import services as permanence
from tracker.permanence.models import CourtEvent, PermanenceMilestone, PermanencePlan
from tracker.reviews import services as reviews
from tracker.reviews.models import Review
from tracker.tracking.models import TrackedItem

TODAY = dt.date(2026, 11, 22)


def test_demo_records_pass_validation_and_sw1_has_an_overdue_review(session, monkeypatch) -> None:
    # build_demo commits as it goes; here a commit must not end the test's transaction
    # (on SQLite, releasing the outermost savepoint would make the demo permanent).
    monkeypatch.setattr(session, "commit", session.flush)
    # Start from an empty authority even if an earlier test left data behind.
    for table in reversed(Base.metadata.sorted_tables):
        if table.name not in ("term_dates", "settings", "alembic_version"):
            session.execute(table.delete())
    build_demo(session, n_children=40, seed=7, password="demo password", today=TODAY, password_cost=(1, 64))
    children = {c.id: c for c in session.scalars(select(Child))}
    counts = {}

    def check(model, validate) -> None:
        rows = list(session.scalars(select(model)))
        counts[model.__tablename__] = len(rows)
        for row in rows:
            validate(children[row.child_id], row)  # raises ValidationError if the forms would refuse it

    check(Review, lambda c, r: reviews._validate(session, c, r.held_on, r.participation, today=TODAY, review=r,
                                                 iro_id=r.iro_id))
    check(HealthAssessment, lambda c, r: health._validate_assessment(session, c, r.held_on, r.kind, today=TODAY,
                                                                     record=r))
    check(DentalCheck, lambda c, r: health._validate_dental(session, c, r.checked_on, today=TODAY, record=r))
    check(SdqScore, lambda c, r: health._validate_sdq(session, c, r.completed_on, r.score, today=TODAY, record=r))
    check(Pep, lambda c, r: education._validate(session, c, r.held_on, today=TODAY, pep=r))
    check(PermanencePlan, lambda c, r: permanence._validate_plan(session, c, r.agreed_on, r.plan, today=TODAY,
                                                                 record=r))
    check(PermanenceMilestone, lambda c, r: permanence._validate_milestone(session, c, r.kind, r.on, today=TODAY,
                                                                           record=r))
    check(CourtEvent, lambda c, r: permanence._validate_court_event(
        session, c, kind=r.kind, on=r.on, weeks=r.weeks, court_order=r.court_order, today=TODAY, record=r))
    assert all(counts[t] > 0 for t in ("reviews", "health_assessments", "dental_checks", "sdq_scores", "peps",
                                       "permanence_plans", "court_events")), counts

    sw1 = session.scalar(select(User).where(User.email == "sw1@demo.invalid"))
    overdue_reviews = session.scalars(
        select(TrackedItem).join(Child, Child.id == TrackedItem.child_id)
        .where(Child.allocated_worker_id == sw1.id, TrackedItem.kind == "review",
               TrackedItem.status == "overdue")).all()
    assert overdue_reviews
    statuses = {s for (s,) in session.execute(select(TrackedItem.status).where(TrackedItem.kind == "review"))}
    assert {"done_on_time", "done_late", "overdue"} <= statuses
