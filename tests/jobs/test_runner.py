"""The job runner: one job-run row per (job, business day); failed or abandoned runs are
retried in place; a run in progress elsewhere is left alone."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from tests.alerts.conftest import begin_outer_transaction
from tracker import clock
from tracker.jobs.models import JobRun
from tracker.jobs.registry import JOBS, load_jobs, register_job
from tracker.jobs.runner import RunOutcome, UnknownJob, run_job

DAY = dt.date(2026, 11, 23)


@pytest.fixture()
def run(app: Flask, session) -> Callable[..., RunOutcome]:  # noqa: ANN001
    begin_outer_transaction(session)

    def _run(name: str, today: dt.date | None = DAY, **kw) -> RunOutcome:  # noqa: ANN003
        with app.app_context():
            return run_job(name, today=today, **kw)

    return _run


@pytest.fixture()
def flaky() -> Iterator[list[str]]:
    """A test job that fails the first time it runs and works after that."""
    calls: list[str] = []

    def job(ctx):  # noqa: ANN001, ANN202
        calls.append(ctx.today.isoformat())
        if len(calls) == 1:
            raise RuntimeError("the database went away")
        return {"done": len(calls)}

    register_job("test-flaky", job, description="test")
    yield calls
    JOBS.pop("test-flaky", None)


def _rows(session, name: str) -> list[JobRun]:  # noqa: ANN001
    session.expire_all()
    return list(session.scalars(select(JobRun).where(JobRun.job == name).order_by(JobRun.id)))


def test_the_registry_has_the_alert_jobs_and_refuses_unknown_names() -> None:
    jobs = load_jobs()
    assert {"scan", "escalate", "digest", "send-email"} <= set(jobs)
    assert jobs["scan"].per_day and not jobs["send-email"].per_day
    with pytest.raises(UnknownJob):
        run_job("no-such-job")


def test_a_failed_run_is_recorded_and_retried_in_place(run, session, flaky) -> None:  # noqa: ANN001
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


def _running_row(session, *, pid: int, started: dt.datetime) -> None:  # noqa: ANN001
    session.add(JobRun(job="test-flaky", slot=DAY.isoformat(), status="running", started_at=started,
                       pid=pid, host=socket.gethostname(), attempts=1))
    session.flush()


def test_a_run_whose_process_died_is_taken_over(run, session, flaky) -> None:  # noqa: ANN001
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    _running_row(session, pid=dead.pid, started=clock.now())
    flaky.append("(pretend the first call happened)")
    outcome = run("test-flaky")
    assert outcome.status == "ok"
    [row] = _rows(session, "test-flaky")
    assert (row.status, row.attempts, row.pid) == ("ok", 2, os.getpid())


def test_a_run_in_progress_elsewhere_is_left_alone_until_it_is_stale(run, session, flaky, app,
                                                                     monkeypatch) -> None:  # noqa: ANN001
    _running_row(session, pid=os.getppid(), started=clock.now() - dt.timedelta(minutes=5))
    outcome = run("test-flaky")
    assert outcome.status == "skipped" and outcome.reason.startswith(f"running in process {os.getppid()}")
    assert flaky == []
    monkeypatch.setitem(app.config, "JOB_STALE_AFTER_SECONDS", 60)  # e.g. a process on another host
    flaky.append("(pretend the first call happened)")
    assert run("test-flaky").status == "ok"


def test_jobs_that_run_all_day_get_a_row_per_run_and_old_rows_are_pruned(run, session) -> None:  # noqa: ANN001
    session.add(JobRun(job="send-email", slot="2026-01-01T00:00:00.000000+00:00", status="ok",
                       started_at=clock.now() - dt.timedelta(days=40), attempts=1))
    session.flush()
    for _ in range(3):
        assert run("send-email", None).status == "ok"
    rows = _rows(session, "send-email")
    assert len(rows) == 3 and len({r.slot for r in rows}) == 3
