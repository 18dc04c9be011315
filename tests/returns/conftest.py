"""Running the background import job as the scheduler would, inside the test's transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import text

from tracker.jobs.runner import RunOutcome, run_job


@pytest.fixture()
def run(app: Flask, session) -> Callable[..., RunOutcome]:
    """Run a job in its own app context (its session joins the test's transaction)."""
    # A write that changes nothing makes the outer transaction real on SQLite, so the
    # job's commits release savepoints and the test's rollback covers them.
    session.execute(text("DELETE FROM job_runs WHERE 1 = 0"))

    def _run(name: str, today: dt.date | None = None) -> RunOutcome:
        with app.app_context():
            return run_job(name, today=today)

    return _run
