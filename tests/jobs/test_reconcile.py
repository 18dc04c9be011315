"""Reconciling the persistent job store at start never drops a run missed while stopped."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

from tracker import clock
from tracker.config import DefaultConfig
from tracker.jobs.scheduler import build_scheduler, due_today_not_done, reconcile


def _app(tmp_path: Path, **overrides: object) -> SimpleNamespace:
    config = {k: getattr(DefaultConfig, k) for k in dir(DefaultConfig) if k.isupper()}
    config.update(DATABASE_URL=f"sqlite:///{tmp_path / 'jobs.db'}", **overrides)
    return SimpleNamespace(config=config)


def _started(app: SimpleNamespace):
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


def test_catch_up_picks_the_daily_jobs_whose_time_has_passed_today_and_are_not_done() -> None:
    config = {k: getattr(DefaultConfig, k) for k in dir(DefaultConfig) if k.isupper()}
    config.update(SCAN_AT="06:30", DIGEST_AT="07:30", SNAPSHOT_AT="07:00")
    monday = dt.date(2026, 11, 23)  # winter: London is UTC
    at = lambda h, m: dt.datetime(2026, 11, 23, h, m, tzinfo=dt.UTC)  # noqa: E731
    nothing_done = lambda name, day: False  # noqa: E731
    assert due_today_not_done(config, nothing_done, at(6, 0)) == []
    assert due_today_not_done(config, nothing_done, at(6, 31)) == ["scan"]
    assert set(due_today_not_done(config, nothing_done, at(9, 0))) == {"scan", "digest", "snapshot"}
    assert due_today_not_done(config, lambda name, day: name != "digest" and day == monday, at(9, 0)) == ["digest"]
    # Jobs that only run when started by another (escalate) or all day (send-email) never catch up.
    assert {"escalate", "send-email"}.isdisjoint(due_today_not_done(config, nothing_done, at(23, 59)))
    # Saturday: no digest (working days only) and no snapshot (Mondays), the scan as every day.
    assert due_today_not_done(config, nothing_done, at(9, 0) + dt.timedelta(days=5)) == ["scan"]
