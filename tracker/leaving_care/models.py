"""Care leavers: pathway plans, personal adviser contact, accommodation, EET, tenancy,
staying put, and the birthday data collected for the OC3 return."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.audit import Audited
from tracker.db import Base, Versioned

PATHWAY_EVENTS = {
    "needs_assessment_completed": "Needs assessment completed",
    "pathway_plan_completed": "Pathway plan completed",
    "pathway_plan_reviewed": "Pathway plan reviewed",
    "pa_extended_to_25": "Personal adviser support extended to 25",
}
CONTACT_METHODS = {"visit": "Visit", "phone": "Phone call", "message": "Message (text, email, app)"}
TENURES = {"council": "Council", "housing_association": "Housing association", "private": "Private landlord"}
TENANCY_ENDINGS = {
    "planned_move": "Planned move", "eviction_arrears": "Evicted for rent arrears",
    "eviction_other": "Evicted for another reason", "abandoned": "Abandoned", "custody": "Custody",
    "other": "Other",
}
IN_TOUCH = {"YES": "In touch", "NO": "Not in touch", "REFU": "Refuses contact", "DIED": "Died",
            "NREQ": "No longer requires services", "RHOM": "Returned home 6+ months"}


def _in(column: str, values: dict[str, str], nullable: bool = False) -> str:
    clause = f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"
    return f"{column} IS NULL OR {clause}" if nullable else clause


class PathwayEvent(Audited, Versioned, Base):
    __tablename__ = "pathway_events"
    __table_args__ = (UniqueConstraint("child_id", "kind", "on"),
                      CheckConstraint(_in("kind", PATHWAY_EVENTS), name="kind"))

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    on: Mapped[dt.date]


class PaContact(Audited, Versioned, Base):
    __tablename__ = "pa_contacts"
    __table_args__ = (CheckConstraint(_in("method", CONTACT_METHODS), name="method"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    contact_on: Mapped[dt.date]
    method: Mapped[str] = mapped_column(String(10))
    seen_alone: Mapped[bool] = mapped_column(Boolean, default=False)
    adviser_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Accommodation(Audited, Versioned, Base):
    """Where a care leaver lives: 903 OC3 ACCOM letter and whether it is suitable."""

    __tablename__ = "accommodations"
    __table_args__ = (CheckConstraint("end_on IS NULL OR end_on >= start_on", name="end_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    start_on: Mapped[dt.date]
    end_on: Mapped[dt.date | None]
    accommodation: Mapped[str] = mapped_column(String(1))
    suitable: Mapped[bool] = mapped_column(Boolean)
    unsuitable_reason: Mapped[str | None] = mapped_column(Text)
    postcode_district: Mapped[str | None] = mapped_column(String(4))


class Activity(Audited, Versioned, Base):
    """Education, employment or training (903 ACTIV code)."""

    __tablename__ = "activities"
    __table_args__ = (CheckConstraint("end_on IS NULL OR end_on >= start_on", name="end_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    start_on: Mapped[dt.date]
    end_on: Mapped[dt.date | None]
    activity: Mapped[str] = mapped_column(String(2))


class Tenancy(Audited, Versioned, Base):
    __tablename__ = "tenancies"
    __table_args__ = (
        CheckConstraint("end_on IS NULL OR end_on >= start_on", name="end_after_start"),
        CheckConstraint(_in("tenure", TENURES), name="tenure"),
        CheckConstraint(_in("end_reason", TENANCY_ENDINGS, nullable=True), name="end_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    tenure: Mapped[str] = mapped_column(String(20))
    start_on: Mapped[dt.date]
    end_on: Mapped[dt.date | None]
    end_reason: Mapped[str | None] = mapped_column(String(20))
    rent_arrears: Mapped[bool] = mapped_column(Boolean, default=False)
    support_in_place: Mapped[bool] = mapped_column(Boolean, default=False)


class StayingPut(Audited, Versioned, Base):
    """Staying with former foster carers after 18 (ends by the 21st birthday)."""

    __tablename__ = "staying_put"
    __table_args__ = (CheckConstraint("end_on IS NULL OR end_on >= start_on", name="end_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    carer_ref: Mapped[str | None] = mapped_column(String(30))
    start_on: Mapped[dt.date]
    end_on: Mapped[dt.date | None]


class CareLeaverRecord(Audited, Versioned, Base):
    """Birthday data (18th–21st): in touch, activity and accommodation, for OC3."""

    __tablename__ = "care_leaver_records"
    __table_args__ = (UniqueConstraint("child_id", "recorded_on"),
                      CheckConstraint(_in("in_touch", IN_TOUCH), name="in_touch"))

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    recorded_on: Mapped[dt.date]
    in_touch: Mapped[str] = mapped_column(String(4))
    activity: Mapped[str | None] = mapped_column(String(2))
    accommodation: Mapped[str | None] = mapped_column(String(1))
    suitable: Mapped[bool | None] = mapped_column(Boolean)
