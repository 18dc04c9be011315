"""The child record's facts: the child itself (the registry's subject), periods of care
and legal statuses (see tracker.tracking.registry)."""

from __future__ import annotations

from collections.abc import Iterable

from tracker import codes
from tracker.children.models import CarePeriod, Child, LegalStatus
from tracker.tracking.registry import (
    EventSpec,
    Fact,
    Page,
    Rows,
    code_label,
    declare,
    declare_subject,
)

#: The legal status a period of care starts with when none is recorded on its first day
#: (V2: single period of accommodation under s.20), and why a period ended when no reason
#: is recorded (E8: any other reason).
DEFAULT_LEGAL_STATUS = "V2"
DEFAULT_REASON_CEASED = "E8"


def _period_events(period: CarePeriod, rows: Rows) -> Iterable[EventSpec]:
    first = next((s for s in rows(LegalStatus) if s.start_on == period.start_on), None)
    yield period.start_on, "entered_care", {"legal_status": first.code if first else DEFAULT_LEGAL_STATUS}
    if period.end_on is not None:
        yield period.end_on, "left_care", {"reason": period.reason_ceased or DEFAULT_REASON_CEASED}


def _status_events(status: LegalStatus, rows: Rows) -> Iterable[EventSpec]:
    # The legal status on the first day of a period of care is part of entering care.
    if not any(p.start_on == status.start_on for p in rows(CarePeriod)):
        yield status.start_on, "legal_status_changed", {"legal_status": status.code}


declare_subject(Child)
declare(
    Fact(
        CarePeriod, on="start_on", label="Started to be looked after",
        detail=code_label(codes.CATEGORY_OF_NEED, "category_of_need"), order=1,
        ended_on="end_on", ended_label="Stopped being looked after",
        ended_detail=code_label(codes.REASON_CEASED, "reason_ceased"), ended_order=0,
        event=("entered_care", "left_care"), events=_period_events,
        record=Page("children.enter_care"),
        correct=Page("children.edit_care_period", "period_id"),
        delete=Page("children.delete_care_period", "period_id"),
        area="care",
    ),
    Fact(
        LegalStatus, on="start_on", label="Legal status", detail=code_label(codes.LEGAL_STATUS, "code"), order=2,
        event="legal_status_changed", events=_status_events,
        record=Page("children.change_legal_status"),
        # No correction form: a wrong legal status is deleted on the care history tab.
        correct=Page("children.care_history"),
        delete=Page("children.delete_legal_status", "status_id"),
        area="care",
    ),
)
