"""The visits domain's facts: statutory visits, care plans and placement plans (see
tracker.tracking.registry)."""

from __future__ import annotations

from tracker.tracking.registry import Fact, Page, declare
from tracker.visits.models import CarePlan, PlacementPlan, Visit


def _visit_detail(visit: Visit) -> str:
    alone = "seen alone" if visit.seen_alone else "not seen alone"
    return f"By {visit.visited_by.name}; {alone}"


declare(
    Fact(
        Visit, on="visited_on", label="Statutory visit", detail=_visit_detail,
        event="visit",
        record=Page("visits.record_visit"), button="Record a visit",
        correct=Page("visits.edit_visit", "record_id"),
        delete=Page("visits.delete_visit", "record_id"),
        area="care",
    ),
    Fact(
        CarePlan, on="completed_on", label="Care plan completed",
        event="care_plan_completed",
        record=Page("visits.record_care_plan"), button="Record a care plan",
        correct=Page("visits.edit_care_plan", "record_id"),
        delete=Page("visits.delete_care_plan", "record_id"),
        area="care",
    ),
    Fact(
        PlacementPlan, on="completed_on", label="Placement plan completed",
        event="placement_plan_completed",
        record=Page("visits.record_placement_plan"), button="Record a placement plan",
        correct=Page("visits.edit_placement_plan", "record_id"),
        delete=Page("visits.delete_placement_plan", "record_id"),
        area="care",
    ),
)
