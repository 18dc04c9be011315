"""The education domain's facts (see tracker.tracking.registry), and where the rules
engine finds the authority's school terms."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.education.models import Pep, TermDate
from tracker.tracking.calendars import Term
from tracker.tracking.registry import Fact, Page, declare, declare_terms


def load_terms(session: Session) -> tuple[Term, ...]:
    rows = session.scalars(select(TermDate).order_by(TermDate.start_on))
    return tuple(Term(academic_year=r.academic_year, name=r.term, start=r.start_on, end=r.end_on,
                      half_term_start=r.half_term_start_on, half_term_end=r.half_term_end_on) for r in rows)


declare_terms(load_terms)
declare(
    Fact(
        Pep, on="held_on", label="Personal education plan (PEP) meeting",
        event="pep_held",
        record=Page("education.record_pep"), button="Record a PEP",
        correct=Page("education.edit_pep", "pep_id"),
        delete=Page("education.delete_pep", "pep_id"),
        area="education",
    ),
)
