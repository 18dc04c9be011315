"""Statutory visits, care plans and placement plans.

A visit or a plan belongs to the placement (or period of care) current on its date, as
the rules engine reads it (rules.md §9 reading 4), so none of them stores a placement:
correcting a placement's dates never leaves a plan pointing at the wrong one.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.audit import Audited
from tracker.auth.models import User
from tracker.db import Base, Versioned


class Visit(Audited, Versioned, Base):
    """A statutory visit to the child (CPPCR reg 28): when, whether the child was seen
    alone, and who visited."""

    __tablename__ = "visits"
    __table_args__ = (UniqueConstraint("child_id", "visited_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    visited_on: Mapped[dt.date]
    seen_alone: Mapped[bool] = mapped_column(Boolean)
    visited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)

    visited_by: Mapped[User] = relationship(lazy="selectin")


class CarePlan(Audited, Versioned, Base):
    """The date a care plan was completed (CPPCR reg 4)."""

    __tablename__ = "care_plans"
    __table_args__ = (UniqueConstraint("child_id", "completed_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    completed_on: Mapped[dt.date]


class PlacementPlan(Audited, Versioned, Base):
    """The date a placement plan was completed (CPPCR reg 9): it is the plan of the
    placement current on that date."""

    __tablename__ = "placement_plans"
    __table_args__ = (UniqueConstraint("child_id", "completed_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    completed_on: Mapped[dt.date]
