"""``tracker scheduler`` as real processes against a scratch database: one active at a
time, a standby that takes over, and a daily run missed while stopped that runs once on
restart. SQLite always; PostgreSQL too when TRACKER_TEST_DATABASE_URL is set."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.jobs.conftest import Scratch
from tracker.clock import LONDON

TRACKER = str(Path(sys.executable).parent / "tracker")


class Scheduler:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log_path = log
        self._log = open(log, "w")
        self.proc = subprocess.Popen([TRACKER, "scheduler"], env=env, stdout=self._log, stderr=subprocess.STDOUT)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log(self) -> str:
        return self.log_path.read_text()

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        return self.proc.returncode


def wait_for(check: Callable[[], object], what: str, timeout: float = 20, procs: tuple[Scheduler, ...] = ()):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {p.pid}\n{p.log()}" for p in procs)
            raise AssertionError(f"timed out waiting for {what}\n{logs}")
        time.sleep(0.2)


def _email_run_pids(scratch: Scratch) -> list[int]:
    return [r[0] for r in scratch.query("SELECT pid FROM job_runs WHERE job = 'send-email' ORDER BY id")]


def test_two_schedulers_one_is_active_and_the_standby_takes_over_when_it_dies(scratch: Scratch,
                                                                              tmp_path: Path) -> None:
    env = scratch.env(EMAIL_EVERY_SECONDS="1", SCAN_AT="03:00", DIGEST_AT="03:30")
    first = Scheduler(env, tmp_path / "first.log")
    second = Scheduler(env, tmp_path / "second.log")
    procs = (first, second)
    try:
        wait_for(lambda: _email_run_pids(scratch), "the first send-email run", procs=procs)
        time.sleep(2)  # several more runs: all from the same process
        pids = set(_email_run_pids(scratch))
        assert len(pids) == 1, pids
        active, standby = (first, second) if pids == {first.pid} else (second, first)
        assert pids == {active.pid}
        statuses = [r[0] for r in scratch.query("SELECT status FROM job_runs WHERE job = 'send-email'")]
        assert statuses.count("ok") >= 2 and set(statuses) <= {"ok", "running"}, statuses
        assert "active: holding the" in active.log()
        assert "standby: another scheduler holds the" in standby.log()
        assert "active:" not in standby.log()

        before = len(_email_run_pids(scratch))
        active.kill()  # no clean shutdown: the lock must be freed by the process dying
        wait_for(lambda: standby.pid in _email_run_pids(scratch)[before:], "the standby to take over",
                 timeout=15, procs=procs)
        assert "active: holding the" in standby.log()
        # Both processes recorded heartbeats; the active one is now the former standby.
        states = dict(scratch.query("SELECT pid, state FROM scheduler_heartbeats"))
        assert states == {active.pid: "active", standby.pid: "active"}  # killed: it never said it stopped
        [(newest,)] = scratch.query("SELECT pid FROM scheduler_heartbeats WHERE state = 'active' "
                                    "ORDER BY beat_at DESC LIMIT 1")
        assert newest == standby.pid
        after = _email_run_pids(scratch)[before:]
        assert set(after) <= {active.pid, standby.pid} and after[-1] == standby.pid
        assert standby.stop() == 0  # SIGTERM: finishes running jobs and exits cleanly
        assert dict(scratch.query("SELECT pid, state FROM scheduler_heartbeats"))[standby.pid] == "stopped"
    finally:
        for p in procs:
            p.stop()


def test_a_daily_run_missed_while_stopped_runs_once_when_restarted(scratch: Scratch, tmp_path: Path) -> None:
    # The scan is set a little ahead and this scheduler must be gone before then: 15 s
    # leaves room for a slow start on a loaded machine (5 s did not, under CI load).
    fire = dt.datetime.now(LONDON).replace(microsecond=0) + dt.timedelta(seconds=15)
    env = scratch.env(SCAN_AT=fire.strftime("%H:%M:%S"), DIGEST_AT="03:30", EMAIL_EVERY_SECONDS="3600")
    first = Scheduler(env, tmp_path / "first.log")
    try:
        stored = wait_for(lambda: scratch.has_table("apscheduler_jobs") and scratch.query(
            "SELECT next_run_time FROM apscheduler_jobs WHERE id = 'scan'"), "the scan in the job store", procs=(first,))
        assert abs(float(stored[0][0]) - fire.timestamp()) < 1
        first.kill()
    finally:
        first.stop()
    assert dt.datetime.now(LONDON) < fire, "the scheduler took too long to start for this test"

    time.sleep(max(0.0, fire.timestamp() - time.time()) + 1.5)  # the scan's time passes with no scheduler
    assert scratch.query("SELECT * FROM job_runs WHERE job = 'scan'") == []

    second = Scheduler(env, tmp_path / "second.log")
    try:
        wait_for(lambda: scratch.query("SELECT 1 FROM job_runs WHERE job = 'scan' AND status = 'ok'"),
                 "the missed scan to run", procs=(second,))
        time.sleep(1.5)  # time for a second run, if there were going to be one
    finally:
        assert second.stop() == 0
    log = second.log()
    assert "job scan: kept (missed run due now)" in log
    slot = fire.date().isoformat()
    assert len(re.findall(rf"job scan {slot} started", log)) == 1, log
    assert f"job scan {slot} skipped" not in log, log
    assert scratch.query("SELECT slot, status, attempts, pid FROM job_runs WHERE job = 'scan'") == [
        (slot, "ok", 1, second.pid)]
    # …and the schedule carries on from tomorrow, not from the missed time.
    [(next_run,)] = scratch.query("SELECT next_run_time FROM apscheduler_jobs WHERE id = 'scan'")
    assert float(next_run) == pytest.approx((fire + dt.timedelta(days=1)).timestamp(), abs=3700)
