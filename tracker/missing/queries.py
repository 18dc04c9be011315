"""Reads about missing episodes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from tracker.children.models import Child
from tracker.missing.models import MissingEpisode


def list_episodes(session: Session, child: Child) -> list[MissingEpisode]:
    """The child's missing and away episodes, newest first."""
    return list(session.scalars(select(MissingEpisode).where(MissingEpisode.child_id == child.id)
                                .order_by(MissingEpisode.start_on.desc(), MissingEpisode.id.desc())))


def missing_on(day: dt.date) -> ColumnElement[bool]:
    """Condition on ``MissingEpisode``: the child was missing or away on ``day`` (started on
    or before it, not yet returned by it)."""
    return (MissingEpisode.start_on <= day) & or_(MissingEpisode.end_on.is_(None), MissingEpisode.end_on > day)
