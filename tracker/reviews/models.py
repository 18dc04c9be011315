"""Statutory reviews (CPPCR reg 33) with the child's participation code (903 REVIEW_CODE)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.audit import Audited
from tracker.db import Base, Versioned

PARTICIPATION = {
    "PN0": "Child aged under 4 at the time of the review",
    "PN1": "Child physically attended and spoke for themselves",
    "PN2": "Child physically attended; an advocate spoke on their behalf",
    "PN3": "Child attended and conveyed their view symbolically (non-verbally)",
    "PN4": "Child physically attended but did not contribute",
    "PN5": "Child did not attend but briefed an advocate to speak for them",
    "PN6": "Child did not attend but conveyed their feelings by another method",
    "PN7": "Child did not attend nor contribute in any way",
}


class Review(Audited, Versioned, Base):
    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("child_id", "held_on"),
        CheckConstraint("participation IS NULL OR participation IN ('PN0','PN1','PN2','PN3','PN4','PN5','PN6','PN7')",
                        name="participation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[dt.date]
    participation: Mapped[str | None] = mapped_column(String(3))
    #: The independent reviewing officer who chaired it.
    iro_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
