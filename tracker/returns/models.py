"""Data the SSDA903 return carries that the case records do not: the fields of the
Header, UASC, OC2, AD1, PlacedAdoption, PrevPerm, SWEpisodes and DoLo tables,
and the full postcodes and Ofsted URN of each placement (Episodes HOME_POST, PL_POST,
URN).

Everything the tracker already records in 903 terms (children, periods of care, legal
statuses, placements, reviews, health, permanence milestones, care-leaver birthday data,
missing episodes: ``tracker.missing``) stays where it is; these tables hold only the rest, keyed by child (and by placement for
the postcodes), so the return is an export of both and an import can fill both.
Codes keep their official 903 values (``tracker.returns.codes``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker import audit
from tracker.audit import Audited
from tracker.children.models import Placement
from tracker.db import Base, Versioned


def _in(column: str, values: tuple[str, ...], nullable: bool = True) -> str:
    clause = f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"
    return f"{column} IS NULL OR {clause}" if nullable else clause


SDQ_REASONS = ("SDQ1", "SDQ2", "SDQ3", "SDQ4", "SDQ5")
ADOPTER_SEXES = ("M1", "F1", "MM", "FF", "MF")
ADOPTER_LEGAL_STATUSES = ("L0", "L11", "L12", "L2", "L3", "L4")
PLACED_CEASED_REASONS = ("RD1", "RD2", "RD3", "RD4")
PREVIOUS_PERMANENCE = ("P1", "P2", "P3", "P4", "Z1")
SW_REASONS = ("MANAGE", "FCONTA", "LEFTRL", "ORGRST", "TSPROC", "ABSENC", "CHCHAN", "PCCHAN", "SWDIED",
              "OTHERS")


class ChildReturnDetail(Audited, Versioned, Base):
    """Header MOTHER and MC_DOB, and UASC DUC (the date the child stopped being an
    unaccompanied asylum-seeking child)."""

    __tablename__ = "child_return_details"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), unique=True)
    #: MOTHER: is the young person a mother (None: not recorded).
    mother: Mapped[bool | None] = mapped_column(Boolean)
    #: MC_DOB: date of birth of her first child.
    first_child_born_on: Mapped[dt.date | None]
    #: UASC DUC.
    uasc_ceased_on: Mapped[dt.date | None]


class PlacementReturnDetail(Audited, Versioned, Base):
    """Episodes HOME_POST, PL_POST and URN for one placement. The placement itself keeps
    only the postcode district for everyday use; the full postcodes are return data."""

    __tablename__ = "placement_return_details"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id", ondelete="CASCADE"), unique=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    #: HOME_POST: the postcode of the child's home when placed (blank for UASC).
    home_postcode: Mapped[str | None] = mapped_column(String(8))
    #: PL_POST: the placement's postcode.
    placement_postcode: Mapped[str | None] = mapped_column(String(8))
    #: Ofsted unique reference number of the provider (or XXXXXXX for an RAA).
    urn: Mapped[str | None] = mapped_column(String(8))

    placement: Mapped[Placement] = relationship()


class Oc2Record(Audited, Versioned, Base):
    """OC2 for one child and collection year (children looked after 12 months at 31 March).

    SDQ score, health check, teeth check and health assessment are worked out from the
    tracker's own records unless ``as_returned`` is set (a return loaded by import, kept
    exactly as it was sent); the other fields exist only here.
    """

    __tablename__ = "oc2_records"
    __table_args__ = (
        UniqueConstraint("child_id", "year"),
        CheckConstraint(_in("sdq_reason", SDQ_REASONS), name="sdq_reason"),
        CheckConstraint("sdq_score IS NULL OR (sdq_score >= 0 AND sdq_score <= 40)", name="sdq_score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    #: Collection year, named by its start year (2026 = 1 April 2026 – 31 March 2027).
    year: Mapped[int]
    as_returned: Mapped[bool] = mapped_column(Boolean, default=False)
    sdq_score: Mapped[int | None]
    sdq_reason: Mapped[str | None] = mapped_column(String(4))
    convicted: Mapped[bool | None] = mapped_column(Boolean)
    health_check: Mapped[bool | None] = mapped_column(Boolean)
    immunisations: Mapped[bool | None] = mapped_column(Boolean)
    teeth_check: Mapped[bool | None] = mapped_column(Boolean)
    health_assessment: Mapped[bool | None] = mapped_column(Boolean)
    substance_misuse: Mapped[bool | None] = mapped_column(Boolean)
    intervention_received: Mapped[bool | None] = mapped_column(Boolean)
    intervention_offered: Mapped[bool | None] = mapped_column(Boolean)


class AdoptionReturn(Audited, Versioned, Base):
    """AD1 for a child adopted from care. DATE_INT and DATE_MATCH come from the
    permanence milestones unless recorded here (as returned)."""

    __tablename__ = "adoption_returns"
    __table_args__ = (
        CheckConstraint(_in("adopters_sex", ADOPTER_SEXES), name="adopters_sex"),
        CheckConstraint(_in("adopters_legal_status", ADOPTER_LEGAL_STATUSES), name="adopters_legal_status"),
        CheckConstraint("adopters_count IS NULL OR adopters_count IN (1, 2)", name="adopters_count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), unique=True)
    #: DATE_INT: decision that adoption is in the child's best interests.
    decided_on: Mapped[dt.date | None]
    #: DATE_MATCH: matched with the adopter(s).
    matched_on: Mapped[dt.date | None]
    #: FOSTER_CARE: adopted by the current foster carer(s).
    by_foster_carer: Mapped[bool | None] = mapped_column(Boolean)
    #: NB_ADOPTR, SEX_ADOPTR, LS_ADOPTR.
    adopters_count: Mapped[int | None]
    adopters_sex: Mapped[str | None] = mapped_column(String(2))
    adopters_legal_status: Mapped[str | None] = mapped_column(String(3))


class AdoptionDecisionReversal(Audited, Versioned, Base):
    """PlacedAdoption DATE_PLACED_CEASED and REASON_PLACED_CEASED: the decision made on
    ``decided_on`` (a "should be placed for adoption" milestone) no longer stands."""

    __tablename__ = "adoption_decision_reversals"
    __table_args__ = (
        UniqueConstraint("child_id", "decided_on"),
        CheckConstraint("ceased_on >= decided_on", name="ceased_after_decided"),
        CheckConstraint(_in("reason", PLACED_CEASED_REASONS, nullable=False), name="reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    decided_on: Mapped[dt.date]
    ceased_on: Mapped[dt.date]
    reason: Mapped[str] = mapped_column(String(3))


class PreviousPermanence(Audited, Versioned, Base):
    """PrevPerm: how the child left care (or a previous order) before this period of care."""

    __tablename__ = "previous_permanence"
    __table_args__ = (CheckConstraint(_in("option", PREVIOUS_PERMANENCE), name="option"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), unique=True)
    #: PREV_PERM.
    option: Mapped[str | None] = mapped_column(String(2))
    #: LA_PERM: the authority that arranged it (3-digit code, or WAL, SCO, NIR, NUK).
    la_code: Mapped[str | None] = mapped_column(String(3))
    #: DATE_PERM as returned: dd/mm/YYYY, where any part may be "zz" if unknown.
    order_date: Mapped[str | None] = mapped_column(String(10))


class SocialWorkerEpisode(Audited, Versioned, Base):
    """SWEpisodes: who the child's social worker was (SW_ID), from when (SW_DECOM) to
    when (SW_DEC), and why this worker took over (SW_REASON: FCONTA for the first, then
    the reason the social worker changed). Every episode carries its reason, open or not
    (DfE rules SW01b, SW03 and SW13)."""

    __tablename__ = "social_worker_episodes"
    __table_args__ = (
        UniqueConstraint("child_id", "start_on"),
        CheckConstraint(_in("reason", SW_REASONS), name="reason"),
        CheckConstraint("end_on IS NULL OR end_on >= start_on", name="end_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    worker_ref: Mapped[str] = mapped_column(String(12))
    start_on: Mapped[dt.date]
    end_on: Mapped[dt.date | None]
    #: SW_REASON. Blank only in returns loaded from before 2023–24, when it was optional.
    reason: Mapped[str | None] = mapped_column(String(6))


class DeprivationOfLiberty(Audited, Versioned, Base):
    """DoLo (from 2026–27): a deprivation of liberty order."""

    __tablename__ = "deprivation_of_liberty_orders"
    __table_args__ = (
        UniqueConstraint("child_id", "start_on"),
        CheckConstraint("end_on IS NULL OR end_on >= start_on", name="end_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    start_on: Mapped[dt.date]
    end_on: Mapped[dt.date | None]


IMPORT_STATUSES = ("queued", "checking", "writing", "recomputing", "done", "refused", "failed")
#: Statuses an import ends in.
IMPORT_FINISHED = ("done", "refused", "failed")


class ReturnImport(Base):
    """One upload of a previous return, imported in the background (``import-903`` job).

    The web request only stores the files here and queues the import; the scheduler
    process (or ``tracker import 903``) checks everything, writes it in one short
    transaction, then works out the children's due dates in batches. Progress, the
    problems found or the result live on this row, so the progress page survives a
    reload. The uploaded files are deleted as soon as the return is written or refused.
    """

    __tablename__ = "return_imports"
    __table_args__ = (CheckConstraint(_in("status", IMPORT_STATUSES, nullable=False), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: Who queued it, as text (a user's email, or the CLI and the system user).
    created_by_label: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12), default="queued", index=True)
    #: The uploaded CSV files, zipped (kept only until the return is written or refused).
    upload: Mapped[bytes | None] = mapped_column(LargeBinary)
    file_names: Mapped[list[str]] = mapped_column(JSON, default=list)
    year: Mapped[int | None]
    #: What is happening now, in words, and how far through it is.
    stage: Mapped[str | None] = mapped_column(String(200))
    done_steps: Mapped[int] = mapped_column(Integer, default=0)
    total_steps: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[dt.datetime | None]
    #: Last sign of life from the process doing it (a stalled import is taken over).
    heartbeat_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
    #: Every problem that refused the import: [file, row, column, message].
    problems: Mapped[list[list[Any]] | None] = mapped_column(JSON)
    #: Counts written, the recompute's outcome and the write-lock time (see importer).
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: Children whose due dates are still to be worked out after the write.
    pending_child_ids: Mapped[list[int] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)

    @property
    def finished(self) -> bool:
        return self.status in IMPORT_FINISHED


audit.exempt("return_imports", "import bookkeeping (status, progress); queuing an import and everything it writes "
                               "are audited")
