"""Audit trail: every insert/update/delete of an :class:`Audited` model is recorded.

Recording happens in a SQLAlchemy ``after_flush`` hook, in the same transaction as the
change, so a change cannot be committed without its audit row and a rolled-back change
leaves none. The actor is put on the session by the web layer (per request) or by the
CLI/job adapters; services never need to remember to audit.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from tracker import clock
from tracker.audit.models import AuditEvent


class Audited:
    """Mixin: changes to this model are written to the audit trail.

    ``__audit_exclude__`` lists attributes never recorded (secrets);
    ``audit_child_id`` links the event to a child's history.
    """

    __audit_exclude__: tuple[str, ...] = ("version",)

    def audit_child_id(self) -> int | None:
        return getattr(self, "child_id", None)


#: Models that deliberately are not audited, with the reason (checked by a structural test).
AUDIT_EXEMPT: dict[str, str] = {
    "audit_events": "the audit trail itself (append-only)",
}


def exempt(table: str, reason: str) -> None:
    AUDIT_EXEMPT[table] = reason


def set_actor(session: Session, user: Any | None, label: str | None = None) -> None:
    """Record who is acting for changes flushed through ``session``."""
    if user is None:
        session.info["actor_id"] = None
        session.info["actor_label"] = label or "system"
    else:
        session.info["actor_id"] = user.id
        session.info["actor_label"] = label or user.email


def set_address(session: Session, address: str | None) -> None:
    """Record the client's address (the web layer sets it per request) on every event."""
    session.info["address"] = (address or "")[:45] or None


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


#: Columns derived by the recompute, never audited (the facts they come from are).
DERIVED = frozenset({"version", "items_error", "open_overdue", "open_due_soon", "next_due_on"})


def _columns(obj: Audited) -> list[str]:
    mapper = inspect(obj).mapper
    skip = set(obj.__audit_exclude__) | DERIVED
    return [a.key for a in mapper.column_attrs if a.key not in skip]


def snapshot(obj: Audited) -> dict[str, Any]:
    return {k: _jsonable(getattr(obj, k)) for k in _columns(obj)}


def _changes(obj: Audited) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key in _columns(obj):
        hist = state.attrs[key].history
        if not hist.has_changes():
            continue
        old = hist.deleted[0] if hist.deleted else None
        new = hist.added[0] if hist.added else None
        if old == new:
            continue
        before[key] = _jsonable(old)
        after[key] = _jsonable(new)
    return before, after


def record(session: Session, *, action: str, entity_type: str, entity_id: int | None = None,
           child_id: int | None = None, summary: str | None = None,
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> None:
    """Write a non-change event (access denied, sign-in, export) to the trail."""
    session.add(AuditEvent(
        at=clock.now(), actor_id=session.info.get("actor_id"),
        actor_label=session.info.get("actor_label", "system"), action=action,
        entity_type=entity_type, entity_id=entity_id, child_id=child_id, summary=summary,
        before=before, after=after, address=session.info.get("address"),
    ))


def record_and_commit(session: Session, **event: Any) -> None:
    """Record an event from a request that otherwise only reads (access refused, a
    download), and commit it.

    On SQLite such a request's transaction began as a reader; if another connection has
    written since, the write is refused ("database is locked"). Then the event is
    written again in a fresh transaction, whose first statement takes the write lock.
    """
    from sqlalchemy.exc import OperationalError

    try:
        record(session, **event)
        session.commit()
    except OperationalError:
        session.rollback()
        record(session, **event)
        session.commit()


@event.listens_for(Session, "before_flush")
def _guard_append_only(session: Session, _ctx: Any, _instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise RuntimeError("audit events are append-only")


@event.listens_for(Session, "after_flush")
def _write_audit(session: Session, _ctx: Any) -> None:
    rows: list[dict[str, Any]] = []
    now = clock.now()
    actor_id = session.info.get("actor_id")
    actor_label = session.info.get("actor_label", "system")
    address = session.info.get("address")

    def add(obj: Audited, action: str, before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
        rows.append({
            "at": now, "actor_id": actor_id, "actor_label": actor_label, "action": action,
            "entity_type": obj.__tablename__, "entity_id": getattr(obj, "id", None),
            "child_id": obj.audit_child_id(), "summary": None, "before": before, "after": after,
            "address": address,
        })

    for obj in session.new:
        if isinstance(obj, Audited):
            add(obj, "insert", None, snapshot(obj))
    for obj in session.dirty:
        if isinstance(obj, Audited) and session.is_modified(obj, include_collections=False):
            before, after = _changes(obj)
            if after:
                add(obj, "update", before, after)
    for obj in session.deleted:
        if isinstance(obj, Audited):
            add(obj, "delete", snapshot(obj), None)
    if rows:
        session.connection().execute(insert(AuditEvent), rows)


def row_snapshot(model: type, row: dict[str, Any]) -> dict[str, Any]:
    """What the audit trail records for a row of ``model`` inserted in bulk (the columns
    :func:`snapshot` records; a column the row leaves out is its default)."""
    mapper = inspect(model)
    skip = set(getattr(model, "__audit_exclude__", ())) | DERIVED
    out = {}
    for attr in mapper.column_attrs:
        if attr.key in skip:
            continue
        if attr.key in row:
            value = row[attr.key]
        else:
            default = attr.columns[0].default
            value = default.arg if default is not None and default.is_scalar else None
        out[attr.key] = _jsonable(value)
    return out


def record_inserts(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    """Audit rows inserted in bulk (``insert(model)`` with a list, which bypasses the
    flush hook): one ``insert`` event per row, as if each had been added on its own.
    Each row needs its ``id``; columns it leaves out are recorded as their defaults."""
    now = clock.now()
    actor_id = session.info.get("actor_id")
    actor_label = session.info.get("actor_label", "system")
    children = model.__tablename__ == "children"  # type: ignore[attr-defined]
    events = [{"at": now, "actor_id": actor_id, "actor_label": actor_label, "action": "insert",
               "entity_type": model.__tablename__, "entity_id": row["id"],  # type: ignore[attr-defined]
               "child_id": row["id"] if children else row.get("child_id"), "summary": None, "before": None,
               "after": row_snapshot(model, row)} for row in rows]
    for start in range(0, len(events), 5000):
        session.connection().execute(insert(AuditEvent), events[start:start + 5000])
