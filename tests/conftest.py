"""Test fixtures: one database built with the real migrations, a savepoint per test.

Runs on SQLite by default and on PostgreSQL when TRACKER_TEST_DATABASE_URL is set
(`make test` does both). CSRF stays on: helpers fetch the form and post its token.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from flask import Flask
from sqlalchemy import text

from tracker import create_app
from tracker.extensions import db
from tracker.migrate import alembic_config

TEST_CONFIG = {
    "ENV_NAME": "testing",
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 64,
    "SERVER_NAME": "tracker.test",
    "PREFERRED_URL_SCHEME": "https",
}


def _reset_postgres(url: str) -> None:
    from tracker.db import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TRACKER_TEST_DATABASE_URL")
    if url:
        _reset_postgres(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    os.environ["TRACKER_INSTANCE_PATH"] = str(tmp_path_factory.mktemp("instance"))
    application = create_app({**TEST_CONFIG, "DATABASE_URL": database_url})
    command.upgrade(alembic_config(database_url), "head")
    yield application
    db.session.remove()
    assert db.engine is not None
    db.engine.dispose()


@pytest.fixture()
def session(app: Flask) -> Iterator:
    """A session joined to an outer transaction that is rolled back after the test.

    Requests made through the test client get their own sessions bound to the same
    connection, so they see (and roll back with) the test's data.
    """
    assert db.engine is not None
    connection = db.engine.connect()
    outer = connection.begin()
    db.bind_to(connection)
    try:
        yield db.session
    finally:
        db.unbind()
        if outer.is_active:
            outer.rollback()
        connection.close()


@pytest.fixture()
def client(app: Flask, session):
    from tests.helpers import browser_client

    return browser_client(app)


@pytest.fixture()
def factory(session):
    from tests.helpers import Factory

    return Factory(session)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Tests that use neither the database nor the browser run first: fastest feedback.
    items.sort(key=lambda i: ("e2e" in i.keywords, "session" in getattr(i, "fixturenames", ())))


@pytest.fixture(scope="session")
def scratch_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as d:
        yield Path(d)
