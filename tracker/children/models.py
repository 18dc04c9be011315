"""Children and their care history: periods of care, legal statuses and placements
(SSDA903 terms). A placement lies inside a period of care and ends with it, so the care
history is one package; the placements package holds the placement pages and services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.audit import Audited
from tracker.auth.models import Team, User
from tracker.db import Base, Versioned


class Child(Audited, Versioned, Base):
    __tablename__ = "children"
    __table_args__ = (
        CheckConstraint("sex IN ('1', '2')", name="sex"),
        Index("ix_children_allocated_worker_id", "allocated_worker_id"),
        Index("ix_children_team_id", "team_id"),
        Index("ix_children_last_name_first_name", "last_name", "first_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The 903 CHILD identifier (the authority's own id, up to 10 characters).
    local_id: Mapped[str] = mapped_column(String(10), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[dt.date]
    #: 903 SEX: 1 male, 2 female.
    sex: Mapped[str] = mapped_column(String(1))
    #: 903 ETHNIC code.
    ethnicity: Mapped[str] = mapped_column(String(4))
    #: Unique pupil number (13 characters) or UN1–UN5.
    upn: Mapped[str | None] = mapped_column(String(13))
    disability: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Unaccompanied asylum-seeking child.
    uasc: Mapped[bool] = mapped_column(Boolean, default=False)
    allocated_worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    #: Personal adviser (care leavers).
    personal_adviser_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: The child's independent reviewing officer (allocated by a manager).
    iro_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: Restricted records are open only to the people allocated to the child and their
    #: managers (tracker.children.access); every look at one is recorded.
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Why the due dates could not be worked out last time (e.g. "no term dates for
    #: 2029/30"); shown on the child's page. Derived state, written by the recompute.
    items_error: Mapped[str | None] = mapped_column(String(200))
    #: Open tracked items overdue / due soon, and the earliest open due date: derived
    #: from ``tracked_items`` by the recompute (like ``items_error``), so caseloads sort a
    #: whole service by urgency without aggregating every open item on each page view.
    open_overdue: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    open_due_soon: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_due_on: Mapped[dt.date | None]

    allocated_worker: Mapped[User | None] = relationship(foreign_keys=[allocated_worker_id])
    personal_adviser: Mapped[User | None] = relationship(foreign_keys=[personal_adviser_id])
    iro: Mapped[User | None] = relationship(foreign_keys=[iro_id])
    team: Mapped[Team | None] = relationship()
    care_periods: Mapped[list[CarePeriod]] = relationship(
        back_populates="child", order_by="CarePeriod.start_on", cascade="all, delete-orphan")
    legal_statuses: Mapped[list[LegalStatus]] = relationship(
        back_populates="child", order_by="LegalStatus.start_on", cascade="all, delete-orphan")

    def audit_child_id(self) -> int | None:
        return self.id

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def initials(self) -> str:
        return f"{self.first_name[:1]}{self.last_name[:1]}".upper()

    def age_on(self, on: dt.date) -> int:
        dob = self.date_of_birth
        return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


class CarePeriod(Audited, Versioned, Base):
    """A period of being looked after: DECOM (start) to DEC (end, open while in care)."""

    __tablename__ = "care_periods"
    __table_args__ = (
        CheckConstraint("end_on IS NULL OR end_on >= start_on", name="end_after_start"),
        UniqueConstraint("child_id", "start_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    start_on: Mapped[dt.date]
    end_on: Mapped[dt.date | None]
    #: 903 RNE of the first episode (S for a new period of care).
    reason_new_episode: Mapped[str] = mapped_column(String(1), default="S")
    #: 903 REC (reason the period of care ended).
    reason_ceased: Mapped[str | None] = mapped_column(String(3))
    #: 903 CIN, category of need.
    category_of_need: Mapped[str] = mapped_column(String(2), default="N1")

    child: Mapped[Child] = relationship(back_populates="care_periods")

    def contains(self, on: dt.date) -> bool:
        return self.start_on <= on and (self.end_on is None or on < self.end_on)


class LegalStatus(Audited, Base):
    """A legal status from its start date until the next one (903 LS)."""

    __tablename__ = "legal_statuses"
    __table_args__ = (UniqueConstraint("child_id", "start_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    start_on: Mapped[dt.date]
    code: Mapped[str] = mapped_column(String(2))

    child: Mapped[Child] = relationship(back_populates="legal_statuses")


class Placement(Audited, Versioned, Base):
    """A placement (903 PLACE / PLACE_PROVIDER / REASON_PLACE_CHANGE)."""

    __tablename__ = "placements"
    __table_args__ = (
        CheckConstraint("end_on IS NULL OR end_on >= start_on", name="end_after_start"),
        CheckConstraint("weekly_cost IS NULL OR weekly_cost >= 0", name="cost_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    start_on: Mapped[dt.date]
    end_on: Mapped[dt.date | None]
    #: 903 PLACE.
    placement_type: Mapped[str] = mapped_column(String(3))
    #: 903 PLACE_PROVIDER.
    provider: Mapped[str | None] = mapped_column(String(3))
    #: Postcode district of the placement (e.g. "LS6"), never the full address.
    postcode_district: Mapped[str | None] = mapped_column(String(4))
    #: Distance band: more than 20 miles from home, and outside the authority's boundary.
    over_20_miles: Mapped[bool] = mapped_column(Boolean, default=False)
    outside_authority: Mapped[bool] = mapped_column(Boolean, default=False)
    emergency: Mapped[bool] = mapped_column(Boolean, default=False)
    weekly_cost: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    #: Carer reference, to tell a change of carer (RNE P/B) from same carer (T/U).
    carer_ref: Mapped[str | None] = mapped_column(String(30))
    #: 903 REASON_PLACE_CHANGE, when the placement ended.
    end_reason: Mapped[str | None] = mapped_column(String(6))
    #: Intended to last until the child is 18 (CPPCR reg 28(2)(c)): after the first year,
    #: visits are due every 3 months instead of every 6 weeks.
    long_term: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: With a connected person approved temporarily (CPPCR reg 24): weekly visits until
    #: the first review.
    temporary_approval: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    child: Mapped[Child] = relationship()

    @property
    def distance_band(self) -> str:
        miles = "over 20 miles" if self.over_20_miles else "under 20 miles"
        where = "outside the authority" if self.outside_authority else "inside the authority"
        return f"{miles}, {where}"
