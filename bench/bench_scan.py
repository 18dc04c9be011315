"""Benchmark: the daily scan's selection of overdue and due-soon items on PostgreSQL.

    .venv/bin/python bench/bench_scan.py [--children 150000] [--items-per-child 33]
                                         [--database-url postgresql+psycopg://…] [--keep]

Target (issue 7): over 150,000 children (~5 million tracked items) the scan's selection
(``tracker.alerts.queries.select_alert_candidates`` through SQLAlchemy, every row
fetched) takes at most 1.5× a single hand-written SQL query selecting the same set
(raw psycopg, every row fetched), measured in one run on the same database. The pairs
are timed in alternating order with the garbage collector paused (as ``timeit`` does),
then again with it running; the plans and in-database times are printed too (the scan
itself never fetches these rows: it feeds the selection to ``INSERT … SELECT``).

Without ``--database-url`` it starts a throwaway PostgreSQL cluster (initdb as the
``postgres`` user, so run it as root or as postgres; see ../shared/ENVIRONMENT.md §2) and
removes it afterwards. The schema comes from the real migrations; the data is generated
directly in SQL with generate_series (seeded, so repeatable), not through the ORM:
150 teams in one service (a team manager each, one group manager), 6,000 workers, and for each child items due from four years ago to a year
ahead — 92% of the past ones done, the rest still open (overdue); future ones due soon
within 14 days or upcoming. It also times the steps that use the selection — raising
alerts, escalating, queueing digests — on the first day (everything is new) and again the
same day (nothing is). Not a test: run it and report the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

TODAY = dt.date(2026, 11, 23)
DUE_SOON_DAYS = 14
KINDS = ["review", "initial_health_assessment", "review_health_assessment", "dental_check", "sdq",
         "initial_pep", "pep", "permanence_plan", "pathway_plan_review", "pa_contact", "action"]

HAND_WRITTEN = """
    SELECT id, child_id, status, due_on, owner_id, team_id
    FROM tracked_items
    WHERE is_open AND due_on <= %(cutoff)s AND status IN ('overdue', 'due_soon')
