"""Tracking meetings, the decisions recorded in them, and weekly snapshots of the counts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.audit import Audited, exempt
from tracker.auth.models import Service, User
from tracker.db import Base, Versioned


class Meeting(Audited, Versioned, Base):
    """One weekly tracking meeting for a service."""

    __tablename__ = "meetings"
    __table_args__ = (UniqueConstraint("service_id", "week_of"),
                      CheckConstraint("status IN ('open', 'closed')", name="status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), index=True)
    #: Monday of the meeting's week.
    week_of: Mapped[dt.date]
    held_on: Mapped[dt.date]
    chair_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: Who attended, as entered by the chair (names and roles).
    attendees: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(6), default="open")

    service: Mapped[Service] = relationship()
    chair: Mapped[User] = relationship()
    decisions: Mapped[list[MeetingDecision]] = relationship(back_populates="meeting",
                                                            order_by="MeetingDecision.id")

    def audit_child_id(self) -> int | None:
        return None


class MeetingDecision(Audited, Versioned, Base):
    """What the meeting decided for one child (actions are linked by ``Action.meeting_id``)."""

    __tablename__ = "meeting_decisions"
    __table_args__ = (UniqueConstraint("meeting_id", "child_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    meeting: Mapped[Meeting] = relationship(back_populates="decisions")


class WeeklySnapshot(Base):
    """An aggregate count for one team (or the whole service, team_id NULL) in one week."""

    __tablename__ = "weekly_snapshots"
    __table_args__ = (
        UniqueConstraint("week_of", "service_id", "team_key", "metric"),
        Index("ix_weekly_snapshots_metric_week", "metric", "week_of"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    week_of: Mapped[dt.date]
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    #: team id as text, or "all" for the service total (a NULL would defeat the unique key).
    team_key: Mapped[str] = mapped_column(String(12))
    metric: Mapped[str] = mapped_column(String(60))
    value: Mapped[int]
    taken_at: Mapped[dt.datetime]


exempt("weekly_snapshots", "aggregate counts derived from audited records by the weekly job")
