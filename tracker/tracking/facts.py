"""Gather a child's recorded facts from the database into the engine's events.

Reads every fact the domains declare (:mod:`tracker.tracking.registry`), in bulk: one
query per kind of fact for a batch of children, so recomputing a whole authority is a
few hundred queries, not one per fact.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.tracking import registry
from tracker.tracking.calendars import Term
from tracker.tracking.engine import ChildFacts, Event

CHUNK = 500

# Same-day ordering: leaving care comes before re-entering, and a legal status change on
# the day care starts is part of entering care.
_ORDER = {"left_care": 0, "entered_care": 1, "legal_status_changed": 2}


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


def load_facts(session: Session, child_ids: Sequence[int]) -> dict[int, ChildFacts]:
    """Facts for each child id (children that do not exist are left out)."""
    out: dict[int, ChildFacts] = {}
    for ids in _chunks(list(child_ids)):
        out.update(_load_chunk(session, ids))
    return out


def _rows(session: Session, fact: registry.Fact, ids: Sequence[int]) -> dict[int, list[Any]]:
    """A fact's rows for these children, in date order (then as recorded): a row's events
    of one day come before a later row's (a missing episode that ends the day the next
    one starts)."""
    model = fact.model
    by_child: dict[int, list[Any]] = defaultdict(list)
    for row in session.scalars(select(model).where(model.child_id.in_(ids))
                               .order_by(getattr(model, fact.on), model.id)):
        by_child[row.child_id].append(row)
    return by_child


def _load_chunk(session: Session, ids: Sequence[int]) -> dict[int, ChildFacts]:
    subject = registry.subject()
    children = {c.id: c for c in session.scalars(select(subject).where(subject.id.in_(ids)))}
    feeding = [f for f in registry.facts() if f.event_types]
    tables = {f.model: _rows(session, f, ids) for f in feeding}
    out = {}
    for cid, child in children.items():
        mine = {model: rows.get(cid, []) for model, rows in tables.items()}
        out[cid] = ChildFacts(child_id=child.local_id, date_of_birth=child.date_of_birth,
                              events=tuple(_events(feeding, mine)))
    return out


def _events(feeding: Sequence[registry.Fact], rows: dict[Any, list[Any]]) -> list[Event]:
    def of(model: Any) -> list[Any]:
        return rows.get(model, [])

    raw: list[tuple[dt.date, int, str, dict[str, Any], str]] = []
    for fact in feeding:
        for row in rows[fact.model]:
            for on, type_, data in fact.events_of(row, of):
                raw.append((on, _ORDER.get(type_, 3), type_, dict(data), f"{fact.key}:{row.id}"))
    raw.sort(key=lambda r: (r[0], r[1]))
    return [Event(date=on, type=type_, data=data, index=i, ref=ref)
            for i, (on, _o, type_, data, ref) in enumerate(raw)]


def load_terms(session: Session) -> tuple[Term, ...]:
    """The authority's school terms (from the domain that declares them)."""
    return registry.load_terms(session)
