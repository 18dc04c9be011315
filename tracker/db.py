"""Database plumbing: declarative base, naming convention, version column, SQLite pragmas.

We use plain SQLAlchemy 2 (no Flask-SQLAlchemy): a scoped session per app context is a
dozen lines, and owning it keeps the test isolation pattern (join the session into an
external transaction) and the scheduler process simple.
"""

from __future__ import annotations

import datetime as dt
import os
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import (
    DateTime,
    Integer,
    MetaData,
    TypeDecorator,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on both SQLite (which drops tzinfo) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored in a UTC column")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime()}


class Versioned:
    """Optimistic locking: every UPDATE checks and bumps ``version``.

    SQLAlchemy raises ``StaleDataError`` if a concurrent transaction got there first;
    forms also carry the version they were opened with, so a stale form becomes a
    "changed by someone else" message instead of a silent overwrite.
    """

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}


#: PostgreSQL TCP keepalive (idle, interval, count in seconds) unless the caller says.
KEEPALIVE = (10, 5, 3)


def keepalive_args(idle: int, interval: int, count: int) -> dict[str, Any]:
    """libpq settings so that both ends notice a vanished peer in about
    ``idle + interval × count`` seconds: the client's keepalive and TCP user timeout, and
    the same for the server's end (``options``), which is what frees a dead client's
    locks and transactions. The operating system's defaults take over two hours."""
    timeout_ms = (idle + interval * count) * 1000
    return {
        "keepalives": 1, "keepalives_idle": idle, "keepalives_interval": interval, "keepalives_count": count,
        "tcp_user_timeout": timeout_ms,
        "options": (f"-c tcp_keepalives_idle={idle} -c tcp_keepalives_interval={interval} "
                    f"-c tcp_keepalives_count={count} -c tcp_user_timeout={timeout_ms}"),
    }


def make_engine(url: str, echo: bool = False, *, keepalive: tuple[int, int, int] = KEEPALIVE,
                **engine_kwargs: Any) -> Engine:
    kwargs: dict[str, Any] = {"echo": echo, "future": True}
    if url.startswith("sqlite"):
        _create_private(url)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        kwargs["pool_pre_ping"] = True
        kwargs["connect_args"] = keepalive_args(*keepalive)
    kwargs.update(engine_kwargs)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _create_private(url: str) -> None:
    """Create a SQLite database file readable by its owner only (0600) before SQLite
    does (which would follow the umask, typically 0644: every local account could read
    every child's record). SQLite gives its -wal and -shm files the same mode."""
    path = make_url(url).database
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    target = Path(path)
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o600))


#: SQLite: whether transactions started now will write. A writing transaction takes the
#: write lock at BEGIN (``BEGIN IMMEDIATE``), so a concurrent writer makes it wait
#: (busy_timeout) instead of failing with "database is locked" when a transaction that
#: began by reading tries to write after another connection committed. Web requests set
#: it from the HTTP method (reads stay ``BEGIN``, so page views never queue behind each
#: other); jobs and commands keep the default.
SQLITE_WRITE_INTENT: ContextVar[bool] = ContextVar("sqlite_write_intent", default=True)


def _sqlite_begin(conn: Any) -> None:
    # With the driver's own transaction handling off (below), SQLAlchemy starts every
    # transaction itself, so SAVEPOINTs (``begin_nested``) nest inside a real BEGIN.
    conn.exec_driver_sql("BEGIN IMMEDIATE" if SQLITE_WRITE_INTENT.get() else "BEGIN")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # pysqlite delays BEGIN until the first write and commits on its own before DDL,
    # which breaks SAVEPOINT nesting; SQLAlchemy's documented remedy is to turn that off
    # and emit BEGIN ourselves (see _sqlite_begin).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()
