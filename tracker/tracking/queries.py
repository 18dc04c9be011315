"""Reads of tracked items."""

from __future__ import annotations

from sqlalchemy import case, select, true
from sqlalchemy.orm import Session

from tracker.tracking.models import TrackedItem

#: Most urgent first.
STATUS_ORDER = {"overdue": 0, "due_soon": 1, "upcoming": 2, "missed": 3, "done_late": 4, "done_on_time": 5,
                "closed": 6}
STATUS_LABELS = {"overdue": "Overdue", "due_soon": "Due soon", "upcoming": "Upcoming", "missed": "Missed",
                 "done_late": "Done late", "done_on_time": "Done on time", "closed": "Closed"}
STATUS_TAG = {"overdue": "red", "due_soon": "orange", "upcoming": "blue", "missed": "red",
              "done_late": "yellow", "done_on_time": "green", "closed": "grey"}


def list_child_items(session: Session, child_id: int, *, open_only: bool = False) -> list[TrackedItem]:
    stmt = select(TrackedItem).where(TrackedItem.child_id == child_id)
    if open_only:
        stmt = stmt.where(TrackedItem.is_open == true())
        order = [TrackedItem.due_on]
    else:
        order = [case(*((TrackedItem.status == k, v) for k, v in STATUS_ORDER.items()), else_=9),
                 TrackedItem.due_on.desc()]
    return list(session.scalars(stmt.order_by(*order, TrackedItem.kind, TrackedItem.id)))
