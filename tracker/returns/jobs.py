"""Importing a return in the background: the ``import-903`` job and ``tracker import 903``.

The web request only stores the upload (a :class:`ReturnImport` row) and queues it; the
work happens here, in the scheduler process (the ``import-903`` job runs every few
seconds and takes the queued imports one at a time) or in ``tracker import 903``. Each
import goes through these steps, every one committed, so the progress page reads how far
it has got and a reload shows the same:

1. **checking** — read every file, check every row and compare each child with what the
   tracker holds. Reads only: on SQLite this transaction begins without the write lock,
   so everyone else keeps saving while a big return is checked.
2. **refused** — any problem: every one is stored with file, row and column, the upload
   is deleted and nothing is written.
3. **writing** — one short write transaction: all the rows in bulk, their audit events,
   and the move to *recomputing* with the upload deleted, together. All or nothing: if
   anything fails (or the process dies) the transaction rolls back and nothing is
   written. Its duration (how long the write lock was held) is stored on the row.
4. **recomputing** — the children's due dates, 100 children per transaction; a restart
   carries on with the children still pending.
5. **done** — the counts and, per child, what the recompute could not work out (e.g.
   PEPs waiting for term dates), for the result page.

An import whose process stopped (no heartbeat for ``STALE_AFTER``) is taken over by the
next run: checking or writing starts again from the upload; recomputing carries on.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import logging
import time
import traceback
import zipfile
from collections.abc import Callable, Mapping
from typing import Any

from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from tracker import audit, clock
from tracker.children.models import Child
from tracker.db import SQLITE_WRITE_INTENT
from tracker.jobs.registry import register_job
from tracker.returns.importer import (
    ImportRefused,
    plan_writes,
    prepare_import,
    prepare_rows,
    write_import,
)
from tracker.returns.models import ReturnImport
from tracker.tracking.services import recompute_children

log = logging.getLogger("tracker.returns")

#: An import with no sign of life for this long is taken over.
STALE_AFTER = dt.timedelta(minutes=10)
#: Children whose due dates are worked out per transaction.
RECOMPUTE_BATCH = 100
#: How often the scheduler looks for queued imports (each look is a job-run row, kept for
#: JOB_RUN_KEEP_DAYS: every 15 s makes 5,760 a day).
POLL_SECONDS = 15

Progress = Callable[[ReturnImport], None]


def pack(files: Mapping[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    return buf.getvalue()


def unpack(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def queue_import(session: Session, files: Mapping[str, bytes], *, user_id: int | None, label: str,
                 year: int | None = None) -> ReturnImport:
    """Store the uploaded files and queue their import (never commits). ``year``: the
    collection year, if not to be worked out from the dates in the files."""
    record = ReturnImport(created_at=clock.now(), created_by_id=user_id, created_by_label=label, status="queued",
                          upload=pack(files), file_names=sorted(files), stage="Waiting to start",
                          done_steps=0, total_steps=0, year=year)
    session.add(record)
    session.flush()
    audit.record(session, action="import_903_queued", entity_type="return_imports", entity_id=record.id,
                 summary=f"Uploaded {len(files)} file(s) of an SSDA903 return to import: {', '.join(sorted(files))}")
    return record


def _set(session: Session, record: ReturnImport, **values: Any) -> None:
    for key, value in values.items():
        setattr(record, key, value)
    record.heartbeat_at = clock.now()
    session.commit()


def claim(session: Session, record_id: int) -> bool:
    """Take an import that is queued, or whose process stopped; False if someone has it."""
    now = clock.now()
    stale = now - STALE_AFTER
    taken = session.execute(
        update(ReturnImport)
        .where(ReturnImport.id == record_id,
               or_(ReturnImport.status == "queued",
                   ReturnImport.status.in_(("checking", "writing", "recomputing"))
                   & (ReturnImport.heartbeat_at < stale)))
        .values(heartbeat_at=now, started_at=now)
        .execution_options(synchronize_session=False))
    session.commit()
    return taken.rowcount == 1


def run_import(session: Session, record: ReturnImport, *, today: dt.date,
               on_progress: Progress | None = None) -> ReturnImport:
    """Run a claimed import to the end (commits as it goes; see the module docstring)."""
    notify = on_progress or (lambda _r: None)
    if record.status in ("queued", "checking", "writing"):
        if record.upload is None:
            _set(session, record, status="failed", finished_at=clock.now(), stage="Failed",
                 error="The uploaded files are gone; nothing was imported. Upload the return again.")
            return record
        _check_and_write(session, record, today=today, notify=notify)
    if record.status == "recomputing":
        _recompute(session, record, today=today, notify=notify)
    return record


def _check_and_write(session: Session, record: ReturnImport, *, today: dt.date, notify: Progress) -> None:
    _set(session, record, status="checking", stage="Checking every row and comparing it with the tracker",
         done_steps=0, total_steps=0)
    notify(record)
    files = unpack(record.upload or b"")
    # Reads only: on SQLite, begin without the write lock (see tracker.db).
    token = SQLITE_WRITE_INTENT.set(False)
    try:
        plan = prepare_import(session, files, year=record.year)
        writes = plan_writes(session, plan)
        prepared = prepare_rows(session, writes)
    except ImportRefused as exc:
        session.rollback()
        SQLITE_WRITE_INTENT.reset(token)
        _set(session, record, status="refused", stage="Nothing was imported", upload=None, finished_at=clock.now(),
             problems=[[p.file, p.row, p.column, p.message] for p in exc.problems])
        notify(record)
        return
    except Exception:
        session.rollback()
        SQLITE_WRITE_INTENT.reset(token)
        raise
    session.rollback()  # end the read transaction
    SQLITE_WRITE_INTENT.reset(token)
    children = len(plan.work)
    _set(session, record, status="writing", year=plan.year, total_steps=children,
         stage=f"Writing {children} children's records")
    notify(record)
    # One write transaction: every row, its audit events and the move to "recomputing".
    started = time.perf_counter()
    try:
        audit.set_actor(session, None, label=f"SSDA903 import {record.id} for {record.created_by_label}")
        result = write_import(session, writes, children_in_return=children, prepared=prepared)
        held = sorted(result.child_ids.values())
        record.status, record.upload, record.pending_child_ids = "recomputing", None, held
        record.stage = f"Working out due dates for {len(held)} children"
        record.done_steps, record.total_steps = 0, len(held)
        record.heartbeat_at = clock.now()
        record.result = {"year": plan.year, "children_in_return": children,
                         "children_created": result.children_created, "children_changed": result.children_changed,
                         "rows_written": result.rows_written}
        session.commit()
    except ImportRefused as exc:
        session.rollback()
        _set(session, record, status="refused", stage="Nothing was imported", upload=None, finished_at=clock.now(),
             problems=[[p.file, p.row, p.column, p.message] for p in exc.problems])
        notify(record)
        return
    seconds = time.perf_counter() - started
    record.result = {**(record.result or {}), "write_seconds": round(seconds, 3)}
    session.commit()
    log.info("SSDA903 import %s: %s rows written, write transaction %.2f s", record.id, result.rows_written, seconds)
    notify(record)


def _recompute(session: Session, record: ReturnImport, *, today: dt.date, notify: Progress) -> None:
    pending = list(record.pending_child_ids or [])
    summary = dict((record.result or {}).get("recompute")
                   or {"children": 0, "items_written": 0, "waiting": {}, "missing_term_years": {}})
    while pending:
        chunk, pending = pending[:RECOMPUTE_BATCH], pending[RECOMPUTE_BATCH:]
        r = recompute_children(session, chunk, today=today)
        summary["children"] += r.children
        summary["items_written"] += r.changed
        # What the recompute could not work out, per child, in its own words (the
        # message it keeps on the child), and — where the engine reports them — the
        # academic years whose term dates the child's PEPs wait for.
        local = {cid: loc for cid, loc in session.execute(select(Child.id, Child.local_id).where(Child.id.in_(chunk)))}
        summary["waiting"].update({local_id: message for local_id, message in session.execute(
            select(Child.local_id, Child.items_error).where(Child.id.in_(chunk), Child.items_error.is_not(None)))})
        for child_id, years in (getattr(r, "missing_term_years", None) or {}).items():
            if years:
                summary["missing_term_years"][local[child_id]] = list(years)
        record.pending_child_ids = pending
        record.done_steps = record.total_steps - len(pending)
        record.stage = f"Working out due dates: {record.done_steps} of {record.total_steps} children"
        # A fresh copy each time: the session compares JSON values with what it last
        # wrote, and that would be this same (mutated) dict.
        record.result = {**(record.result or {}), "recompute": copy.deepcopy(summary)}
        _set(session, record)
        notify(record)
    record.result = {**(record.result or {}), "recompute": copy.deepcopy(summary)}
    _set(session, record, status="done", stage="Imported", finished_at=clock.now(), pending_child_ids=None)
    notify(record)


def run_queued_imports(ctx: Any) -> dict[str, Any]:
    """The ``import-903`` job: run every queued (or stalled) import, oldest first."""
    session: Session = ctx.session
    stale = clock.now() - STALE_AFTER
    ids = list(session.scalars(
        select(ReturnImport.id)
        .where(or_(ReturnImport.status == "queued",
                   ReturnImport.status.in_(("checking", "writing", "recomputing"))
                   & (ReturnImport.heartbeat_at < stale)))
        .order_by(ReturnImport.id)))
    session.commit()
    counts = {"imports": 0, "failed": 0}
    for record_id in ids:
        if not claim(session, record_id):
            continue
        record = session.get(ReturnImport, record_id)
        assert record is not None
        counts["imports"] += 1
        try:
            run_import(session, record, today=ctx.today)
        except Exception as exc:  # Recorded on the import, then the next one
            session.rollback()
            fail(session, record_id, exc)
            counts["failed"] += 1
    return counts


def fail(session: Session, record_id: int, exc: BaseException) -> None:
    """Record that an import stopped with an error, in words for the person who uploaded it."""
    log.error("SSDA903 import %s failed: %s\n%s", record_id, exc, traceback.format_exc())
    record = session.get(ReturnImport, record_id)
    if record is None:
        return
    detail = f"{type(exc).__name__}: {exc}"[:500]
    if record.status == "recomputing":
        error = ("The return was imported, but working out the children's due dates stopped with an error "
                 f"({detail}). The daily scan works them out tonight.")
    else:
        error = (f"Nothing was imported: the import stopped with an error ({detail}). Upload the return again; if "
                 "it happens again, tell your system administrator.")
    _set(session, record, status="failed", finished_at=clock.now(), stage="Failed", upload=None, error=error)


register_job("import-903", run_queued_imports, per_day=False,
             description="Import the SSDA903 returns uploaded for import (one at a time, in the background)",
             schedule=lambda _config: IntervalTrigger(seconds=POLL_SECONDS),
             schedule_text=lambda _config: f"Every {POLL_SECONDS} seconds")
