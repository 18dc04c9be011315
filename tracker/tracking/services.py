"""Materialise the rules engine's items as ``tracked_items`` rows.

``recompute_children`` is the one way items are written: services call it (for one
child, in the same transaction as the fact they changed), the daily job and
``tracker items recompute`` call it for everyone. It is idempotent: the same facts and
the same day write nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from tracker.tracking import registry
from tracker.tracking.calendars import CalendarError, Term
from tracker.tracking.engine import FactError, Item, RuleConfig, compute
from tracker.tracking.facts import load_facts, load_terms
from tracker.tracking.models import Action, TrackedItem
from tracker.tracking.settings import get_rule_config

#: Items a personal adviser owns once the young person has a PA.
PA_KINDS = frozenset({"pathway_plan_review", "pa_contact", "pa_visit_after_move", "care_leaver_birthday_data"})
_ERROR_LENGTH = 200  # children.items_error
_FIELDS = ("kind", "sequence", "term", "age", "due_on", "completed_on", "closed_on", "status", "is_open",
           "explanation", "completed_by", "owner_id", "team_id")


@dataclass
class RecomputeResult:
    children: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    #: Children whose facts could not be computed (their items were left as they were).
    errors: dict[int, str] = field(default_factory=dict)
    #: Children computed without some PEP items: the academic years (e.g. "2020/21") whose
    #: initial PEP or termly PEPs wait for term dates (rules.md §8.9). Every other item of
    #: those children is up to date.
    missing_term_years: dict[int, tuple[str, ...]] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        return self.inserted + self.updated + self.deleted

    def add(self, other: RecomputeResult) -> None:
        self.children += other.children
        self.inserted += other.inserted
        self.updated += other.updated
        self.deleted += other.deleted
        self.errors.update(other.errors)
        self.missing_term_years.update(other.missing_term_years)

    def children_waiting_by_year(self) -> dict[str, int]:
        """How many children wait for each academic year's term dates."""
        counts: dict[str, int] = {}
        for years in self.missing_term_years.values():
            for year in years:
                counts[year] = counts.get(year, 0) + 1
        return dict(sorted(counts.items()))


def _year_list(years: Sequence[str]) -> str:
    """"2019/20 to 2021/22 and 2023/24": three or more consecutive academic years as a range."""
    runs: list[list[int]] = []
    for first in sorted(int(y[:4]) for y in years):
        if runs and first == runs[-1][-1] + 1:
            runs[-1].append(first)
        else:
            runs.append([first])

    def label(y: int) -> str:
        return f"{y}/{(y + 1) % 100:02d}"

    parts: list[str] = []
    for r in runs:
        parts.extend([label(y) for y in r] if len(r) < 3 else [f"{label(r[0])} to {label(r[-1])}"])
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def waiting_message(years: Sequence[str]) -> str:
    """The child page's warning when PEP items wait for term dates."""
    advice = "an administrator needs to add those school terms"
    text = f"PEPs wait for term dates for {_year_list(years)}: {advice}"
    if len(text) > _ERROR_LENGTH:
        ordered = sorted(years)
        text = f"PEPs wait for term dates for {len(ordered)} academic years from {ordered[0]} to {ordered[-1]}: {advice}"
    return text


def error_message(error: str) -> str:
    """The child page's warning when a child's items could not be computed at all."""
    text = f"Due dates could not be updated: {error}. The dates shown are from before the last change"
    return text if len(text) <= _ERROR_LENGTH else text[:_ERROR_LENGTH - 1] + "…"


def _owner(item: Item, child: Any, action_owner: dict[int, int]) -> int | None:
    if item.kind == "action" and item.key.startswith("action@"):
        try:
            return action_owner.get(int(item.key.split("@", 1)[1]), child.allocated_worker_id)
        except ValueError:
            return child.allocated_worker_id
    if item.kind in PA_KINDS and child.personal_adviser_id:
        return child.personal_adviser_id
    return child.allocated_worker_id or child.personal_adviser_id


def _row(item: Item, child: Any, owner_id: int | None, today: dt.date) -> dict[str, Any]:
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
    subject = registry.subject()
    children = {c.id: c for c in session.scalars(select(subject).where(subject.id.in_(ids)))}
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
            computed = compute(child_facts, today, config, terms, strict_terms=False)
        except (CalendarError, FactError) as exc:
            # Never guess: keep the child's items as they were and report it.
            result.errors[cid] = str(exc)
            keep.update(k for k in existing if k[0] == cid)
            continue
        items = computed.items
        if computed.waiting_for_terms:
            result.missing_term_years[cid] = computed.waiting_for_terms
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
        message = None
        if cid in result.errors:
            over, soon, nxt = child.open_overdue, child.open_due_soon, child.next_due_on
            message = error_message(result.errors[cid])
        else:
            over, soon, nxt = summaries.get(cid, (0, 0, None))
            if cid in result.missing_term_years:
                message = waiting_message(result.missing_term_years[cid])
        values = {"items_error": message, "open_overdue": over, "open_due_soon": soon, "next_due_on": nxt}
        if any(getattr(child, k) != v for k, v in values.items()):
            derived.append({"child": cid, **values})
    if derived:
        # Core executemany: derived columns, so no version bump (that would make every
        # open form on the child look stale) and no audit row.
        table = subject.__table__
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


def recompute_child(session: Session, child: Any, *, today: dt.date) -> RecomputeResult:
    """Recompute one child's items in the caller's transaction (after a fact changed).

    If a PEP needs term dates that are not configured, the fact is still saved (the
    worker cannot fix the calendar): every other item is computed as usual, only those
    PEP items wait, and ``Child.items_error`` names the academic years; the child's page
    shows it until an administrator adds the terms (rules.md §8.9). Nothing is guessed.
    """
    session.flush()
    result = recompute_children(session, [child.id], today=today)
    session.expire(child, ["items_error", "open_overdue", "open_due_soon", "next_due_on"])
    for obj in list(session.identity_map.values()):
        if isinstance(obj, TrackedItem):
            session.expire(obj)  # rows were written with bulk statements
    return result


def all_child_ids(session: Session) -> list[int]:
    subject = registry.subject()
    return list(session.scalars(select(subject.id).order_by(subject.id)))


