"""Benchmark: the tracking meeting pack for a group manager (issue 8 target: < 1 s with
1,000 children), and a check that every count equals its drill-down's rows.

    .venv/bin/python bench/bench_pack.py [--children 1000]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=1000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tracker-pack-"))
    env = {**os.environ, "TRACKER_ENV_NAME": "demo", "TRACKER_DATABASE_URL": f"sqlite:///{tmp / 'b.db'}",
           "TRACKER_INSTANCE_PATH": str(tmp), "TRACKER_DEMO_PASSWORD": "Bench-walnut-glacier-64",
           "TRACKER_ARGON2_TIME_COST": "1", "TRACKER_ARGON2_MEMORY_COST": "64"}
    tracker = str(Path(sys.executable).parent / "tracker")
    subprocess.run([tracker, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([tracker, "demo", "--children", str(args.children), "--seed", "5"], env=env, check=True,
                   capture_output=True)
    os.environ.update(env)
    from tracker import create_app

    app = create_app()
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/sign-in", data={"csrf_token": token, "email": "gm1@demo.invalid", "password": "Bench-walnut-glacier-64"},
                headers={"Referer": "http://localhost/"})
    times = []
    for _ in range(10):
        t = time.perf_counter()
        resp = client.get("/meetings/pack")
        times.append(time.perf_counter() - t)
        assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    mismatches = checked = 0
    for metric, row in re.findall(r'data-metric="([^"]+)">(.*?)</tr>', html, re.S):
        for team, value in re.findall(r'team=([^&"]+)&amp;week=[^"]*">(\d+)<', row):
            listing = client.get(f"/meetings/pack/list?metric={metric}&team={team}").get_data(as_text=True)
            rows = max(0, listing.count('<tr class="govuk-table__row">') - 1)
            checked += 1
            mismatches += rows != int(value)
    print(f"children            {args.children:,}")
    print(f"pack render         median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms "
          "(target < 1000 ms)")
    print(f"counts checked      {checked}, differing from their drill-down: {mismatches}")


if __name__ == "__main__":
    main()
