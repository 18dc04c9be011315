"""Reads about placements."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.children.models import CarePeriod, Child, Placement


def get_placement_gap(session: Session, child: Child) -> dt.date | None:
    """The day from which a child who is looked after now has had no placement (the
    last placement's end, or the start of care if none), or None if they have one."""
    period = session.scalar(select(CarePeriod).where(CarePeriod.child_id == child.id, CarePeriod.end_on.is_(None)))
    if period is None:
        return None
    placements = list(session.scalars(select(Placement).where(Placement.child_id == child.id,
                                                              Placement.start_on >= period.start_on)))
    if any(p.end_on is None for p in placements):
        return None
    return max((p.end_on for p in placements if p.end_on is not None), default=period.start_on)
