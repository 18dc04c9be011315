"""Tracked items (materialised from the rules engine), actions and policy settings."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.audit import Audited, exempt
from tracker.auth.models import User
from tracker.db import Base, Versioned

STATUS_CHECK = ("status IN ('done_on_time', 'done_late', 'overdue', 'due_soon', 'upcoming', 'missed', 'closed')")


class TrackedItem(Base):
    """One obligation for one child, as the rules engine computed it.

    Derived data: recomputed (in the same transaction) whenever a fact that feeds it
    changes, and its status refreshed daily. Identified within a child by ``key``.
    """

    __tablename__ = "tracked_items"
    __table_args__ = (
        UniqueConstraint("child_id", "key"),
        CheckConstraint(STATUS_CHECK, name="status"),
        # The overdue/due-soon scan is one indexed range query over open items.
        Index("ix_tracked_items_open_due", "due_on", postgresql_where=text("is_open"),
              sqlite_where=text("is_open = 1")),
        Index("ix_tracked_items_open_owner_due", "owner_id", "due_on", postgresql_where=text("is_open"),
              sqlite_where=text("is_open = 1")),
        # Caseloads count each child's open items by status: an index-only scan.
        Index("ix_tracked_items_open_child", "child_id", "status", "due_on", postgresql_where=text("is_open"),
              sqlite_where=text("is_open = 1")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(40))
    sequence: Mapped[int | None]
    term: Mapped[str | None] = mapped_column(String(20))
    age: Mapped[int | None]
    due_on: Mapped[dt.date]
    completed_on: Mapped[dt.date | None]
    closed_on: Mapped[dt.date | None]
    status: Mapped[str] = mapped_column(String(12))
    #: Not completed, not closed, not missed: can still become overdue.
    is_open: Mapped[bool] = mapped_column(Boolean)
    explanation: Mapped[str] = mapped_column(Text)
    #: The fact that completed it, e.g. "reviews:42".
    completed_by: Mapped[str | None] = mapped_column(String(60))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    #: The day the status was last computed for.
    status_as_of: Mapped[dt.date]

    owner: Mapped[User | None] = relationship()


exempt("tracked_items", "derived from audited facts by the rules engine and recomputed from them")


class Action(Audited, Versioned, Base):
    """An action agreed for a child (at a tracking meeting, review or pathway plan)."""

    __tablename__ = "actions"
    __table_args__ = (CheckConstraint("source IN ('meeting', 'review', 'pathway_plan', 'other')", name="source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    due_on: Mapped[dt.date]
    completed_on: Mapped[dt.date | None]
    source: Mapped[str] = mapped_column(String(20), default="other")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_on: Mapped[dt.date]
    #: The tracking meeting that agreed it, if any.
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"), index=True)

    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


class Setting(Audited, Versioned, Base):
    """A local policy number (the rules.md "(config)" values, alert timings, …)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[int]

    def audit_child_id(self) -> int | None:
        return None
