"""Benchmark: the SSDA903 export (issue 9 target: 10,000 children in under 30 s), and for
information the import of that return into an empty database.

    .venv/bin/python bench/bench_903.py [--children 10000] [--database-url URL] [--reuse DIR]

Builds a scratch demo authority through the real CLI (SQLite in a temp dir by default),
then times ``tracker export 903`` for the current collection year end to end (a new
process: start-up, loading every child's facts, building and writing the files), and the
export inside one process (facts and files only). Then imports the files into a second,
empty database and times that. Not a test: run it and report the figures.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _env(url: str, folder: Path) -> dict[str, str]:
    return {**os.environ, "TRACKER_ENV_NAME": "demo", "TRACKER_DATABASE_URL": url, "TRACKER_INSTANCE_PATH": str(folder),
            "TRACKER_DEMO_PASSWORD": "Bench-walnut-glacier-64", "TRACKER_ARGON2_TIME_COST": "1",
            "TRACKER_ARGON2_MEMORY_COST": "64"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--database-url")
    parser.add_argument("--reuse", type=Path, help="a folder from an earlier run (skips building the demo)")
    args = parser.parse_args()

    tmp = args.reuse or Path(tempfile.mkdtemp(prefix="tracker-903-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    env = _env(url, tmp)
    tracker = str(Path(sys.executable).parent / "tracker")
    t0 = time.perf_counter()
    if not args.reuse:
        subprocess.run([tracker, "db", "upgrade"], env=env, check=True, capture_output=True)
        subprocess.run([tracker, "demo", "--children", str(args.children), "--seed", "11"], env=env, check=True,
                       capture_output=True)
    build = time.perf_counter() - t0

    out = tmp / "return"
    t1 = time.perf_counter()
    subprocess.run([tracker, "export", "903", "--out", str(out)], env=env, check=True, capture_output=True)
    cli_s = time.perf_counter() - t1

    os.environ.update(env)
    from tracker import clock, create_app
    from tracker.codes import collection_year
    from tracker.extensions import db
    from tracker.returns.queries import get_return

    app = create_app()
    year = collection_year(clock.today())
    with app.app_context():
        t2 = time.perf_counter()
        data = get_return(db.session, year)
        files = data.files()
        inner_s = time.perf_counter() - t2
        children = data.count("Header")

    empty = tmp / "empty"
    empty.mkdir(exist_ok=True)
    env2 = _env(f"sqlite:///{empty / 'empty.db'}", empty)
    subprocess.run([tracker, "db", "upgrade"], env=env2, check=True, capture_output=True)
    t3 = time.perf_counter()
    subprocess.run([tracker, "import", "903", str(out)], env=env2, check=True, capture_output=True)
    import_s = time.perf_counter() - t3

    print(f"database              {url.split(':', 1)[0]}  ({tmp})")
    print(f"children in the demo  {args.children:,}; in the {year}–{(year + 1) % 100:02d} return {children:,}")
    print("rows                  " + ", ".join(f"{t.name} {data.count(t.name):,}" for t in data.tables
                                                if t.filename in files))
    print(f"build demo            {build:8.1f} s (not part of the target)")
    print(f"tracker export 903    {cli_s:8.1f} s  (new process, end to end; target < 30 s)")
    print(f"export in process     {inner_s:8.1f} s  (load facts, build and format the files)")
    print(f"tracker import 903    {import_s:8.1f} s  (into an empty database, with due dates; for information)")


if __name__ == "__main__":
    main()
