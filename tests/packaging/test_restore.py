"""Backups: a `pg_dump` of a live database, restored into an empty PostgreSQL with the
README's commands, serves the same caseload, and the app can go on writing to it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, table

from tests.packaging.conftest import clean_env
from tests.packaging.serving import REPO, Browser, Server, dockerfile_cmd, free_port
from tracker.db import make_engine

pytestmark = pytest.mark.skipif(not os.environ.get("TRACKER_TEST_DATABASE_URL"),
                                reason="backups are pg_dump: runs on the PostgreSQL run of make test")

BIN = Path(sys.executable).parent
DEMO_PASSWORD = "Restore-otter-lantern-31"
#: The README's backup and restore commands (DATABASE = a libpq URL).
DUMP = ["pg_dump", "--format=custom", "--file={file}", "{database}"]
RESTORE = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
           "--dbname={database}", "{file}"]


def _pg_bin() -> Path:
    """The client programs of the server's own version (as scripts/test.sh picks it)."""
    return sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))[-1]


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _run(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(list(args), capture_output=True, text=True, timeout=600, **kwargs)
    assert done.returncode == 0, f"{args[:3]} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    return done


def _row_counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            names = inspect(conn).get_table_names()
            return {n: conn.scalar(select(func.count()).select_from(table(n))) for n in names}
    finally:
        engine.dispose()


def _serve(url: str, workdir: Path, name: str) -> tuple[Server, Browser]:
    port = free_port()
    env = clean_env(PATH=f"{BIN}:/usr/bin:/bin", TRACKER_ENV_NAME="demo", TRACKER_DATABASE_URL=url,
                    TRACKER_INSTANCE_PATH=str(workdir / name), GUNICORN_CMD_ARGS=f"--bind=127.0.0.1:{port}",
                    WEB_CONCURRENCY="1")
    server = Server(dockerfile_cmd(), env, workdir, workdir / f"{name}.log")
    server.wait_for(f"http://127.0.0.1:{port}/healthz")
    browser = Browser(f"http://127.0.0.1:{port}")
    # The group manager of the demo's children in care: every child is in one of its teams.
    assert browser.sign_in("gm1@demo.invalid", DEMO_PASSWORD).status == 302
    return server, browser


def test_readme_documents_these_commands() -> None:
    readme = (REPO / "README.md").read_text()
    assert "pg_dump --format=custom" in readme
    assert "pg_restore --no-owner --no-privileges --exit-on-error --single-transaction" in readme


def test_a_restored_dump_serves_the_same_caseload(new_database, workdir: Path) -> None:
    live = new_database("live")
    env = clean_env(TRACKER_ENV_NAME="demo", TRACKER_DATABASE_URL=live,
                    TRACKER_INSTANCE_PATH=str(workdir / "cli"), TRACKER_DEMO_PASSWORD=DEMO_PASSWORD,
                    TRACKER_ARGON2_TIME_COST="1", TRACKER_ARGON2_MEMORY_COST="64")
    _run(str(BIN / "tracker"), "db", "upgrade", env=env, cwd=workdir)
    _run(str(BIN / "tracker"), "demo", "--children", "30", "--seed", "11", env=env, cwd=workdir)

    dump = workdir / "tracker.dump"
    pg = _pg_bin()
    fill = {"file": str(dump)}
    _run(str(pg / DUMP[0]), *(a.format(**fill, database=_libpq(live)) for a in DUMP[1:]))
    restored = new_database("restored")
    assert _row_counts(restored) == {}, "restored into an empty database"
    _run(str(pg / RESTORE[0]), *(a.format(**fill, database=_libpq(restored)) for a in RESTORE[1:]))

    counts = _row_counts(live)
    assert counts["children"] == 30
    assert _row_counts(restored) == counts

    servers = []
    try:
        live_server, live_browser = _serve(live, workdir, "live")
        servers.append(live_server)
        restored_server, restored_browser = _serve(restored, workdir, "restored")
        servers.append(restored_server)
        before = live_browser.get("/caseload.csv")
        after = restored_browser.get("/caseload.csv")
        assert before.status == after.status == 200
        assert len(after.body.strip().splitlines()) == 31  # a header and every child
        assert after.body == before.body
        assert restored_browser.get("/caseload").body.count("/children/") >= 25
        ready = restored_browser.get("/readyz")
        assert '"migrations":{"ok":true' in ready.body.replace(" ", "")
    finally:
        for server in servers:
            server.stop()

    # The restored sequences carry on after the restored rows: new records can be written.
    _run(str(BIN / "tracker"), "users", "create", "--email", "new@demo.invalid", "--name", "New Person",
         "--role", "social_worker", env={**env, "TRACKER_DATABASE_URL": restored,
                                         "TRACKER_NEW_USER_PASSWORD": "Saffron-beetle-anchor-72"}, cwd=workdir)
    assert _row_counts(restored)["users"] == counts["users"] + 1
