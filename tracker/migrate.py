"""Alembic, driven from the app (``tracker db …``), with no alembic.ini at the root."""

from __future__ import annotations

from typing import Any

from alembic.config import Config

from tracker.config import resource_dir

MIGRATIONS = resource_dir("migrations")


def alembic_config(url: str | None = None, connection: Any | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def script_head() -> str | None:
    """The newest revision this version of the code knows (read once: it cannot change
    while the process runs)."""
    global _HEAD
    if _HEAD is None:
        from alembic.script import ScriptDirectory

        _HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()
    return _HEAD


_HEAD: str | None = None
