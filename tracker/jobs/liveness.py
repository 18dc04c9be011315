"""How a running job proves it is alive, so a dead run is told apart within a minute on any
host, whatever its process id or host name.

* PostgreSQL: the run holds a session-level advisory lock keyed by its job-run id on a
  connection of its own. The server frees it the moment the process dies (or, if its
  host vanishes, when TCP keepalive gives up: ``DB_KEEPALIVE_*``). Anyone can test a
  run by trying to take the lock; taking it *is* the takeover, so two processes can
  never both take over the same run.
* SQLite: the run writes ``job_runs.heartbeat_at`` from a thread every
  ``JOB_HEARTBEAT_SECONDS``; a run whose heartbeat is older than
  ``JOB_DEAD_AFTER_SECONDS`` is dead. (SQLite is one machine's database, but a process
  id says nothing across containers, and pid 1 always looks alive.)

A :class:`Lease` is what the runner holds while a job runs: the job asks it, between
batches, whether the run is still its own (:meth:`Lease.still_ours`).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Mapping
from typing import Any

from sqlalchemy import event, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from tracker import clock
from tracker.db import make_engine
from tracker.jobs.models import JobRun

log = logging.getLogger("tracker.jobs")

#: First key of the two-key advisory locks that job runs hold ("trkr"); the second is the
#: run's id. The scheduler's single-instance lock uses the one-key form, so they never meet.
RUN_LOCK_SPACE = 0x74726B72


def keepalive(config: Mapping[str, Any]) -> tuple[int, int, int]:
    return (int(config["DB_KEEPALIVE_IDLE"]), int(config["DB_KEEPALIVE_INTERVAL"]),
            int(config["DB_KEEPALIVE_COUNT"]))


class Lease:
    """A claim on one run (``run_id``, ``attempt``) for as long as the job runs."""

    run_id: int
    attempt: int

    def start(self, attempt: int) -> None:
        self.attempt = attempt

    def still_ours(self) -> bool:
        raise NotImplementedError

    def note_progress(self, progress: str) -> None:
        raise NotImplementedError

    def release(self) -> None:
        raise NotImplementedError


class Liveness:
    """Per dialect: take a run (new, failed, or one whose owner is dead), tell whether
    another process's run is alive."""

    def take(self, run_id: int) -> Lease | None:
        """Claim ``run_id`` for this process, or None if a live process has it."""
        raise NotImplementedError

    def take_over(self, row: JobRun) -> Lease | None:
        """Claim a run another process marked running, if that process is dead."""
        raise NotImplementedError

    def is_alive(self, row: JobRun) -> bool:
        """Whether the process that marked ``row`` running is still running it."""
        raise NotImplementedError

    def describe(self, row: JobRun) -> str:
        return f"running in process {row.pid} on {row.host}"


# ---------------------------------------------------------------------------- PostgreSQL


class AdvisoryLease(Lease):
    def __init__(self, conn: Connection, run_id: int) -> None:
        self._conn: Connection | None = conn
        self.run_id = run_id
        self.attempt = 0
        self._mutex = threading.Lock()

    def still_ours(self) -> bool:
        with self._mutex:
            if self._conn is None:
                return False
            try:
                held = self._conn.scalar(text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2 "
                    "AND pid = pg_backend_pid() AND classid = :space AND objid = :id"),
                    {"space": RUN_LOCK_SPACE, "id": self.run_id})
            except SQLAlchemyError as exc:
                log.warning("job run %s: lost the connection that proves it is alive: %s", self.run_id, exc)
                self._close()
                return False
            return bool(held)

    def note_progress(self, progress: str) -> None:
        with self._mutex:
            if self._conn is None:
                return
            try:
                self._conn.execute(update(JobRun).where(JobRun.id == self.run_id, JobRun.attempts == self.attempt,
                                                        JobRun.status == "running").values(progress=progress[:100]))
            except SQLAlchemyError as exc:
                log.warning("job run %s: cannot record progress: %s", self.run_id, exc)

    def release(self) -> None:
        with self._mutex:
            self._close()

    def _close(self) -> None:
        # Closing the connection frees the lock (NullPool: the connection really closes).
        if self._conn is not None:
            try:
                self._conn.close()
            except SQLAlchemyError:
                pass
            self._conn = None


