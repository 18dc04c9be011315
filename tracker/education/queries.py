"""Reads for the education tab: PEPs by school term."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.children.models import Child
from tracker.education.models import Pep, TermDate
from tracker.tracking.models import TrackedItem


@dataclass
class TermRow:
    term: TermDate
    peps: list[Pep] = field(default_factory=list)
    item: TrackedItem | None = None

    @property
    def label(self) -> str:
        return f"{self.term.academic_year}-{self.term.term}"


def term_for(terms: list[TermDate], on: dt.date) -> TermDate | None:
    """The term a PEP held on ``on`` counts for: the term it falls in (half term
    included), or, in a school holiday, the next term (rules.md §3)."""
    for t in terms:
        if on <= t.end_on:
            return t
    return None


def list_pep_terms(session: Session, child: Child, *, today: dt.date) -> tuple[list[TermRow], list[tuple[Pep, str]]]:
    """Each school term that has started while the child was looked after (newest first),
    with the PEPs that count for it and its tracked item; and every PEP with its term."""
    terms = list(session.scalars(select(TermDate).order_by(TermDate.start_on)))
    peps = list(session.scalars(select(Pep).where(Pep.child_id == child.id).order_by(Pep.held_on)))
    items = {i.term: i for i in session.scalars(select(TrackedItem).where(
        TrackedItem.child_id == child.id, TrackedItem.kind == "pep"))}
    periods = child.care_periods

    def in_care(t: TermDate) -> bool:
        return any(p.start_on <= t.end_on and (p.end_on is None or t.start_on <= p.end_on) for p in periods)

    rows = {t.id: TermRow(term=t) for t in terms if t.start_on <= today and in_care(t)}
    labelled: list[tuple[Pep, str]] = []
    for pep in peps:
        t = term_for(terms, pep.held_on)
        labelled.append((pep, f"{t.academic_year}-{t.term}" if t else "No term dates"))
        if t is not None and t.id in rows:
            rows[t.id].peps.append(pep)
    out = sorted(rows.values(), key=lambda r: r.term.start_on, reverse=True)
    for r in out:
        r.item = items.get(r.label)
    labelled.reverse()
    return out, labelled
