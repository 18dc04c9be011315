"""The placements domain's fact (see tracker.tracking.registry).

Placements give the rules engine no event yet: the visit and placement-plan rules wait
for their recording pages (tracking.services.NOT_RECORDED_YET).
"""

from __future__ import annotations

from tracker import codes
from tracker.children.models import Placement
from tracker.tracking.registry import Fact, Page, code_label, declare

declare(
    Fact(
        Placement, on="start_on", label="Placement started",
        detail=code_label(codes.PLACEMENT_TYPE, "placement_type"), order=3,
        ended_on="end_on", ended_label="Placement ended",
        ended_detail=code_label(codes.REASON_PLACE_CHANGE, "end_reason"), ended_order=2,
        record=Page("placements.new_placement"),
        correct=Page("placements.edit_placement", "placement_id"),
        delete=Page("placements.delete_placement", "placement_id"),
        area="care",
    ),
)
