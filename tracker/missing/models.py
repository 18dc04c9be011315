"""Missing and away episodes (903 Missing table) with their return home interview.

One table for the return and the case record: the SSDA903 export and import read and
write these rows, the forms on the child's "Missing" tab record, correct and delete them,
and the rules engine gets each row's start, end and interview.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.audit import Audited
from tracker.db import Base, Versioned

#: 903 MISSING: M missing from care, A away from placement without authorisation.
MISSING_KINDS = ("M", "A")
KIND_LABELS = {"M": "Missing (whereabouts not known)", "A": "Away from placement without authorisation"}
#: What happened to the return home interview. Offering it is the duty (rules.md §9:
#: completed by an interview "offered or held"), so each of these completes the item.
INTERVIEW_OUTCOMES = ("held", "declined", "offered")
INTERVIEW_LABELS = {"held": "Interview held", "declined": "Offered, the child declined",
                    "offered": "Offered, not held yet"}


def _in(column: str, values: tuple[str, ...], nullable: bool = True) -> str:
    clause = f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"
    return f"{column} IS NULL OR {clause}" if nullable else clause


class MissingEpisode(Audited, Versioned, Base):
    """Missing: M missing from care, A away from placement without authorisation; for a
    missing child, the return home interview (what happened, and when)."""

    __tablename__ = "missing_episodes"
    __table_args__ = (
        UniqueConstraint("child_id", "start_on"),
        CheckConstraint(_in("kind", MISSING_KINDS, nullable=False), name="kind"),
        CheckConstraint("end_on IS NULL OR end_on >= start_on", name="end_after_start"),
        CheckConstraint(_in("interview", INTERVIEW_OUTCOMES), name="interview"),
        CheckConstraint("(interview IS NULL) = (interview_on IS NULL)", name="interview_dated"),
        CheckConstraint("interview_on IS NULL OR (end_on IS NOT NULL AND interview_on >= end_on)",
                        name="interview_after_return"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(1))
    start_on: Mapped[dt.date]
    end_on: Mapped[dt.date | None]
    #: The return home interview: held, declined or offered (None: nothing recorded yet).
    interview: Mapped[str | None] = mapped_column(String(8))
    interview_on: Mapped[dt.date | None]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def interview_label(self) -> str:
        return INTERVIEW_LABELS.get(self.interview or "", "")