"""


# ---------------------------------------------------------------------------- cluster


class Cluster:
    """A throwaway PostgreSQL cluster (ENVIRONMENT.md §2)."""

    def __init__(self) -> None:
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
        if not bins:
            sys.exit("PostgreSQL is not installed (apt-get install -y postgresql)")
        self.bin = bins[-1]
        self.data = Path(tempfile.mkdtemp(prefix="pgbench-scan."))
        shutil.chown(self.data, "postgres", "postgres")
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()

    def _pg(self, *args: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True, stdout=subprocess.DEVNULL)

    def start(self) -> str:
        self._pg(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                 "--locale=C.UTF-8")
        opts = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.data} -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c shared_buffers=1GB -c work_mem=64MB "
                "-c maintenance_work_mem=512MB -c max_wal_size=4GB")
        self._pg(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.data / "log"), "-w", "-t", "60",
                 "-o", opts, "start")
        self._pg(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "bench")
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/bench"

    def stop(self) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", str(self.bin / "pg_ctl"), "-D", str(self.data), "-m",
                        "immediate", "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.data, ignore_errors=True)


# ---------------------------------------------------------------------------- data


def generate(conn: Any, children: int, per_child: int) -> None:
    """Teams, workers, children and tracked items, straight into the migrated schema."""
    teams, workers = 150, max(150, children // 25)
    kinds = "ARRAY[" + ", ".join(f"'{k}'" for k in KINDS) + "]"
    steps = [
        ("seed", "SELECT setseed(0.42)"),
        ("services", "INSERT INTO services (id, name) VALUES (1, 'Bench service')"),
        ("teams", f"INSERT INTO teams (id, name, service_id) SELECT t, 'Team ' || t, 1 "
                  f"FROM generate_series(1, {teams}) t"),
        ("workers", f"INSERT INTO users (id, email, name, role, team_id, active, password_hash, created_at) "
                    f"SELECT u, 'w' || u || '@bench.invalid', 'Worker ' || u, 'social_worker', 1 + u % {teams}, "
                    f"true, 'x', now() FROM generate_series(1, {workers}) u"),
        ("managers", f"INSERT INTO users (id, email, name, role, team_id, active, password_hash, created_at) "
                     f"SELECT {workers} + t, 'tm' || t || '@bench.invalid', 'Manager ' || t, 'team_manager', t, "
                     f"true, 'x', now() FROM generate_series(1, {teams}) t"),
        ("group manager", f"INSERT INTO users (id, email, name, role, service_id, active, password_hash, created_at) "
                          f"VALUES ({workers + teams + 1}, 'gm@bench.invalid', 'Group Manager', 'group_manager', 1, "
                          f"true, 'x', now())"),
        ("children", f"INSERT INTO children (id, local_id, first_name, last_name, date_of_birth, sex, ethnicity, "
                     f"disability, uasc, allocated_worker_id, team_id, restricted, version) "
                     f"SELECT c, 'B' || lpad(c::text, 8, '0'), 'First', 'Last' || c, "
                     f"date '2008-09-01' + (c % 5000), '1', 'WBRI', false, false, w, 1 + w % {teams}, false, 1 "
                     f"FROM (SELECT c, 1 + c % {workers} AS w FROM generate_series(1, {children}) c) s"),
        ("tracked_items", f"""
            INSERT INTO tracked_items (child_id, key, kind, sequence, due_on, completed_on, status, is_open,
                                       explanation, owner_id, team_id, status_as_of)
            SELECT child_id, kind || '#' || n, kind, n, due_on,
                   CASE WHEN done THEN due_on - (r * 10)::int END,
                   CASE WHEN done THEN 'done_on_time'
                        WHEN due_on < date '{TODAY}' THEN 'overdue'
                        WHEN due_on - date '{TODAY}' <= {DUE_SOON_DAYS} THEN 'due_soon'
                        ELSE 'upcoming' END,
                   NOT done, 'Generated for the benchmark.', owner_id, team_id, date '{TODAY}'
            FROM (
                SELECT c.id AS child_id, s.n, ({kinds})[1 + s.n % {len(KINDS)}] AS kind,
                       date '{TODAY}' - 1460 + floor(random() * 1825)::int AS due_on, random() AS r,
                       c.allocated_worker_id AS owner_id, c.team_id
                FROM children c CROSS JOIN generate_series(1, {per_child}) s(n)
            ) g, LATERAL (SELECT g.due_on < date '{TODAY}' AND g.r < 0.92 AS done) d
        """),
        ("analyze", "ANALYZE"),
    ]
    for label, sql in steps:
        t = time.perf_counter()
        conn.execute(sql)
        conn.commit()
        print(f"  {label:<14} {time.perf_counter() - t:7.1f} s", flush=True)


# ---------------------------------------------------------------------------- timing


def timed(fn: Callable[[], int], *, collect: bool = True) -> tuple[float, int]:
    """Time one call. With ``collect=False`` the cyclic garbage collector is paused while
    it runs, as :mod:`timeit` does by default: building hundreds of thousands of row
    objects otherwise triggers full collections whose cost depends on everything else
    alive in the process, not on the query."""
    gc.collect()
    if not collect:
        gc.disable()
    try:
        t = time.perf_counter()
        n = fn()
        return time.perf_counter() - t, n
    finally:
        gc.enable()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=150_000)
    parser.add_argument("--items-per-child", type=int, default=33)
    parser.add_argument("--database-url", help="An empty PostgreSQL database (default: a throwaway cluster)")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--keep", action="store_true",
                        help="Keep the throwaway cluster, to run again with --database-url (data reused)")
    args = parser.parse_args()

    cluster = None
    url = args.database_url
    if not url:
        cluster = Cluster()
        url = cluster.start()
        print(f"Throwaway cluster: {url}")
    try:
        run(url, args)
    finally:
        if cluster and not args.keep:
            cluster.stop()
        elif cluster:
            print(f"Kept: {url} (data directory {cluster.data}; stop with pg_ctl -m immediate stop)")


def run(url: str, args: argparse.Namespace) -> None:
    import psycopg
    from alembic import command

    from tracker.migrate import alembic_config

    instance = Path(tempfile.mkdtemp(prefix="tracker-bench-scan-"))
    os.environ.update({"TRACKER_ENV_NAME": "testing", "TRACKER_DATABASE_URL": url,
                       "TRACKER_INSTANCE_PATH": str(instance)})
    plain_url = url.replace("postgresql+psycopg://", "postgresql://")

    t0 = time.perf_counter()
    command.upgrade(alembic_config(url), "head")
    print(f"Schema from the migrations: {time.perf_counter() - t0:.1f} s")
    with psycopg.connect(plain_url) as conn:
        if conn.execute("SELECT count(*) FROM children").fetchone()[0]:
            print("Reusing the data already in the database (--keep from an earlier run).")
            conn.execute("DELETE FROM outbox_emails")
            conn.execute("DELETE FROM alerts")
            conn.commit()
        else:
            print(f"Generating {args.children:,} children × {args.items_per_child} items in SQL:")
            generate(conn, args.children, args.items_per_child)
        items = conn.execute("SELECT count(*) FROM tracked_items").fetchone()[0]
        open_items = conn.execute("SELECT count(*) FROM tracked_items WHERE is_open").fetchone()[0]
        size = conn.execute("SELECT pg_size_pretty(pg_total_relation_size('tracked_items'))").fetchone()[0]
    print(f"  {items:,} tracked items ({open_items:,} open), table with indexes {size}")

    from tracker import clock, create_app
    from tracker.alerts import queries, services
    from tracker.extensions import db

    app = create_app()
    cutoff = TODAY + dt.timedelta(days=DUE_SOON_DAYS)
    raw = psycopg.connect(plain_url, autocommit=True)

    def hand_written() -> int:
        return len(raw.execute(HAND_WRITTEN, {"cutoff": cutoff}).fetchall())

    with app.app_context():
        session = db.session
        stmt = queries.select_alert_candidates(TODAY, DUE_SOON_DAYS)

        def app_selection() -> int:
            rows = queries.list_alert_candidates(session, TODAY, DUE_SOON_DAYS)
            session.rollback()
            return len(rows)

        compiled = str(stmt.compile(dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True}))
        print("\nThe scan's selection (SQLAlchemy):\n  " + " ".join(compiled.split()))
        plan = raw.execute("EXPLAIN (ANALYZE, BUFFERS) " + compiled).fetchall()
        print("  plan:\n" + "\n".join("    " + r[0] for r in plan))
        plan = raw.execute("EXPLAIN (ANALYZE, BUFFERS) " + HAND_WRITTEN, {"cutoff": cutoff}).fetchall()
        print("Hand-written query (psycopg):\n  " + " ".join(HAND_WRITTEN.split()))
        print("  plan:\n" + "\n".join("    " + r[0] for r in plan))

        # Warm both and check they select the same set; then time them in pairs, in
        # alternating order, so load from other processes falls on both alike.
        ids_app = {r.id for r in queries.list_alert_candidates(session, TODAY, DUE_SOON_DAYS)}
        session.rollback()
        ids_raw = {r[0] for r in raw.execute(HAND_WRITTEN, {"cutoff": cutoff})}
        assert ids_app == ids_raw, "the two queries select different rows"
        results = {}
        for collect in (False, True):
            app_times, raw_times = [], []
            for i in range(args.repeat):
                order = (app_selection, hand_written) if i % 2 == 0 else (hand_written, app_selection)
                for fn in order:
                    t, _ = timed(fn, collect=collect)
                    (app_times if fn is app_selection else raw_times).append(t)
            results[collect] = (app_times, raw_times)
        print(f"\nRows selected: {len(ids_app):,} (the same set both ways); {args.repeat} timed pairs each")
        print(f"  {'':<52}{'median':>9}{'min':>9}{'max':>9}")
        for collect, label in ((False, "garbage collector paused, as timeit does"),
                               (True, "garbage collector running")):
            app_times, raw_times = results[collect]
            print(f"  {label}:")
            for name, times in (("scan selection (SQLAlchemy Core, all rows fetched)", app_times),
                                ("hand-written SQL (psycopg, all rows fetched)", raw_times)):
                print(f"    {name:<50}{statistics.median(times) * 1000:>7.0f}ms{min(times) * 1000:>7.0f}ms"
                      f"{max(times) * 1000:>7.0f}ms")
            pair = statistics.median(x / y for x, y in zip(app_times, raw_times, strict=True))
            verdict = "PASS" if pair <= 1.5 else "FAIL"
            print(f"    ratio: median of paired ratios {pair:.2f}× (target ≤ 1.5×): {verdict}")
        server = []
        for sql, params in ((compiled, None), (HAND_WRITTEN, {"cutoff": cutoff})):
            plan = raw.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params).fetchone()[0][0]
            server.append(plan["Execution Time"])
        print(f"  in the database alone (EXPLAIN ANALYZE), as the scan runs it inside INSERT … SELECT: "
              f"{server[0]:.0f} ms vs {server[1]:.0f} ms ({server[0] / server[1]:.2f}×)")

        # The steps the selection feeds, at this scale: first day (everything is new) and
        # a second run the same day (nothing is).
        print("\nThe scan's other steps at this scale:")
        now = clock.now()
        steps = [
            ("raise due-soon/overdue alerts", lambda: services.raise_due_alerts(
                session, today=TODAY, due_soon_days=DUE_SOON_DAYS, now=clock.now()).alerts),
            ("escalate (alerts + manager emails)", lambda: services.raise_escalations(
                session, today=TODAY, team_manager_days=5, group_manager_days=15, now=clock.now(),
                base_url="https://tracker.example").alerts),
            ("queue digests (one per worker)", lambda: services.queue_digests(
                session, today=TODAY, due_soon_days=DUE_SOON_DAYS, now=now,
                base_url="https://tracker.example")["emails"]),
        ]
        for label, step in steps:
            first_t, first_n = timed(step)
            session.commit()
            again_t, again_n = timed(step)
            session.commit()
            print(f"  {label:<38} first {first_n:>8,} in {first_t:6.1f} s; again {again_n:>3} in {again_t:5.1f} s")
    raw.close()
    sys.stdout.flush()


if __name__ == "__main__":
    main()
