"""Materialise the rules engine's items as ``tracked_items`` rows.

``recompute_children`` is the one way items are written: services call it (for one
child, in the same transaction as the fact they changed), the daily job and
``tracker items recompute`` call it for everyone. It is idempotent: the same facts and
the same day write nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from tracker.children.models import Child
from tracker.tracking.calendars import CalendarError, Term
from tracker.tracking.engine import Item, RuleConfig, compute_items
from tracker.tracking.facts import load_facts, load_terms
from tracker.tracking.models import Action, TrackedItem
from tracker.tracking.settings import get_rule_config

#: Items a personal adviser owns once the young person has a PA.
PA_KINDS = frozenset({"pathway_plan_review", "pa_contact", "pa_visit_after_move", "care_leaver_birthday_data"})
_FIELDS = ("kind", "sequence", "term", "age", "due_on", "completed_on", "closed_on", "status", "is_open",
           "explanation", "completed_by", "owner_id", "team_id")


@dataclass
class RecomputeResult:
    children: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    errors: dict[int, str] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        return self.inserted + self.updated + self.deleted


def _owner(item: Item, child: Child, action_owner: dict[int, int]) -> int | None:
    if item.kind == "action" and item.key.startswith("action@"):
        try:
            return action_owner.get(int(item.key.split("@", 1)[1]), child.allocated_worker_id)
        except ValueError:
            return child.allocated_worker_id
    if item.kind in PA_KINDS and child.personal_adviser_id:
        return child.personal_adviser_id
    return child.allocated_worker_id or child.personal_adviser_id


def _row(item: Item, child: Child, owner_id: int | None, today: dt.date) -> dict[str, Any]:
    return {
        "child_id": child.id, "key": item.key, "kind": item.kind, "sequence": item.sequence, "term": item.term,
        "age": item.age, "due_on": item.due, "completed_on": item.completed, "closed_on": item.closed_on,
        "status": item.status, "is_open": item.is_open, "explanation": item.explanation,
        "completed_by": item.completed_by, "owner_id": owner_id, "team_id": child.team_id, "status_as_of": today,
    }


def recompute_children(session: Session, child_ids: Sequence[int], *, today: dt.date,
                       config: RuleConfig | None = None, terms: Sequence[Term] | None = None,
                       batch: int = 500, on_batch: Callable[[int], None] | None = None) -> RecomputeResult:
    config = config or get_rule_config(session)
    terms = terms if terms is not None else load_terms(session)
    result = RecomputeResult()
    ids = list(child_ids)
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        _recompute_chunk(session, chunk, today=today, config=config, terms=terms, result=result)
        if on_batch:
            on_batch(len(chunk))
    return result


def _recompute_chunk(session: Session, ids: Sequence[int], *, today: dt.date, config: RuleConfig,
                     terms: Sequence[Term], result: RecomputeResult) -> None:
    facts = load_facts(session, ids)
    children = {c.id: c for c in session.scalars(select(Child).where(Child.id.in_(ids)))}
    action_owner = {a: o for a, o in session.execute(select(Action.id, Action.owner_id).where(Action.child_id.in_(ids)))}
    existing: dict[tuple[int, str], Any] = {}
    for row in session.execute(select(TrackedItem.id, TrackedItem.child_id, TrackedItem.key,
                                      *[getattr(TrackedItem, f) for f in _FIELDS], TrackedItem.status_as_of)
                               .where(TrackedItem.child_id.in_(ids))):
        existing[(row.child_id, row.key)] = row
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    keep: set[tuple[int, str]] = set()
    summaries: dict[int, tuple[int, int, dt.date | None]] = {}
    for cid, child_facts in facts.items():
        child = children[cid]
        result.children += 1
        try:
            items = compute_items(child_facts, today, config, terms)
        except CalendarError as exc:
            # Never guess: keep the child's items as they were and report it.
            result.errors[cid] = str(exc)
            keep.update(k for k in existing if k[0] == cid)
            continue
        open_items = [i for i in items if i.is_open]
        summaries[cid] = (sum(i.status == "overdue" for i in open_items),
                          sum(i.status == "due_soon" for i in open_items),
                          min((i.due for i in open_items), default=None))
        for item in items:
            k = (cid, item.key)
            if k in keep:
                continue  # defensive: one row per key
            keep.add(k)
            row = _row(item, child, _owner(item, child, action_owner), today)
            old = existing.get(k)
            if old is None:
                inserts.append(row)
            elif any(getattr(old, f) != row[f] for f in _FIELDS):
                updates.append({"id": old.id, **{f: row[f] for f in _FIELDS}, "status_as_of": today})
    derived: list[dict[str, Any]] = []
    for cid, child in children.items():
        if cid in result.errors:
            over, soon, nxt = child.open_overdue, child.open_due_soon, child.next_due_on
        else:
            over, soon, nxt = summaries.get(cid, (0, 0, None))
        values = {"items_error": result.errors.get(cid), "open_overdue": over, "open_due_soon": soon,
                  "next_due_on": nxt}
        if any(getattr(child, k) != v for k, v in values.items()):
            derived.append({"child": cid, **values})
    if derived:
        # Core executemany: derived columns, so no version bump (that would make every
        # open form on the child look stale) and no audit row.
        table = Child.__table__
        session.execute(update(table).where(table.c.id == bindparam("child"))
                        .values({k: bindparam(k) for k in ("items_error", "open_overdue", "open_due_soon",
                                                            "next_due_on")}), derived)
    stale = [old.id for k, old in existing.items() if k not in keep]
    if inserts:
        session.execute(insert(TrackedItem), inserts)
    if updates:
        session.execute(update(TrackedItem), updates)
    if stale:
        session.execute(delete(TrackedItem).where(TrackedItem.id.in_(stale)))
    result.inserted += len(inserts)
    result.updated += len(updates)
    result.deleted += len(stale)


def recompute_child(session: Session, child: Child, *, today: dt.date) -> RecomputeResult:
    """Recompute one child's items in the caller's transaction (after a fact changed).

    If a school-day rule needs term dates that are not configured, the fact is still
    saved (the worker cannot fix the calendar), the child's previous items are kept, and
    ``Child.items_error`` says why; the child's page shows it until an administrator adds
    the terms. Nothing is guessed.
    """
    session.flush()
    result = recompute_children(session, [child.id], today=today)
    session.expire(child, ["items_error", "open_overdue", "open_due_soon", "next_due_on"])
    for obj in list(session.identity_map.values()):
        if isinstance(obj, TrackedItem):
            session.expire(obj)  # rows were written with bulk statements
    return result


def all_child_ids(session: Session) -> list[int]:
    return list(session.scalars(select(Child.id).order_by(Child.id)))


def iter_batches(ids: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), size):
        yield ids[i:i + size]
