"""Personal education plans and the authority's school term dates."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.audit import Audited
from tracker.db import Base, Versioned


class Pep(Audited, Versioned, Base):
    __tablename__ = "peps"
    __table_args__ = (UniqueConstraint("child_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[dt.date]


class TermDate(Audited, Versioned, Base):
    """One school term (editable per authority; seeded with rules.md §6)."""

    __tablename__ = "term_dates"
    __table_args__ = (
        UniqueConstraint("academic_year", "term"),
        CheckConstraint("term IN ('autumn', 'spring', 'summer')", name="term"),
        CheckConstraint("end_on > start_on", name="end_after_start"),
        CheckConstraint("half_term_start_on >= start_on AND half_term_end_on <= end_on "
                        "AND half_term_end_on >= half_term_start_on", name="half_term_inside"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "2026/27"
    academic_year: Mapped[str] = mapped_column(String(7))
    term: Mapped[str] = mapped_column(String(6))
    start_on: Mapped[dt.date]
    end_on: Mapped[dt.date]
    half_term_start_on: Mapped[dt.date]
    half_term_end_on: Mapped[dt.date]

    def audit_child_id(self) -> int | None:
        return None
