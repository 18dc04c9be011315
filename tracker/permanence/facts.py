"""The permanence domain's facts (see tracker.tracking.registry)."""

from __future__ import annotations

from typing import Any

from tracker.permanence.models import (
    COURT_EVENTS,
    MILESTONES,
    ORDERS,
    PLANS,
    CourtEvent,
    PermanenceMilestone,
    PermanencePlan,
)
from tracker.tracking.registry import Fact, Page, declare
from tracker.tracking.rules.court import MAX_EXTENSION_WEEKS


def _court_detail(c: CourtEvent) -> str:
    detail = []
    if c.weeks:
        detail.append(f"{c.weeks} weeks")
    if c.court_order:
        detail.append(ORDERS.get(c.court_order, c.court_order))
    if c.notes:
        detail.append(c.notes)
    return "; ".join(detail)


def _court_data(c: CourtEvent) -> dict[str, Any]:
    if c.kind == "proceedings_extended":
        return {"weeks": c.weeks or MAX_EXTENSION_WEEKS}  # the form requires weeks; older rows may lack them
    if c.kind == "final_order":
        return {"order": c.court_order or "no_order"}
    return {}


declare(
    Fact(
        PermanencePlan, on="agreed_on", label="Permanence plan agreed",
        detail=lambda p: PLANS.get(p.plan, p.plan),
        event="permanence_plan_agreed", data=lambda p: {"plan": p.plan},
        record=Page("permanence.record_plan"), button="Record the permanence plan",
        correct=Page("permanence.edit_plan", "record_id"),
        delete=Page("permanence.delete_plan", "record_id"),
        area="permanence",
    ),
    Fact(
        PermanenceMilestone, on="on", label=lambda m: MILESTONES.get(m.kind, m.kind),
        record=Page("permanence.record_milestone"),
        correct=Page("permanence.edit_milestone", "record_id"),
        delete=Page("permanence.delete_milestone", "record_id"),
        area="permanence",
    ),
    Fact(
        CourtEvent, on="on", label=lambda c: COURT_EVENTS.get(c.kind, c.kind), detail=_court_detail,
        # A hearing is shown in the meeting pack; it has no timescale of its own.
        event=tuple(kind for kind in COURT_EVENTS if kind != "hearing"),
        event_of=lambda c: None if c.kind == "hearing" else c.kind, data=_court_data,
        record=Page("permanence.record_court_event"), button="Record a court event",
        correct=Page("permanence.edit_court_event", "record_id"),
        delete=Page("permanence.delete_court_event", "record_id"),
        area="permanence",
    ),
)
