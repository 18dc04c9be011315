"""Everything the return needs about a child, loaded in bulk (one query per table).

The export, the data-quality checks and the import's comparison with what is already
held all work on these plain records, never on the ORM objects, so ten thousand children
load in a few queries and the rules are pure functions of the facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.children.models import CarePeriod, Child, LegalStatus, Placement
from tracker.health.models import DentalCheck, HealthAssessment, SdqScore
from tracker.leaving_care.models import CareLeaverRecord
from tracker.missing.models import MissingEpisode
from tracker.permanence.models import PermanenceMilestone
from tracker.returns.models import (
    AdoptionDecisionReversal,
    AdoptionReturn,
    ChildReturnDetail,
    DeprivationOfLiberty,
    Oc2Record,
    PlacementReturnDetail,
    PreviousPermanence,
    SocialWorkerEpisode,
)
from tracker.reviews.models import Review
from tracker.tracking.models import TrackedItem


@dataclass(frozen=True, slots=True)
class PeriodFact:
    id: int
    start: dt.date
    end: dt.date | None
    rne: str
    rec: str | None
    cin: str


@dataclass(frozen=True, slots=True)
class PlacementFact:
    id: int
    start: dt.date
    end: dt.date | None
    place: str
    provider: str | None
    carer_ref: str | None
    end_reason: str | None
    home_post: str | None = None
    pl_post: str | None = None
    urn: str | None = None


@dataclass(frozen=True, slots=True)
class Oc2Fact:
    as_returned: bool
    sdq_score: int | None
    sdq_reason: str | None
    convicted: bool | None
    health_check: bool | None
    immunisations: bool | None
    teeth_check: bool | None
    health_assessment: bool | None
    substance_misuse: bool | None
    intervention_received: bool | None
    intervention_offered: bool | None


@dataclass(frozen=True, slots=True)
class LeaverRecordFact:
    recorded_on: dt.date
    in_touch: str
    activity: str | None
    accommodation: str | None
    suitable: bool | None


@dataclass(frozen=True, slots=True)
class AdoptionFact:
    decided_on: dt.date | None
    matched_on: dt.date | None
    by_foster_carer: bool | None
    adopters_count: int | None
    adopters_sex: str | None
    adopters_legal_status: str | None


@dataclass(frozen=True, slots=True)
class PrevPermFact:
    option: str | None
    la_code: str | None
    order_date: str | None


@dataclass
class ReturnFacts:
    id: int
    local_id: str
    dob: dt.date
    sex: str
    ethnicity: str
    upn: str | None
    uasc: bool
    periods: list[PeriodFact] = field(default_factory=list)
    statuses: list[tuple[dt.date, str]] = field(default_factory=list)
    placements: list[PlacementFact] = field(default_factory=list)
    reviews: list[tuple[dt.date, str | None]] = field(default_factory=list)
    health: list[tuple[dt.date, str]] = field(default_factory=list)
    dental: list[dt.date] = field(default_factory=list)
    sdq: list[tuple[dt.date, int]] = field(default_factory=list)
    milestones: list[tuple[str, dt.date]] = field(default_factory=list)
    leaver_records: list[LeaverRecordFact] = field(default_factory=list)
    mother: bool | None = None
    first_child_born_on: dt.date | None = None
    uasc_ceased_on: dt.date | None = None
    oc2: dict[int, Oc2Fact] = field(default_factory=dict)
    adoption: AdoptionFact | None = None
    reversals: dict[dt.date, tuple[dt.date, str]] = field(default_factory=dict)
    prev_perm: PrevPermFact | None = None
    missing: list[tuple[str, dt.date, dt.date | None]] = field(default_factory=list)
    sw_episodes: list[tuple[str, dt.date, dt.date | None, str | None]] = field(default_factory=list)
    dolo: list[tuple[dt.date, dt.date | None]] = field(default_factory=list)
    #: Care-leaver birthday data the tracker says was missed or is overdue: (age, due date).
    birthday_data_missing: list[tuple[int, dt.date]] = field(default_factory=list)

    def age_on(self, on: dt.date) -> int:
        return on.year - self.dob.year - ((on.month, on.day) < (self.dob.month, self.dob.day))


def _chunks(ids: Sequence[int], size: int = 900) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def _rows(session: Session, stmt: Any, column: Any, ids: Sequence[int] | None) -> Iterable[Any]:
    if ids is None:
        yield from session.execute(stmt)
        return
    for chunk in _chunks(ids):
        yield from session.execute(stmt.where(column.in_(chunk)))


def load_facts(session: Session, child_ids: Sequence[int] | None = None) -> dict[int, ReturnFacts]:
    """Return facts for the given children (all children if None), keyed by child id."""
    facts: dict[int, ReturnFacts] = {}
    for r in _rows(session, select(Child.id, Child.local_id, Child.date_of_birth, Child.sex, Child.ethnicity,
                                   Child.upn, Child.uasc), Child.id, child_ids):
        facts[r.id] = ReturnFacts(id=r.id, local_id=r.local_id, dob=r.date_of_birth, sex=r.sex,
                                  ethnicity=r.ethnicity, upn=r.upn, uasc=bool(r.uasc))
    ids = child_ids

    def each(stmt: Any, column: Any) -> Iterable[tuple[ReturnFacts, Any]]:
        for row in _rows(session, stmt, column, ids):
            f = facts.get(row.child_id)
            if f is not None:
                yield f, row

    for f, r in each(select(CarePeriod.child_id, CarePeriod.id, CarePeriod.start_on, CarePeriod.end_on,
                            CarePeriod.reason_new_episode, CarePeriod.reason_ceased, CarePeriod.category_of_need),
                     CarePeriod.child_id):
        f.periods.append(PeriodFact(r.id, r.start_on, r.end_on, r.reason_new_episode, r.reason_ceased,
                                    r.category_of_need))
    for f, r in each(select(LegalStatus.child_id, LegalStatus.start_on, LegalStatus.code), LegalStatus.child_id):
        f.statuses.append((r.start_on, r.code))
    details: dict[int, Any] = {}
    for r in _rows(session, select(PlacementReturnDetail.placement_id, PlacementReturnDetail.child_id,
                                   PlacementReturnDetail.home_postcode, PlacementReturnDetail.placement_postcode,
                                   PlacementReturnDetail.urn), PlacementReturnDetail.child_id, ids):
        details[r.placement_id] = r
    for f, r in each(select(Placement.child_id, Placement.id, Placement.start_on, Placement.end_on,
                            Placement.placement_type, Placement.provider, Placement.carer_ref, Placement.end_reason),
                     Placement.child_id):
        d = details.get(r.id)
        f.placements.append(PlacementFact(r.id, r.start_on, r.end_on, r.placement_type, r.provider, r.carer_ref,
                                          r.end_reason, d.home_postcode if d else None,
                                          d.placement_postcode if d else None, d.urn if d else None))
    for f, r in each(select(Review.child_id, Review.held_on, Review.participation), Review.child_id):
        f.reviews.append((r.held_on, r.participation))
    for f, r in each(select(HealthAssessment.child_id, HealthAssessment.held_on, HealthAssessment.kind),
                     HealthAssessment.child_id):
        f.health.append((r.held_on, r.kind))
    for f, r in each(select(DentalCheck.child_id, DentalCheck.checked_on), DentalCheck.child_id):
        f.dental.append(r.checked_on)
    for f, r in each(select(SdqScore.child_id, SdqScore.completed_on, SdqScore.score), SdqScore.child_id):
        f.sdq.append((r.completed_on, r.score))
    for f, r in each(select(PermanenceMilestone.child_id, PermanenceMilestone.kind, PermanenceMilestone.on),
                     PermanenceMilestone.child_id):
        f.milestones.append((r.kind, r.on))
    for f, r in each(select(CareLeaverRecord.child_id, CareLeaverRecord.recorded_on, CareLeaverRecord.in_touch,
                            CareLeaverRecord.activity, CareLeaverRecord.accommodation, CareLeaverRecord.suitable),
                     CareLeaverRecord.child_id):
        f.leaver_records.append(LeaverRecordFact(r.recorded_on, r.in_touch, r.activity, r.accommodation, r.suitable))
    for f, r in each(select(ChildReturnDetail.child_id, ChildReturnDetail.mother,
                            ChildReturnDetail.first_child_born_on, ChildReturnDetail.uasc_ceased_on),
                     ChildReturnDetail.child_id):
        f.mother, f.first_child_born_on, f.uasc_ceased_on = r.mother, r.first_child_born_on, r.uasc_ceased_on
    oc2_cols = [c for c in Oc2Fact.__slots__]
    for f, r in each(select(Oc2Record.child_id, Oc2Record.year, *[getattr(Oc2Record, c) for c in oc2_cols]),
                     Oc2Record.child_id):
        f.oc2[r.year] = Oc2Fact(**{c: getattr(r, c) for c in oc2_cols})
    for f, r in each(select(AdoptionReturn.child_id, AdoptionReturn.decided_on, AdoptionReturn.matched_on,
                            AdoptionReturn.by_foster_carer, AdoptionReturn.adopters_count,
                            AdoptionReturn.adopters_sex, AdoptionReturn.adopters_legal_status),
                     AdoptionReturn.child_id):
        f.adoption = AdoptionFact(r.decided_on, r.matched_on, r.by_foster_carer, r.adopters_count, r.adopters_sex,
                                  r.adopters_legal_status)
    for f, r in each(select(AdoptionDecisionReversal.child_id, AdoptionDecisionReversal.decided_on,
                            AdoptionDecisionReversal.ceased_on, AdoptionDecisionReversal.reason),
                     AdoptionDecisionReversal.child_id):
        f.reversals[r.decided_on] = (r.ceased_on, r.reason)
    for f, r in each(select(PreviousPermanence.child_id, PreviousPermanence.option, PreviousPermanence.la_code,
                            PreviousPermanence.order_date), PreviousPermanence.child_id):
        f.prev_perm = PrevPermFact(r.option, r.la_code, r.order_date)
    for f, r in each(select(MissingEpisode.child_id, MissingEpisode.kind, MissingEpisode.start_on,
                            MissingEpisode.end_on), MissingEpisode.child_id):
        f.missing.append((r.kind, r.start_on, r.end_on))
    for f, r in each(select(SocialWorkerEpisode.child_id, SocialWorkerEpisode.worker_ref, SocialWorkerEpisode.start_on,
                            SocialWorkerEpisode.end_on, SocialWorkerEpisode.reason),
                     SocialWorkerEpisode.child_id):
        f.sw_episodes.append((r.worker_ref, r.start_on, r.end_on, r.reason))
    for f, r in each(select(DeprivationOfLiberty.child_id, DeprivationOfLiberty.start_on, DeprivationOfLiberty.end_on),
                     DeprivationOfLiberty.child_id):
        f.dolo.append((r.start_on, r.end_on))
    for f, r in each(select(TrackedItem.child_id, TrackedItem.age, TrackedItem.due_on)
                     .where(TrackedItem.kind == "care_leaver_birthday_data",
                            TrackedItem.status.in_(("missed", "overdue"))), TrackedItem.child_id):
        f.birthday_data_missing.append((r.age, r.due_on))
    for f in facts.values():
        f.periods.sort(key=lambda p: p.start)
        f.statuses.sort()
        f.placements.sort(key=lambda p: (p.start, p.id))
        f.reviews.sort(key=lambda r: r[0])
        f.health.sort()
        f.dental.sort()
        f.sdq.sort()
        f.milestones.sort(key=lambda m: (m[1], m[0]))
        f.leaver_records.sort(key=lambda r: r.recorded_on)
        f.missing.sort(key=lambda m: m[1])
        f.sw_episodes.sort(key=lambda s: s[1])
        f.dolo.sort()
    return facts
