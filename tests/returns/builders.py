"""Children whose records fill every table of the return, for the export and round-trip tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tracker.children.models import Child, LegalStatus, Placement
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

D = dt.date


def place(factory: Any, child: Child, start: dt.date, end: dt.date | None, ptype: str, provider: str | None,
          carer: str, *, end_reason: str | None = None, home: str | None = "DE1 1TH", post: str | None = None,
          urn: str | None = None) -> Placement:
    p = factory.placement(child=child, start_on=start, end_on=end, placement_type=ptype, provider=provider,
                          carer_ref=carer, end_reason=end_reason)
    factory.session.add(PlacementReturnDetail(placement_id=p.id, child_id=child.id, home_postcode=home,
                                              placement_postcode=post, urn=urn))
    factory.session.flush()
    return p


def adopted_child(factory: Any) -> Child:
    """Came into care 1 May 2025 (C1, C2 from October); moves in January 2026 (new carer),
    May 2026 (same carer), July 2026 (placement order and placed for adoption with the
    same carer), a week's holiday in August, adopted 20 October 2026 (E12)."""
    s = factory.session
    c = factory.child(first_name="Ada", date_of_birth=D(2019, 3, 4), entered_care=D(2025, 5, 1), legal_status="C1")
    c.sex = "2"
    s.add(LegalStatus(child=c, start_on=D(2025, 10, 1), code="C2"))
    s.add(LegalStatus(child=c, start_on=D(2026, 7, 1), code="E1"))
    place(factory, c, D(2025, 5, 1), D(2026, 1, 10), "U6", "PR1", "A", end_reason="CREQB", post="DE22 3BF",
          urn="SC831001")
    place(factory, c, D(2026, 1, 10), D(2026, 5, 5), "U4", "PR4", "B", end_reason="CARPL", post="DE23 8EF",
          urn="SC100002")
    place(factory, c, D(2026, 5, 5), D(2026, 7, 1), "U5", "PR4", "B", end_reason="CARPL", post="DE23 8EF",
          urn="SC100002")
    place(factory, c, D(2026, 7, 1), D(2026, 8, 15), "A5", "PR4", "B", end_reason="OTHER", post="DE23 8EF",
          urn="SC100002")
    place(factory, c, D(2026, 8, 15), D(2026, 8, 22), "T2", None, "H", end_reason="CARPL", post="NG7 2GA")
    place(factory, c, D(2026, 8, 22), D(2026, 10, 20), "A5", "PR4", "B", post="DE23 8EF", urn="SC100002")
    period = c.care_periods[0]
    period.end_on, period.reason_ceased = D(2026, 10, 20), "E12"
    s.add(ChildReturnDetail(child_id=c.id, mother=False))
    s.add(PermanenceMilestone(child_id=c.id, kind="should_be_placed_for_adoption", on=D(2026, 3, 2)))
    s.add(PermanenceMilestone(child_id=c.id, kind="matched", on=D(2026, 6, 20)))
    s.add(AdoptionReturn(child_id=c.id, by_foster_carer=True, adopters_count=2, adopters_sex="MF",
                         adopters_legal_status="L11"))
    s.add(Review(child_id=c.id, held_on=D(2026, 4, 20), participation="PN1"))
    s.add(Review(child_id=c.id, held_on=D(2026, 10, 1), participation=None))
    s.add(PreviousPermanence(child_id=c.id, option="Z1"))
    s.add(SocialWorkerEpisode(child_id=c.id, worker_ref="SW0001", start_on=D(2025, 5, 1), end_on=D(2026, 6, 30),
                              reason="FCONTA"))
    s.add(SocialWorkerEpisode(child_id=c.id, worker_ref="SW0002", start_on=D(2026, 6, 30), reason="LEFTRL"))
    s.flush()
    return c


def long_stay_child(factory: Any) -> Child:
    """A girl looked after since January 2024 (OC2 cohort), a mother since August 2026,
    UASC, missing twice, a deprivation of liberty order, a decision to place for adoption
    reversed."""
    s = factory.session
    c = factory.child(first_name="Bea", date_of_birth=D(2010, 6, 15), entered_care=D(2024, 1, 8), legal_status="V2")
    c.sex, c.uasc, c.upn = "2", True, "A12345678901B"
    place(factory, c, D(2024, 1, 8), None, "K2", "PR4", "K", home=None, post="DE7 3BG", urn="SC200300")
    s.add(ChildReturnDetail(child_id=c.id, mother=True, first_child_born_on=D(2026, 8, 1)))
    s.add(HealthAssessment(child_id=c.id, held_on=D(2026, 5, 2), kind="review"))
    s.add(SdqScore(child_id=c.id, completed_on=D(2026, 6, 3), score=18))
    s.add(DentalCheck(child_id=c.id, checked_on=D(2025, 12, 1)))
    s.add(Oc2Record(child_id=c.id, year=2026, convicted=False, immunisations=True, substance_misuse=True,
                    intervention_received=False, intervention_offered=True))
    s.add(MissingEpisode(child_id=c.id, kind="M", start_on=D(2026, 5, 10), end_on=D(2026, 5, 11)))
    s.add(MissingEpisode(child_id=c.id, kind="A", start_on=D(2026, 11, 1)))
    s.add(DeprivationOfLiberty(child_id=c.id, start_on=D(2026, 9, 1)))
    s.add(PermanenceMilestone(child_id=c.id, kind="should_be_placed_for_adoption", on=D(2024, 6, 3)))
    s.add(AdoptionDecisionReversal(child_id=c.id, decided_on=D(2024, 6, 3), ceased_on=D(2026, 4, 30), reason="RD1"))
    s.add(Review(child_id=c.id, held_on=D(2026, 7, 7), participation="PN5"))
    s.flush()
    return c


def new_child(factory: Any) -> Child:
    """A boy who came into care on 1 June 2026 (previous permanence: an SGO)."""
    s = factory.session
    c = factory.child(first_name="Cal", date_of_birth=D(2014, 9, 9), entered_care=D(2026, 6, 1), legal_status="C1")
    c.upn = "B12345678901C"
    place(factory, c, D(2026, 6, 1), None, "U6", "PR1", "F", home="DE21 6DD", post="DE24 8LT", urn="SC831001")
    s.add(PreviousPermanence(child_id=c.id, option="P2", la_code="831", order_date="ZZ/05/2019"))
    s.flush()
    return c


def care_leaver(factory: Any) -> Child:
    """Left care at 17 in 2024; 19 on 20 September 2026, in touch, in full-time education
    and in suitable independent accommodation (OC3 only)."""
    s = factory.session
    c = factory.child(first_name="Dee", date_of_birth=D(2007, 9, 20), entered_care=D(2021, 2, 1), legal_status="V2")
    c.upn = "C12345678901D"
    place(factory, c, D(2021, 2, 1), D(2024, 12, 1), "U4", "PR4", "L", end_reason="CARPL", post="LS6 1YZ",
          urn="SC300400")
    period = c.care_periods[0]
    period.end_on, period.reason_ceased = D(2024, 12, 1), "E5"
    s.add(CareLeaverRecord(child_id=c.id, recorded_on=D(2026, 9, 25), in_touch="YES", activity="F2", accommodation="U",
                           suitable=True))
    s.flush()
    return c


def build_all(factory: Any) -> dict[str, Child]:
    return {"adopted": adopted_child(factory), "long_stay": long_stay_child(factory), "new": new_child(factory),
            "leaver": care_leaver(factory)}