class PostgresLiveness(Liveness):
    def __init__(self, url: str, config: Mapping[str, Any]) -> None:
        # Connections of their own, never pooled: closing one frees its locks.
        self._engine: Engine = make_engine(url, keepalive=keepalive(config), poolclass=NullPool,
                                           isolation_level="AUTOCOMMIT")

    def take(self, run_id: int) -> Lease | None:
        conn = self._engine.connect()
        try:
            got = conn.scalar(text("SELECT pg_try_advisory_lock(:space, :id)"), {"space": RUN_LOCK_SPACE, "id": run_id})
        except BaseException:
            conn.close()
            raise
        if not got:
            conn.close()
            return None
        return AdvisoryLease(conn, run_id)

    def take_over(self, row: JobRun) -> Lease | None:
        return self.take(row.id)

    def is_alive(self, row: JobRun) -> bool:
        lease = self.take(row.id)
        if lease is None:
            return True
        lease.release()
        return False

    def dispose(self) -> None:
        self._engine.dispose()


# ---------------------------------------------------------------------------- SQLite


class HeartbeatLease(Lease):
    def __init__(self, engine: Engine, run_id: int, every: float) -> None:
        self._engine = engine
        self.run_id = run_id
        self.attempt = 0
        self._every = every
        self._stop = threading.Event()
        self._lost = threading.Event()
        self._progress: str | None = None
        self._thread: threading.Thread | None = None

    def start(self, attempt: int) -> None:
        self.attempt = attempt
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat-run-{self.run_id}", daemon=True)
        self._thread.start()

    def _beat(self) -> None:
        while not self._stop.wait(self._every):
            values: dict[str, Any] = {"heartbeat_at": clock.now()}
            if self._progress is not None:
                values["progress"] = self._progress[:100]
            try:
                with self._engine.begin() as conn:
                    done = conn.execute(update(JobRun).where(
                        JobRun.id == self.run_id, JobRun.attempts == self.attempt, JobRun.status == "running")
                        .values(**values)).rowcount
            except SQLAlchemyError as exc:  # busy for too long: try again at the next beat
                log.warning("job run %s: heartbeat not written: %s", self.run_id, exc)
                continue
            if done != 1 and not self._stop.is_set():
                log.error("job run %s: taken over by another process (its heartbeat was late)", self.run_id)
                self._lost.set()
                return

    def still_ours(self) -> bool:
        return not self._lost.is_set()

    def note_progress(self, progress: str) -> None:
        self._progress = progress

    def release(self) -> None:
        # The thread is not joined: it may be waiting for the database, and it writes
        # nothing once the run is no longer "running".
        self._stop.set()


class HeartbeatLiveness(Liveness):
    def __init__(self, url: str, config: Mapping[str, Any]) -> None:
        self._every = float(config["JOB_HEARTBEAT_SECONDS"])
        self._dead_after = dt.timedelta(seconds=float(config["JOB_DEAD_AFTER_SECONDS"]))
        # Its own engine: a heartbeat must never wait behind the job's own transaction in
        # the same pool, and gives up waiting for the write lock before the run looks dead.
        self._engine = make_engine(url)
        busy_ms = int(max(1.0, self._every) * 1000)

        @event.listens_for(self._engine, "connect")
        def _short_busy_timeout(dbapi_conn: Any, _record: Any) -> None:  # after tracker.db's pragmas
            dbapi_conn.execute(f"PRAGMA busy_timeout={busy_ms}")

    def take(self, run_id: int) -> Lease | None:
        return HeartbeatLease(self._engine, run_id, self._every)

    def take_over(self, row: JobRun) -> Lease | None:
        return None if self.is_alive(row) else self.take(row.id)

    def is_alive(self, row: JobRun) -> bool:
        beat = row.heartbeat_at or row.started_at
        return beat >= clock.now() - self._dead_after

    def describe(self, row: JobRun) -> str:
        return super().describe(row) + (f", last heartbeat {row.heartbeat_at:%H:%M:%S} UTC" if row.heartbeat_at else "")

    def dispose(self) -> None:
        self._engine.dispose()


_CACHE: dict[tuple[str, tuple[Any, ...]], Liveness] = {}
_CACHE_LOCK = threading.Lock()


def liveness_for(config: Mapping[str, Any]) -> Liveness:
    """The liveness of the configured database (one per process and settings)."""
    url = str(config["DATABASE_URL"])
    key = (url, (*keepalive(config), config["JOB_HEARTBEAT_SECONDS"], config["JOB_DEAD_AFTER_SECONDS"]))
    with _CACHE_LOCK:
        found = _CACHE.get(key)
        if found is None:
            found = PostgresLiveness(url, config) if url.startswith("postgresql") else HeartbeatLiveness(url, config)
            _CACHE[key] = found
        return found
