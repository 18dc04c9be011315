"""The health domain's facts (see tracker.tracking.registry)."""

from __future__ import annotations

from tracker.health.models import DentalCheck, HealthAssessment, SdqScore
from tracker.tracking.registry import Fact, Page, declare

declare(
    Fact(
        HealthAssessment, on="held_on", label=lambda h: f"{h.kind.capitalize()} health assessment",
        event="health_assessment", data=lambda h: {"kind": h.kind},
        record=Page("health.record_health_assessment"), button="Record a health assessment",
        correct=Page("health.edit_health_assessment", "record_id"),
        delete=Page("health.delete_health_assessment", "record_id"),
        area="health",
    ),
    Fact(
        DentalCheck, on="checked_on", label="Dental check",
        event="dental_check",
        record=Page("health.record_dental_check"), button="Record a dental check",
        correct=Page("health.edit_dental_check", "record_id"),
        delete=Page("health.delete_dental_check", "record_id"),
        area="health",
    ),
    Fact(
        SdqScore, on="completed_on", label="SDQ completed", detail=lambda q: f"Score {q.score} ({q.band})",
        event="sdq", data=lambda q: {"score": q.score},
        record=Page("health.record_sdq"), button="Record an SDQ score",
        correct=Page("health.edit_sdq", "record_id"),
        delete=Page("health.delete_sdq", "record_id"),
        area="health",
    ),
)
