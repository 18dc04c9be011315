"""The placements domain's fact (see tracker.tracking.registry).

Each placement gives the rules engine a ``placement_started`` (its type and the "long
term" and "temporary approval" flags the visit rule reads) and, when it ended other than
by a move or by leaving care, a ``placement_ended``. A move is a new placement starting
the day the previous one ends: the engine ends the previous one itself, so no end event
is given for it (an end and a start on one day would otherwise depend on their order).
"""

from __future__ import annotations

from collections.abc import Iterable

from tracker import codes
from tracker.children.models import Placement
from tracker.tracking.registry import EventSpec, Fact, Page, Rows, code_label, declare


def _placement_events(placement: Placement, rows: Rows) -> Iterable[EventSpec]:
    yield placement.start_on, "placement_started", {
        "placement_type": placement.placement_type,
        "long_term": bool(placement.long_term),
        "temporary_approval": bool(placement.temporary_approval),
    }
    end = placement.end_on
    if end is not None and not any(p.id != placement.id and p.start_on == end for p in rows(Placement)):
        yield end, "placement_ended", {}


def _flags(placement: Placement) -> str:
    flags = [label for on, label in ((placement.long_term, "long term"),
                                     (placement.temporary_approval, "temporary approval")) if on]
    text = codes.PLACEMENT_TYPE.label(placement.placement_type)
    return f"{text} ({', '.join(flags)})" if flags else text


declare(
    Fact(
        Placement, on="start_on", label="Placement started", detail=_flags, order=3,
        ended_on="end_on", ended_label="Placement ended",
        ended_detail=code_label(codes.REASON_PLACE_CHANGE, "end_reason"), ended_order=2,
        event=("placement_started", "placement_ended"), events=_placement_events,
        record=Page("placements.new_placement"),
        correct=Page("placements.edit_placement", "placement_id"),
        delete=Page("placements.delete_placement", "placement_id"),
        area="care",
    ),
)
