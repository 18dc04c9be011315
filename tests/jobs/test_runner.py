"""The job runner: one job-run row per (job, business day); failed or abandoned runs are
retried in place; a run in progress elsewhere is left alone."""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from sqlalchemy import select, text

from tests.alerts.conftest import alive_elsewhere, begin_outer_transaction
from tracker import clock
from tracker.extensions import db
from tracker.jobs.liveness import liveness_for
from tracker.jobs.models import JobRun
from tracker.jobs.registry import JOBS, load_jobs, register_job
from tracker.jobs.runner import RunOutcome, UnknownJob, reap_dead_runs, run_job

DAY = dt.date(2026, 11, 23)


@pytest.fixture()
def run(app: Flask, session) -> Callable[..., RunOutcome]:
    begin_outer_transaction(session)

    def _run(name: str, today: dt.date | None = DAY, **kw) -> RunOutcome:
        with app.app_context():
            return run_job(name, today=today, **kw)

    return _run


@pytest.fixture()
def flaky() -> Iterator[list[str]]:
    """A test job that fails the first time it runs and works after that."""
    calls: list[str] = []

    def job(ctx):
        calls.append(ctx.today.isoformat())
        if len(calls) == 1:
            raise RuntimeError("the database went away")
        return {"done": len(calls)}

    register_job("test-flaky", job, description="test")
    yield calls
    JOBS.pop("test-flaky", None)


def _rows(session, name: str) -> list[JobRun]:
    session.expire_all()
    return list(session.scalars(select(JobRun).where(JobRun.job == name).order_by(JobRun.id)))


def test_the_registry_has_the_alert_jobs_and_refuses_unknown_names() -> None:
    jobs = load_jobs()
    assert {"scan", "escalate", "digest", "send-email"} <= set(jobs)
    assert jobs["scan"].per_day and not jobs["send-email"].per_day
    with pytest.raises(UnknownJob):
        run_job("no-such-job")


def test_a_failed_run_is_recorded_and_retried_in_place(run, session, flaky) -> None:
    first = run("test-flaky")
    assert first.status == "failed" and first.error == "RuntimeError: the database went away"
    [row] = _rows(session, "test-flaky")
    assert (row.slot, row.status, row.attempts) == ("2026-11-23", "failed", 1)
    assert row.error == "RuntimeError: the database went away" and row.finished_at is not None

    second = run("test-flaky")
    assert second.status == "ok" and second.counts == {"done": 2}
    [row] = _rows(session, "test-flaky")
    assert (row.status, row.attempts, row.error, row.counts) == ("ok", 2, None, {"done": 2})
    assert run("test-flaky").status == "skipped"
    assert flaky == ["2026-11-23", "2026-11-23"]
    assert run("test-flaky", DAY + dt.timedelta(days=1)).status == "ok"  # a new day is a new slot


def _running_row(session, *, name: str = "test-flaky", heartbeat: dt.datetime | None = None,
                 slot: str = DAY.isoformat()) -> JobRun:
    """A run another process marked running: in a container on another host, as pid 1
    (which always looks alive), so nothing about the process itself can be checked."""
    row = JobRun(job=name, slot=slot, status="running", started_at=clock.now() - dt.timedelta(minutes=5),
                 heartbeat_at=heartbeat or clock.now(), pid=1, host="container-7f3a", attempts=1)
    session.add(row)
    session.flush()
    return row


def test_a_run_whose_process_died_is_taken_over_whatever_its_host_and_pid(run, session, flaky, app) -> None:
    row = _running_row(session, heartbeat=clock.now() - dt.timedelta(minutes=1))
    flaky.append("(pretend the first call happened)")
    outcome = run("test-flaky")
    assert outcome.status == "ok"
    [row] = _rows(session, "test-flaky")
    assert (row.status, row.attempts, row.pid, row.host) == ("ok", 2, os.getpid(), socket.gethostname())


