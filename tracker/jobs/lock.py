"""Single-instance lock for the scheduler: one active process, the others wait as standby.

* PostgreSQL: a session-level advisory lock held on a connection of its own for as long
  as the process is active. The server releases it the moment that connection (or the
  process) dies, so a standby takes over at its next try. If the active host vanishes
  without closing the connection, TCP keepalive on both ends (``DB_KEEPALIVE_*``) ends
  it in well under a minute instead of the operating system's two hours.
* SQLite: an exclusive ``flock`` on ``instance/scheduler.lock`` (filelock), which the
  kernel releases when the process dies. SQLite is a single-machine database, so a
  single-machine lock is enough.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

from filelock import FileLock, Timeout
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from tracker.db import KEEPALIVE, make_engine

log = logging.getLogger("tracker.scheduler")

LOCK_NAME = "tracker-scheduler"


class LeaderLock(Protocol):
    description: str

    def try_acquire(self) -> bool: ...

    def still_held(self) -> bool: ...

    def release(self) -> None: ...


class PostgresAdvisoryLock:
    def __init__(self, url: str, keepalive: tuple[int, int, int] = KEEPALIVE) -> None:
        # Its own engine without a pool: the connection holding the lock is never shared.
        self._engine: Engine = make_engine(url, keepalive=keepalive, poolclass=NullPool,
                                           isolation_level="AUTOCOMMIT")
        self._conn: Connection | None = None
        self.description = f"PostgreSQL advisory lock {LOCK_NAME!r}"

    def try_acquire(self) -> bool:
        try:
            if self._conn is None:
                self._conn = self._engine.connect()
            got = self._conn.scalar(text("SELECT pg_try_advisory_lock(hashtext(:name))"), {"name": LOCK_NAME})
        except SQLAlchemyError as exc:
            log.warning("cannot reach the database to take the scheduler lock: %s", exc)
            self._drop()
            return False
        return bool(got)

    def still_held(self) -> bool:
        if self._conn is None:
            return False
        try:
            # The lock lives as long as this connection; check both.
            held = self._conn.scalar(text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND pid = pg_backend_pid() AND objid = (hashtext(:name)::bigint & 4294967295)::oid"),
                {"name": LOCK_NAME})
        except SQLAlchemyError:
            self._drop()
            return False
        return bool(held)

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT pg_advisory_unlock(hashtext(:name))"), {"name": LOCK_NAME})
            except SQLAlchemyError:
                pass
        self._drop()
        self._engine.dispose()

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except SQLAlchemyError:
                pass
            self._conn = None


class FileLeaderLock:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(str(path), thread_local=False)
        self.description = f"file lock {path}"

    def try_acquire(self) -> bool:
        if self._lock.is_locked:
            return True
        try:
            self._lock.acquire(blocking=False)
        except Timeout:
            return False
        return True

    def still_held(self) -> bool:
        return self._lock.is_locked

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release(force=True)


def make_lock(database_url: str, instance_path: str, keepalive: tuple[int, int, int] = KEEPALIVE) -> LeaderLock:
    if database_url.startswith("postgresql"):
        return PostgresAdvisoryLock(database_url, keepalive)
    return FileLeaderLock(Path(instance_path) / "scheduler.lock")
