"""Fixtures for the packaging tests: scratch databases of their own, an environment with
no TRACKER_* settings leaking in from the test run."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text


@pytest.fixture(scope="session")
def new_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], str]]:
    """Makes an empty database (SQLite file, or a PostgreSQL database on the test server)."""
    base = os.environ.get("TRACKER_TEST_DATABASE_URL")
    made: list[str] = []

    def make(label: str) -> str:
        if not base:
            return f"sqlite:///{tmp_path_factory.mktemp(label) / 'tracker.db'}"
        from tracker.db import make_engine

        name = f"{label}_{uuid.uuid4().hex[:8]}"
        engine = make_engine(base).execution_options(isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        made.append(name)
        return base.rsplit("/", 1)[0] + "/" + name

    yield make
    if made:
        from tracker.db import make_engine

        engine = make_engine(base).execution_options(isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            for name in made:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TRACKER_", "PYTHON", "VIRTUAL_ENV", "GUNICORN_", "SCRIPT_NAME", "WEB_CONCURRENCY"))}
    env.update(extra)
    return env


@pytest.fixture()
def workdir(tmp_path: Path) -> Path:
    """A working directory outside the repository."""
    d = tmp_path / "work"
    d.mkdir()
    return d
