"""Fixtures for the alert and job tests: a real SMTP server, a small authority, a runner."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from tests.alerts.smtp import SmtpServer
from tracker import clock
from tracker.auth.models import Service, Team, User
from tracker.children.models import Child
from tracker.extensions import db
from tracker.jobs.liveness import RUN_LOCK_SPACE
from tracker.jobs.models import JobRun
from tracker.jobs.runner import RunOutcome, run_job
from tracker.tracking.models import Action


@pytest.fixture()
def smtp(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    """A running SMTP server the app is configured to send through."""
    server = SmtpServer()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 5)
    monkeypatch.setitem(app.config, "BASE_URL", "https://tracker.example.test")
    server.start()
    yield server
    server.stop()


@contextmanager
def alive_elsewhere(app: Flask, row: JobRun) -> Iterator[None]:
    """Another process proves ``row`` alive the way a real run does: an advisory lock on a
    connection of its own (PostgreSQL), a fresh heartbeat (SQLite). Leaving the block is
    that process dying."""
    if app.config["DATABASE_URL"].startswith("postgresql"):
        engine = create_engine(app.config["DATABASE_URL"], poolclass=NullPool)
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT pg_try_advisory_lock(:s, :id)"), {"s": RUN_LOCK_SPACE, "id": row.id})
            yield
        engine.dispose()
    else:
        yield
        row.heartbeat_at = clock.now() - dt.timedelta(seconds=app.config["JOB_DEAD_AFTER_SECONDS"] + 1)
        db.session.flush()


def begin_outer_transaction(session) -> None:
    """pysqlite starts a transaction only at the first write; until then a SAVEPOINT (which
    each job's session opens) would itself be the transaction and its RELEASE would
    commit for good. A write that changes nothing makes the test's rollback cover the jobs."""
    session.execute(text("DELETE FROM job_runs WHERE 1 = 0"))


@pytest.fixture()
def run(app: Flask, session) -> Callable[..., RunOutcome]:
    """Run a job as the scheduler or ``tracker jobs run`` would (in its own app context)."""
    begin_outer_transaction(session)

    def _run(name: str, today: dt.date | None = None, *, force: bool = False) -> RunOutcome:
        with app.app_context():
            return run_job(name, today=today, force=force)

    return _run


@dataclass
class Authority:
    service: Service
    team: Team
    other_team: Team
    worker: User
    other_worker: User
    team_manager: User
    other_team_manager: User
    group_manager: User


@pytest.fixture()
def authority(factory) -> Authority:
    service = factory.service(name="Children in care")
    other_service = factory.service(name="Leaving care")
    team = factory.team(name="East", service=service)
    other_team = factory.team(name="Leaving Care Team", service=other_service)
    return Authority(
        service=service, team=team, other_team=other_team,
        worker=factory.user(team=team, email="worker@test.invalid", name="Wendy Worker"),
        other_worker=factory.user(team=team, email="other.worker@test.invalid", name="Oscar Other"),
        team_manager=factory.user(role="team_manager", team=team, email="tm@test.invalid", name="Tara Manager"),
        other_team_manager=factory.user(role="team_manager", team=other_team, email="tm2@test.invalid"),
        group_manager=factory.user(role="group_manager", service=service, email="gm@test.invalid",
                                   name="Gita Group"),
    )


def add_action(session, *, child: Child, owner: User, due_on: dt.date) -> Action:
    action = Action(child_id=child.id, title="Ring the school about Zebedee's asthma", owner_id=owner.id,
                    due_on=due_on, source="other", created_on=due_on - dt.timedelta(days=30))
    session.add(action)
    session.flush()
    return action
