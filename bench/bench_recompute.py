"""Benchmark: recompute every child's tracked items (issue 4 target: 10,000 children < 60 s).

    .venv/bin/python bench/bench_recompute.py [--children 10000] [--database-url URL]

Builds a scratch demo authority through the real CLI (SQLite in a temp dir by default),
deletes every tracked item, then times (1) a full recompute that inserts them all and
(2) a second recompute on unchanged data (which must write nothing). Prints a table.
Not a test: run it and report the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--database-url")
    parser.add_argument("--today", default=None)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    env = {**os.environ, "TRACKER_ENV_NAME": "demo", "TRACKER_DATABASE_URL": url,
           "TRACKER_INSTANCE_PATH": str(tmp), "TRACKER_DEMO_PASSWORD": "Bench-walnut-glacier-64",
           "TRACKER_ARGON2_TIME_COST": "1", "TRACKER_ARGON2_MEMORY_COST": "64"}
    tracker = str(Path(sys.executable).parent / "tracker")
    t0 = time.perf_counter()
    subprocess.run([tracker, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([tracker, "demo", "--children", str(args.children), "--seed", "11"], env=env, check=True,
                   capture_output=True)
    build = time.perf_counter() - t0

    os.environ.update(env)
    from sqlalchemy import delete, func, select

    from tracker import clock, create_app
    from tracker.extensions import db
    from tracker.tracking.models import TrackedItem
    from tracker.tracking.services import all_child_ids, recompute_children

    app = create_app()
    today = dt.date.fromisoformat(args.today) if args.today else clock.today()
    with app.app_context():
        s = db.session
        s.execute(delete(TrackedItem))
        s.commit()
        ids = all_child_ids(s)
        t1 = time.perf_counter()
        full = recompute_children(s, ids, today=today)
        s.commit()
        full_s = time.perf_counter() - t1
        items = s.scalar(select(func.count()).select_from(TrackedItem))
        t2 = time.perf_counter()
        again = recompute_children(s, ids, today=today)
        s.commit()
        again_s = time.perf_counter() - t2

    print(f"database            {url.split(':', 1)[0]}")
    print(f"children            {len(ids):,}")
    print(f"tracked items       {items:,}")
    print(f"build demo          {build:8.1f} s (not part of the target)")
    print(f"full recompute      {full_s:8.1f} s  ({full.inserted:,} inserted; target < 60 s)")
    print(f"unchanged recompute {again_s:8.1f} s  ({again.changed} rows changed; must be 0)")
    print(f"calendar errors     {len(full.errors)}")


if __name__ == "__main__":
    main()
