"""Scratch databases for tests that run ``tracker`` commands as separate processes."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text

from tracker.db import make_engine
from tracker.migrate import alembic_config


@dataclass
class Scratch:
    url: str
    instance: Path

    def query(self, sql: str, **params) -> list[tuple]:
        engine = make_engine(self.url)
        try:
            with engine.connect() as conn:
                return [tuple(r) for r in conn.execute(text(sql), params)]
        finally:
            engine.dispose()

    def has_table(self, name: str) -> bool:
        engine = make_engine(self.url)
        try:
            return inspect(engine).has_table(name)
        finally:
            engine.dispose()

    def env(self, **config: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
        env.update({"TRACKER_ENV_NAME": "testing", "TRACKER_DATABASE_URL": self.url,
                    "TRACKER_INSTANCE_PATH": str(self.instance), "TRACKER_SCHEDULER_POLL_SECONDS": "1",
                    "TRACKER_SCAN_ON_START": "false"})
        env.update({f"TRACKER_{k}": v for k, v in config.items()})
        return env


@pytest.fixture(params=["sqlite", "postgresql"])
def scratch(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Scratch]:
    instance = tmp_path / "instance"
    instance.mkdir()
    if request.param == "sqlite":
        url = f"sqlite:///{instance / 'tracker.db'}"
        drop: Callable[[], None] = lambda: None  # noqa: E731
    else:
        base = os.environ.get("TRACKER_TEST_DATABASE_URL")
        if not base:
            pytest.skip("TRACKER_TEST_DATABASE_URL not set")
        name = f"sched_{uuid.uuid4().hex[:8]}"
        admin = make_engine(base).execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = base.rsplit("/", 1)[0] + "/" + name

        def drop() -> None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    command.upgrade(alembic_config(url), "head")
    try:
        yield Scratch(url, instance)
    finally:
        drop()


