"""Benchmark: importing a large SSDA903 return in the background, and how long it keeps
other users from saving (SQLite: one writer at a time).

    .venv/bin/python bench/bench_import.py [--children 25000] [--demo 2500] [--reuse DIR]

Builds a demo authority of ``--demo`` children through the real CLI, exports its current
return and copies it (new child IDs for each copy) until it holds ``--children``
children, then imports that into an empty SQLite database with ``tracker import 903``
(the same code the ``import-903`` job runs) while another connection saves a small
change every 100 ms, as a user would. Reports the import's phases, the time the write
transaction held the database, and the longest any save had to wait. Not a test: run it
and report the figures.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


def _env(url: str, folder: Path) -> dict[str, str]:
    return {**os.environ, "TRACKER_ENV_NAME": "demo", "TRACKER_DATABASE_URL": url, "TRACKER_INSTANCE_PATH": str(folder),
            "TRACKER_DEMO_PASSWORD": "Bench-walnut-glacier-64", "TRACKER_ARGON2_TIME_COST": "1",
            "TRACKER_ARGON2_MEMORY_COST": "64"}


def _scale(source: Path, target: Path, copies: int) -> int:
    """Copy every file ``copies`` times over, each copy with its own child IDs."""
    target.mkdir(parents=True, exist_ok=True)
    children = 0
    for path in sorted(source.glob("*.csv")):
        rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(rows[0])
        for k in range(copies):
            for row in rows[1:]:
                w.writerow([f"C{k:03d}{row[0][1:]}", *row[1:]])
        (target / path.name).write_text(out.getvalue(), encoding="utf-8")
        if path.name == "header.csv":
            children = (len(rows) - 1) * copies
    return children


class Saver(threading.Thread):
    """A user saving a small change every 100 ms; records how long each save took."""

    def __init__(self, db_path: Path) -> None:
        super().__init__(daemon=True)
        self.db_path = db_path
        self.waits: list[float] = []
        self.failures = 0
        self.stop = threading.Event()

    def run(self) -> None:
        conn = sqlite3.connect(self.db_path, timeout=30, isolation_level=None)
        conn.execute("PRAGMA busy_timeout=30000")
        while not self.stop.is_set():
            t = time.perf_counter()
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("UPDATE settings SET key = key WHERE 1 = 0")
                conn.execute("COMMIT")
                self.waits.append(time.perf_counter() - t)
            except sqlite3.OperationalError:
                self.failures += 1
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.OperationalError:
                    pass
            time.sleep(0.1)
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=25_000)
    parser.add_argument("--demo", type=int, default=2_500)
    parser.add_argument("--reuse", type=Path, help="a folder from an earlier run (skips building the demo)")
    args = parser.parse_args()

    tmp = args.reuse or Path(tempfile.mkdtemp(prefix="tracker-import-"))
    tracker = str(Path(sys.executable).parent / "tracker")
    demo_env = _env(f"sqlite:///{tmp / 'demo.db'}", tmp)
    if not args.reuse:
        t = time.perf_counter()
        subprocess.run([tracker, "db", "upgrade"], env=demo_env, check=True, capture_output=True)
        subprocess.run([tracker, "demo", "--children", str(args.demo), "--seed", "11"], env=demo_env, check=True,
                       capture_output=True)
        subprocess.run([tracker, "export", "903", "--out", str(tmp / "return")], env=demo_env, check=True,
                       capture_output=True)
        print(f"demo of {args.demo} children built and exported in {time.perf_counter() - t:.0f} s")
    one = sum(1 for _ in (tmp / "return" / "header.csv").open()) - 1
    copies = max(1, round(args.children / one))
    children = _scale(tmp / "return", tmp / "big", copies)
    size = sum(p.stat().st_size for p in (tmp / "big").glob("*.csv"))
    print(f"return of {children} children ({copies} copies of {one}), {size / 1e6:.1f} MB of CSV")

    target = tmp / "target.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    env = _env(f"sqlite:///{target}", tmp)
    subprocess.run([tracker, "db", "upgrade"], env=env, check=True, capture_output=True)
    saver = Saver(target)
    saver.start()
    t = time.perf_counter()
    run = subprocess.run([tracker, "import", "903", str(tmp / "big")], env=env, capture_output=True, text=True)
    total = time.perf_counter() - t
    saver.stop.set()
    saver.join()
    if run.returncode != 0:
        print(run.stdout[-3000:], run.stderr[-3000:])
        raise SystemExit(run.returncode)
    done = re.search(r"Done: .*", run.stdout)
    print(done.group(0) if done else run.stdout[-500:])
    with sqlite3.connect(target) as db:
        result = db.execute("SELECT result FROM return_imports ORDER BY id DESC LIMIT 1").fetchone()[0]
        audits = db.execute("SELECT count(*) FROM audit_events").fetchone()[0]
        items = db.execute("SELECT count(*) FROM tracked_items").fetchone()[0]
    summary = json.loads(result)
    waiting = summary.get("recompute", {}).pop("waiting", {})
    print(f"import end to end: {total:.1f} s; result: {summary}; {len(waiting)} children wait for something")
    print(f"rows audited: {audits}; tracked items: {items}")
    waits = sorted(saver.waits)
    if waits:
        p95 = waits[int(len(waits) * 0.95) - 1] if len(waits) > 20 else waits[-1]
        print(f"another user's saves during the import: {len(waits)} saved, {saver.failures} failed; "
              f"median {waits[len(waits) // 2] * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
              f"longest wait {waits[-1]:.2f} s")


if __name__ == "__main__":
    main()