def test_a_live_run_elsewhere_is_left_alone_and_taken_over_once_it_dies(run, session, flaky, app) -> None:
    row = _running_row(session)
    with alive_elsewhere(app, row):
        outcome = run("test-flaky")
        assert outcome.status == "skipped" and outcome.reason.startswith("running in process 1 on container-7f3a")
        assert flaky == []
    flaky.append("(pretend the first call happened)")
    assert run("test-flaky").status == "ok"
    assert [(r.status, r.attempts) for r in _rows(session, "test-flaky")] == [("ok", 2)]


@pytest.fixture()
def batches() -> Iterator[list[int]]:
    """A test job of ten batches that checks in between, as the scan does."""
    done: list[int] = []

    def job(ctx):
        for n in range(10):
            ctx.checkpoint(f"{n} of 10 batches")
            done.append(n)
        return {"batches": len(done)}

    register_job("test-batches", job, description="test")
    yield done
    JOBS.pop("test-batches", None)


def test_a_job_stops_between_batches_once_its_scheduler_is_no_longer_active(run, session, batches) -> None:
    leader = iter([True, True, True])
    outcome = run("test-batches", still_leader=lambda: next(leader, False))
    assert outcome.status == "failed"
    assert outcome.error == "Stopped before finishing: this scheduler is no longer the active one."
    assert batches == [0, 1, 2]
    [row] = _rows(session, "test-batches")
    assert (row.status, row.error, row.progress) == ("failed", outcome.error, None)
    # The next active scheduler (or anyone) runs the day again.
    batches.clear()
    assert run("test-batches").counts == {"batches": 10}
    assert [(r.status, r.attempts) for r in _rows(session, "test-batches")] == [("ok", 2)]


def test_runs_whose_process_died_are_reaped_and_live_ones_left(app, run, session) -> None:
    dead = _running_row(session, name="send-email", slot="2026-11-23T06:00:00.000000+00:00",
                        heartbeat=clock.now() - dt.timedelta(minutes=1))
    live = _running_row(session, name="send-email", slot="2026-11-23T06:01:00.000000+00:00")
    with alive_elsewhere(app, live):
        with app.app_context():
            reaped = reap_dead_runs(db.session, liveness_for(app.config))
        assert [r.id for r in reaped] == [dead.id]
    session.expire_all()
    assert session.get(JobRun, dead.id).status == "failed"
    assert session.get(JobRun, dead.id).error == ("Interrupted: the process running it (process 1 on "
                                                  "container-7f3a) stopped before it finished.")
    assert session.get(JobRun, live.id).status == "running"


@pytest.mark.postgres_only
def test_job_connections_ask_the_server_to_drop_a_vanished_host_within_a_minute(app) -> None:
    if not app.config["DATABASE_URL"].startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    lease = liveness_for(app.config).take(2_000_000_000)
    assert lease is not None
    try:
        conn = lease._conn  # The connection that holds the run's lock
        settings = {name: conn.scalar(text(f"SHOW {name}")) for name in
                    ("tcp_keepalives_idle", "tcp_keepalives_interval", "tcp_keepalives_count", "tcp_user_timeout")}
    finally:
        lease.release()
    assert settings == {"tcp_keepalives_idle": "10", "tcp_keepalives_interval": "5",
                        "tcp_keepalives_count": "3", "tcp_user_timeout": "25000"}  # seconds; ms


def test_jobs_that_run_all_day_get_a_row_per_run_and_old_rows_are_pruned(run, session) -> None:
    session.add(JobRun(job="send-email", slot="2026-01-01T00:00:00.000000+00:00", status="ok",
                       started_at=clock.now() - dt.timedelta(days=40), attempts=1))
    session.flush()
    for _ in range(3):
        assert run("send-email", None).status == "ok"
    rows = _rows(session, "send-email")
    assert len(rows) == 3 and len({r.slot for r in rows}) == 3
