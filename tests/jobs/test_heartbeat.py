"""SQLite: a running job's heartbeat, written from its own thread, is what tells others it
is alive; a run whose heartbeat was taken over stops at its next checkpoint. Run in a
separate process on a scratch database (the heartbeat writes on a connection of its own)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.jobs.conftest import Scratch

SCRIPT = r"""
import json, os, time
from sqlalchemy import create_engine, text
from tracker import create_app
from tracker.jobs.registry import register_job
from tracker.jobs.runner import run_job

url = os.environ["TRACKER_DATABASE_URL"]
watcher = create_engine(url)
seen = []
taken = []

def look():
    with watcher.connect() as c:
        return c.execute(text("SELECT heartbeat_at, progress, attempts FROM job_runs WHERE job = 'test-slow'")).one()

def slow(ctx):
    for n in range(60):
        ctx.checkpoint(f"{n} of 60 batches")
        time.sleep(0.1)
        seen.append([str(v) for v in look()])
        if os.environ.get("TAKE_OVER") and not taken and len({s[0] for s in seen}) >= 3:
            taken.append(n)
            # Another process decides this run is dead and takes it over.
            with watcher.begin() as c:
                c.execute(text("UPDATE job_runs SET attempts = attempts + 1, pid = 1, host = 'elsewhere'"))
    return {"batches": 60}

register_job("test-slow", slow, description="test")
app = create_app()
with app.app_context():
    outcome = run_job("test-slow")
print(json.dumps({"status": outcome.status, "error": outcome.error, "seen": seen, "final": [str(v) for v in look()]}))
"""


def _run(scratch: Scratch, **env: str) -> dict:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60,
                          env={**scratch.env(JOB_HEARTBEAT_SECONDS="1"), **env})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("scratch", ["sqlite"], indirect=True)
def test_a_running_job_beats_and_reports_progress(scratch: Scratch) -> None:
    out = _run(scratch)
    assert out["status"] == "ok"
    beats = {s[0] for s in out["seen"]}
    assert len(beats) >= 4  # about one a second over six seconds
    progress = {s[1] for s in out["seen"]} - {"None"}  # written with each heartbeat
    assert len(progress) >= 3 and all(p.endswith(" of 60 batches") for p in progress), progress
    assert out["final"][1:] == ["None", "1"]  # progress cleared when done


@pytest.mark.parametrize("scratch", ["sqlite"], indirect=True)
def test_a_run_taken_over_elsewhere_stops_at_its_next_checkpoint_and_leaves_the_row_alone(scratch: Scratch) -> None:
    out = _run(scratch, TAKE_OVER="1")
    assert out["status"] == "failed"
    assert out["error"] == "Stopped before finishing: this run was taken over by another process."
    assert len(out["seen"]) < 60
    assert out["final"][2] == "2"
    assert scratch.query("SELECT status, host FROM job_runs WHERE job = 'test-slow'") == [("running", "elsewhere")]
