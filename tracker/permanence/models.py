"""Permanence plans, milestones, pre-proceedings and care proceedings."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.audit import Audited
from tracker.db import Base, Versioned
from tracker.tracking.rules.court import MAX_EXTENSION_WEEKS, PROCEEDINGS_WEEKS

PLANS = {
    "return_home": "Return home (reunification)",
    "adoption": "Adoption",
    "sgo": "Special guardianship order",
    "cao": "Child arrangements order",
    "long_term_fostering": "Long-term fostering",
    "residential": "Residential care",
    "independence": "Independent living",
}

MILESTONES = {
    "permanence_panel": "Permanence panel",
    "should_be_placed_for_adoption": "Decision that the child should be placed for adoption (SBPFA)",
    "matched": "Matched with adopters / carers",
    "placed_for_adoption": "Placed for adoption (moved in with the adoptive family)",
    "adoption_order": "Adoption order",
    "sgo_order": "Special guardianship order",
    "cao_order": "Child arrangements order",
    "reunification": "Returned home (reunification)",
}

COURT_EVENTS = {
    "pre_proceedings_started": "Pre-proceedings started (PLO letter)",
    "pre_proceedings_ended": "Pre-proceedings ended without proceedings",
    "proceedings_issued": "Care proceedings issued",
    "proceedings_extended": f"Extension of the {PROCEEDINGS_WEEKS}-week timetable",
    "hearing": "Hearing listed",
    "final_order": "Final order made",
}

ORDERS = {
    "care_order": "Care order",
    "placement_order": "Placement order",
    "sgo": "Special guardianship order",
    "cao": "Child arrangements order",
    "supervision_order": "Supervision order",
    "no_order": "No order",
}


def _in(column: str, values: dict[str, str]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class PermanencePlan(Audited, Versioned, Base):
    __tablename__ = "permanence_plans"
    __table_args__ = (UniqueConstraint("child_id", "agreed_on"), CheckConstraint(_in("plan", PLANS), name="plan"))

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    agreed_on: Mapped[dt.date]
    plan: Mapped[str] = mapped_column(String(20))


class PermanenceMilestone(Audited, Versioned, Base):
    __tablename__ = "permanence_milestones"
    __table_args__ = (UniqueConstraint("child_id", "kind", "on"), CheckConstraint(_in("kind", MILESTONES), name="kind"))

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    on: Mapped[dt.date]


class CourtEvent(Audited, Versioned, Base):
    """Pre-proceedings (PLO) and care proceedings events."""

    __tablename__ = "court_events"
    __table_args__ = (
        UniqueConstraint("child_id", "kind", "on"),
        CheckConstraint(_in("kind", COURT_EVENTS), name="kind"),
        CheckConstraint(f"weeks IS NULL OR (weeks >= 1 AND weeks <= {MAX_EXTENSION_WEEKS})", name="weeks_range"),
        CheckConstraint("court_order IS NULL OR " + _in("court_order", ORDERS), name="court_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    on: Mapped[dt.date]
    #: For extensions: weeks added (1 to MAX_EXTENSION_WEEKS).
    weeks: Mapped[int | None]
    #: For final orders.
    court_order: Mapped[str | None] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)
