"""Migrations: one head, no drift from the models, full downgrade and upgrade again."""

from __future__ import annotations

import os
import uuid

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

import tracker.models  # noqa: F401
from tracker.db import Base, make_engine
from tracker.migrate import alembic_config


def test_one_head_with_readable_ordered_ids() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1
    revisions = [r.revision for r in script.walk_revisions()]
    assert all(r[:4].isdigit() for r in revisions), revisions
    assert revisions == sorted(revisions, reverse=True)


def _diff(url: str) -> list:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diffs = compare_metadata(ctx, Base.metadata)
    finally:
        engine.dispose()
    return [d for d in diffs if not _ignored(d)]


def _ignored(diff) -> bool:
    name = ""
    if isinstance(diff, tuple) and len(diff) > 1:
        obj = diff[1]
        name = getattr(obj, "name", "") or ""
    return name.startswith("apscheduler")


def _scratch_database(base_url: str | None, tmp_path) -> tuple[str, callable]:
    if not base_url:
        return f"sqlite:///{tmp_path / 'mig.db'}", lambda: None
    name = f"mig_{uuid.uuid4().hex[:8]}"
    admin = make_engine(base_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base_url.rsplit("/", 1)[0] + "/" + name

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


def test_upgrade_has_no_drift_then_downgrade_base_and_upgrade_again(tmp_path) -> None:
    url, drop = _scratch_database(os.environ.get("TRACKER_TEST_DATABASE_URL"), tmp_path)
    try:
        cfg = alembic_config(url)
        command.upgrade(cfg, "head")
        assert _diff(url) == []
        command.downgrade(cfg, "base")
        engine = make_engine(url)
        with engine.connect() as conn:
            tables = set(conn.dialect.get_table_names(conn)) - {"alembic_version"}
        engine.dispose()
        assert tables == set()
        command.upgrade(cfg, "head")
        assert _diff(url) == []
    finally:
        drop()
