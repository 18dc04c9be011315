"""Reconciling the persistent job store at start never drops a run missed while stopped."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

from tracker import clock
from tracker.config import DefaultConfig
from tracker.jobs.scheduler import build_scheduler, reconcile


def _app(tmp_path: Path, **overrides: object) -> SimpleNamespace:
    config = {k: getattr(DefaultConfig, k) for k in dir(DefaultConfig) if k.isupper()}
    config.update(DATABASE_URL=f"sqlite:///{tmp_path / 'jobs.db'}", **overrides)
    return SimpleNamespace(config=config)


def _started(app: SimpleNamespace):  # noqa: ANN202
    scheduler = build_scheduler(app)  # type: ignore[arg-type]
    scheduler.start(paused=True)  # nothing runs while paused
    return scheduler


def test_missed_runs_survive_a_restart_and_a_schedule_change(tmp_path: Path) -> None:
    app = _app(tmp_path)
    first = _started(app)
    assert reconcile(first, app.config)["scan"] == "added"
    missed = (clock.now() - dt.timedelta(hours=3)).replace(microsecond=0)
    first.modify_job("scan", jobstore="default", next_run_time=missed)  # it fell due while stopped
    first.shutdown(wait=True)

    again = _started(app)
    try:
        done = reconcile(again, app.config)
        assert done["scan"] == "kept (missed run due now)" and done["send-email"] == "kept"
        assert again.get_job("scan").next_run_time == missed
    finally:
        again.shutdown(wait=True)

    moved = _app(tmp_path, SCAN_AT="05:45")
    changed = _started(moved)
    try:
        assert reconcile(changed, moved.config)["scan"] == "schedule changed"
        job = changed.get_job("scan")
        assert job.next_run_time == missed  # still due now: the missed run is not dropped
        assert "hour='5', minute='45'" in str(job.trigger)
    finally:
        changed.shutdown(wait=True)
