"""/healthz and /readyz: no sign-in, nothing personal, and they tell the truth."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from tracker import clock
from tracker.jobs.models import SchedulerHeartbeat
from tracker.migrate import script_head


def _beat(session, *, seconds_ago: int, state: str = "active") -> None:
    now = clock.now()
    session.add(SchedulerHeartbeat(host="sched-1", pid=4242, state=state, started_at=now - dt.timedelta(hours=1),
                                   beat_at=now - dt.timedelta(seconds=seconds_ago)))
    session.flush()


def test_healthz_answers_without_sign_in_or_cookie(client) -> None:
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "ok"}
    assert "Set-Cookie" not in resp.headers
    assert resp.headers["Cache-Control"] == "no-store"


def test_ready_when_database_migrations_and_scheduler_are_fine(client, session) -> None:
    _beat(session, seconds_ago=3)
    resp = client.get("/readyz")
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["status"] == "ready"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["migrations"] == {"ok": True, "revision": script_head()}
    assert body["checks"]["scheduler"]["ok"] is True
    assert "Set-Cookie" not in resp.headers


def test_not_ready_when_no_scheduler_has_ever_run(client, session) -> None:
    _beat(session, seconds_ago=1, state="standby")  # a standby alone runs no jobs
    resp = client.get("/readyz")
    assert resp.status_code == 503
    body = resp.get_json()
    assert body["status"] == "not ready"
    assert body["checks"]["scheduler"] == {"ok": False, "problem": "no scheduler has run: start `tracker scheduler`"}
    assert body["checks"]["database"]["ok"] and body["checks"]["migrations"]["ok"]


def test_not_ready_when_the_scheduler_stopped_beating(client, session) -> None:
    _beat(session, seconds_ago=600)
    resp = client.get("/readyz")
    assert resp.status_code == 503
    scheduler = resp.get_json()["checks"]["scheduler"]
    assert scheduler["ok"] is False
    assert 599 <= scheduler["seconds_since_heartbeat"] <= 605


def test_not_ready_when_the_database_is_behind_the_code(client, session) -> None:
    _beat(session, seconds_ago=1)
    session.execute(text("UPDATE alembic_version SET version_num = '0001_initial'"))
    resp = client.get("/readyz")
    assert resp.status_code == 503
    migrations = resp.get_json()["checks"]["migrations"]
    assert migrations == {"ok": False, "revision": "0001_initial", "head": script_head(),
                          "problem": "the database is not at the latest migration: run `tracker db upgrade`"}


def test_readiness_says_nothing_about_anyone(client, session, factory) -> None:
    child = factory.child()
    _beat(session, seconds_ago=1)
    raw = client.get("/readyz").get_data(as_text=True)
    for private in (child.first_name, child.last_name, child.local_id):
        assert private not in raw


PROBE = """
import json, sys
from tracker import create_app
app = create_app({"ENV_NAME": "testing", "DATABASE_URL": sys.argv[1]})
c = app.test_client()
out = {}
for path in ("/healthz", "/readyz"):
    r = c.get(path)
    out[path] = [r.status_code, r.get_json()]
print(json.dumps(out))
"""


def test_database_down_is_not_ready_but_the_process_is_healthy(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env["TRACKER_INSTANCE_PATH"] = str(tmp_path)
    url = os.environ.get("TRACKER_TEST_DATABASE_URL")
    # Nothing listens on port 9 (discard) here; SQLite cannot open a file in a missing folder.
    down = ("postgresql+psycopg://nobody@127.0.0.1:9/nothing?connect_timeout=2" if url
            else f"sqlite:///{tmp_path / 'missing' / 'x.db'}")
    done = subprocess.run([sys.executable, "-c", PROBE, down], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["/healthz"] == [200, {"status": "ok"}]
    status, body = out["/readyz"]
    assert status == 503
    assert body["checks"]["database"] == {"ok": False, "problem": "the database did not answer"}
    assert "nobody" not in json.dumps(body) and "missing" not in json.dumps(body)
