"""``/healthz`` and ``/readyz``: for load balancers, containers and monitoring.

Both answer without signing in, so they say nothing about anyone: a status word per check
and, when something is wrong, what (a revision id, how many seconds ago), never a name,
a record or an error message from the database.

- ``/healthz``: the process is up and answering (200). It touches nothing else, so a
  database outage does not make an orchestrator restart healthy web servers.
- ``/readyz``: the service can do its job: the database answers, its schema is at the
  migrations' head (an upgrade has been run), and a scheduler is active — its heartbeat
  is recent (READY_SCHEDULER_STALE_SECONDS). 200 when all hold, else 503.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError

from tracker import clock
from tracker.extensions import db
from tracker.jobs.queries import get_scheduler_heartbeat
from tracker.migrate import script_head

bp = Blueprint("probes", __name__)
log = logging.getLogger(__name__)

#: The probes' endpoints: public (checked by tests/structure/test_routes.py).
ENDPOINTS = ("probes.healthz", "probes.readyz")


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    checks: dict[str, dict[str, Any]] = {}
    try:
        checks["database"] = {"ok": True}
        checks["migrations"] = _migrations()
        checks["scheduler"] = _scheduler()
    except SQLAlchemyError as exc:
        # The log line carries the request id; the answer carries no database message.
        log.warning("Readiness: the database did not answer: %s", type(exc).__name__)
        db.session.rollback()
        checks["database"] = {"ok": False, "problem": "the database did not answer"}
    finally:
        db.session.rollback()
    ready = all(c["ok"] for c in checks.values())
    return jsonify(status="ready" if ready else "not ready", checks=checks), 200 if ready else 503


def _migrations() -> dict[str, Any]:
    connection = db.session.connection()
    connection.execute(text("SELECT 1"))
    current = (connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
               if inspect(connection).has_table("alembic_version") else None)
    head = script_head()
    if current == head:
        return {"ok": True, "revision": current}
    return {"ok": False, "revision": current, "head": head,
            "problem": "the database is not at the latest migration: run `tracker db upgrade`"}


def _scheduler() -> dict[str, Any]:
    beat = get_scheduler_heartbeat(db.session)
    if beat is None:
        return {"ok": False, "problem": "no scheduler has run: start `tracker scheduler`"}
    age = max(0, round((clock.now() - beat).total_seconds()))
    if age > current_app.config["READY_SCHEDULER_STALE_SECONDS"]:
        return {"ok": False, "seconds_since_heartbeat": age,
                "problem": "no scheduler is running: start `tracker scheduler`"}
    return {"ok": True, "seconds_since_heartbeat": age}
