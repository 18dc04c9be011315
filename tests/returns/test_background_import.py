"""The import job: all or nothing when writing fails, checking without the write lock,
and an import whose process stopped taken over and finished by the next run."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import func, select, update

from tests.helpers import csrf_token, plain, sign_in
from tracker import clock
from tracker.audit.models import AuditEvent
from tracker.children.models import Child
from tracker.db import SQLITE_WRITE_INTENT
from tracker.returns import importer, jobs
from tracker.returns.models import ReturnImport
from tracker.tracking.models import TrackedItem

SAMPLE = Path(__file__).parent / "sample"
FROZEN = dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC)


@pytest.fixture()
def queued(client, factory, session) -> Iterator[str]:
    """The sample uploaded by an administrator (not imported yet); the page's URL."""
    with time_machine.travel(FROZEN, tick=True):
        sign_in(client, factory.user(role="admin"))
        token = csrf_token(client, "/returns/import")
        files = [(io.BytesIO(p.read_bytes()), p.name) for p in sorted(SAMPLE.glob("*.csv"))]
        resp = client.post("/returns/import", data={"csrf_token": token, "files": files},
                           content_type="multipart/form-data")
        assert resp.status_code == 302
        yield resp.headers["Location"]


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_failure_while_writing_writes_nothing_and_says_so(client, session, queued, run, monkeypatch) -> None:
    events = _count(session, AuditEvent)

    def disk_full(*_args, **_kwargs) -> None:
        raise OSError("disk full")

    # Fails after every row of the return has gone in, in the same transaction.
    monkeypatch.setattr(importer.audit, "record", disk_full)
    assert run("import-903", today=FROZEN.date()).counts == {"imports": 1, "failed": 1}
    assert _count(session, Child) == 0
    assert _count(session, AuditEvent) == events  # not one row, nor its audit event
    page = plain(client.get(queued))
    assert "The import stopped" in page
    assert "Nothing was imported: the import stopped with an error (OSError: disk full). Upload the return again" \
        in page
    assert session.scalar(select(ReturnImport.upload)) is None


def test_a_return_is_checked_without_the_write_lock_and_written_with_it(session, queued, run, monkeypatch) -> None:
    seen = {}
    prepare, write = importer.prepare_import, importer.write_import

    def checking(*args, **kwargs):
        seen["checking"] = SQLITE_WRITE_INTENT.get()
        return prepare(*args, **kwargs)

    def writing(*args, **kwargs):
        seen["writing"] = SQLITE_WRITE_INTENT.get()
        return write(*args, **kwargs)

    monkeypatch.setattr(jobs, "prepare_import", checking)
    monkeypatch.setattr(jobs, "write_import", writing)
    run("import-903", today=FROZEN.date())
    # On SQLite a transaction that will not write begins without taking the write lock.
    assert seen == {"checking": False, "writing": True}
    assert session.scalar(select(ReturnImport.status)) == "done"


def test_an_import_whose_process_stopped_is_finished_by_the_next_run(client, session, queued, run) -> None:
    with time_machine.travel(FROZEN, tick=True):
        run("import-903", today=FROZEN.date())
        record = session.scalars(select(ReturnImport)).one()
        ids = sorted(session.scalars(select(Child.id)))
        items = set(session.execute(select(TrackedItem.child_id, TrackedItem.key, TrackedItem.due_on)))
        assert items
        # As if the process had died while working out due dates, a minute ago: the
        # import is still someone else's, and nobody takes it over yet.
        session.execute(TrackedItem.__table__.delete())
        session.execute(update(ReturnImport).values(status="recomputing", pending_child_ids=ids, done_steps=0,
                                                    finished_at=None, heartbeat_at=clock.now()
                                                    - dt.timedelta(minutes=1)))
        session.commit()
        page = plain(client.get(queued))
        assert "Working out due dates" in page and "checks again every 5 seconds" in page
        assert not jobs.claim(session, record.id)
        assert run("import-903", today=FROZEN.date()).counts == {"imports": 0, "failed": 0}
        # Ten minutes without a sign of life: the next run takes it over and finishes it.
        session.execute(update(ReturnImport).values(heartbeat_at=clock.now() - jobs.STALE_AFTER
                                                    - dt.timedelta(seconds=1)))
        session.commit()
        assert run("import-903", today=FROZEN.date()).counts == {"imports": 1, "failed": 0}
        session.expire_all()
        assert session.scalar(select(ReturnImport.status)) == "done"
        assert set(session.execute(select(TrackedItem.child_id, TrackedItem.key, TrackedItem.due_on))) == items
        assert "Imported 6 children added" in plain(client.get(queued))


def test_only_administrators_see_imports_and_the_upload_is_audited(client, factory, session, queued) -> None:
    from tests.helpers import browser_client

    other = browser_client(client.application)
    with time_machine.travel(FROZEN, tick=True):
        sign_in(other, factory.user(role="team_manager", team=factory.team()))
        assert other.get(queued).status_code == 403
        assert other.get("/returns/import").status_code == 403
        assert client.get("/returns/imports/999").status_code == 404
    record = session.scalars(select(ReturnImport)).one()
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "import_903_queued")).one()
    assert (event.actor_id, event.entity_id) == (record.created_by_id, record.id)
    assert event.summary.startswith("Uploaded 11 file(s) of an SSDA903 return to import: ad1.csv, episodes.csv")
