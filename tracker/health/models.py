"""Health assessments, dental checks and SDQ scores."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.audit import Audited
from tracker.db import Base, Versioned


class HealthAssessment(Audited, Versioned, Base):
    __tablename__ = "health_assessments"
    __table_args__ = (
        UniqueConstraint("child_id", "held_on", "kind"),
        CheckConstraint("kind IN ('initial', 'review')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[dt.date]
    kind: Mapped[str] = mapped_column(String(10))


class DentalCheck(Audited, Versioned, Base):
    __tablename__ = "dental_checks"
    __table_args__ = (UniqueConstraint("child_id", "checked_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    checked_on: Mapped[dt.date]


class SdqScore(Audited, Versioned, Base):
    """Strengths and difficulties questionnaire total score (0–40)."""

    __tablename__ = "sdq_scores"
    __table_args__ = (
        UniqueConstraint("child_id", "completed_on"),
        CheckConstraint("score >= 0 AND score <= 40", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    completed_on: Mapped[dt.date]
    score: Mapped[int]

    @property
    def band(self) -> str:
        return sdq_band(self.score)


def sdq_band(score: int) -> str:
    """rules.md §3: 0–13 normal, 14–16 borderline, 17–40 cause for concern."""
    if score <= 13:
        return "normal"
    if score <= 16:
        return "borderline"
    return "cause for concern"
