"""The reviews domain's fact (see tracker.tracking.registry)."""

from __future__ import annotations

from tracker.reviews.models import Review
from tracker.tracking.registry import Fact, Page, declare

declare(
    Fact(
        Review, on="held_on", label="Statutory review held", detail=lambda r: r.participation or "",
        event="review_held",
        record=Page("reviews.record_review"), button="Record a review",
        correct=Page("reviews.edit_review", "review_id"),
        delete=Page("reviews.delete_review", "review_id"),
        area="reviews",
    ),
)
