"""``tracker jobs run digest`` before the day's scan, as a separate process on a fresh SQLite
database: it runs the scan first (another connection) and finishes, rather than waiting
on its own transaction until "database is locked"."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.jobs.conftest import Scratch

TRACKER = str(Path(sys.executable).parent / "tracker")
DAY = "2026-11-23"  # a Monday


@pytest.mark.parametrize("scratch", ["sqlite"], indirect=True)
def test_the_digest_before_any_scan_runs_the_scan_and_finishes(scratch: Scratch) -> None:
    env = scratch.env(DEMO_PASSWORD="Demo-cedar-harbour-58", ARGON2_TIME_COST="1", ARGON2_MEMORY_COST="64")
    demo = subprocess.run([TRACKER, "demo", "--children", "20", "--seed", "5"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert demo.returncode == 0, demo.stderr
    assert scratch.query("SELECT count(*) FROM job_runs") == [(0,)]

    done = subprocess.run([TRACKER, "jobs", "run", "digest", "--today", DAY], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert done.stdout.startswith(f"digest {DAY}: ok — scan ok, workers "), done.stdout
    assert "database is locked" not in done.stderr
    assert scratch.query("SELECT job, status FROM job_runs WHERE slot = :d ORDER BY job", d=DAY) == [
        ("digest", "ok"), ("escalate", "ok"), ("scan", "ok")]
    [(queued,)] = scratch.query("SELECT count(*) FROM outbox_emails WHERE kind = 'digest'")
    assert queued > 0
