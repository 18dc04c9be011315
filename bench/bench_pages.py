"""Benchmark: page latency for the caseload and the child page under concurrent users.

    .venv/bin/python bench/bench_pages.py [--children 10000] [--requests 2000] [--users 20]

Builds a scratch demo authority through the real CLI (SQLite in a temp dir by default,
``tracker demo --children N``), serves it with gunicorn (2 workers x 8 threads, as
``make run`` does), signs in ``--users`` demo users at the same moment (one thread each,
plain ``http.client`` with its own cookie handling, the CSRF token taken from the sign-in
page and a Referer header like a browser), then has them share about ``--requests``
requests between ``/caseload`` (random pages, sometimes filtered) and
``/children/<id>`` (children from their own caseload). Prints p50/p95/max per page.
Not a test: run it and report the figures.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "Bench-walnut-glacier-64"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CHILD_RE = re.compile(r'href="/children/(\d+)"')
TOTAL_RE = re.compile(r"(\d[\d,]*) child(?:ren)?\b")
FILTERS = [{}, {}, {"status": "overdue"}, {"status": "due_soon"}, {"age": "10-15"}, {"care_leaver": "yes"},
           {"legal_status": "C2"}]


def _free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Browser:
    """One user's connection: keeps the session cookie and sends a Referer, like a browser."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str, float]:
        headers = {"Referer": f"http://127.0.0.1:{self.port}/", "User-Agent": "tracker-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                t0 = time.perf_counter()
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
                elapsed = time.perf_counter() - t0
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt == 2:
                    raise
        for header in resp.headers.get_all("Set-Cookie") or []:
            # The app's cookies are Secure; this client keeps them on plain http to localhost
            # (as browsers do for localhost).
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return resp.status, data.decode("utf-8", "replace"), elapsed

    def sign_in(self, email: str) -> tuple[float, int]:
        """Sign in; returns the time taken and how many attempts failed first.

        On SQLite, simultaneous sign-ins (each writes an audit row after reading the user)
        can fail with "database is locked" (a read transaction cannot be upgraded once
        another connection has written); the bench retries and reports how often.
        """
        failed = 0
        while True:
            status, page, t1 = self.request("GET", "/sign-in")
            token = CSRF_RE.search(page)
            if status != 200 or not token:
                raise RuntimeError(f"sign-in page: {status}")
            status, _, t2 = self.request("POST", "/sign-in", {"csrf_token": token.group(1), "email": email,
                                                               "password": PASSWORD})
            if status == 302:
                return t1 + t2, failed
            failed += 1
            if failed >= 5:
                raise RuntimeError(f"sign-in for {email} failed {failed} times (last status {status})")
            time.sleep(0.05 * failed)


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * len(values) + 0.5) - 1))
    return values[k]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--database-url")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--think", type=float, default=0.0, metavar="SECONDS",
                        help="mean pause between one user's requests (exponential, like a person reading a "
                             "page); 0 = every user requests continuously, a throughput stress test")
    parser.add_argument("--reuse", metavar="DIR", help="reuse the SQLite database a previous run left in DIR "
                        "(skips building the demo; --children is then only a label)")
    args = parser.parse_args()

    tmp = Path(args.reuse) if args.reuse else Path(tempfile.mkdtemp(prefix="tracker-bench-pages-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update({"TRACKER_ENV_NAME": "demo", "TRACKER_DATABASE_URL": url, "TRACKER_INSTANCE_PATH": str(tmp),
                "TRACKER_DEMO_PASSWORD": PASSWORD, "TRACKER_ARGON2_TIME_COST": "1",
                "TRACKER_ARGON2_MEMORY_COST": "64"})
    tracker = str(BIN / "tracker")
    t0 = time.perf_counter()
    if not args.reuse:
        print(f"Building {args.children:,} demo children in {tmp} …", flush=True)
        subprocess.run([tracker, "db", "upgrade"], env=env, check=True, capture_output=True)
        subprocess.run([tracker, "demo", "--children", str(args.children), "--seed", str(args.seed)], env=env,
                       check=True, capture_output=True)
    build_s = time.perf_counter() - t0

    port = _free_port()
    log = open(tmp / "gunicorn.log", "w")
    server = subprocess.Popen([str(BIN / "gunicorn"), "-w", str(args.workers), "--threads", str(args.threads),
                               "-b", f"127.0.0.1:{port}", "--timeout", "120", "tracker:create_app()"],
                              env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for(port, server, tmp)
        results = _run(port, args)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
    _report(results, args, url, build_s)


def _wait_for(port: int, server: subprocess.Popen[bytes], tmp: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited: " + (tmp / "gunicorn.log").read_text()[-2000:])
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/sign-in")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


def _users(n: int) -> list[str]:
    """Mostly social workers, plus every team manager and the group manager."""
    managers = ["tm1@demo.invalid", "tm2@demo.invalid", "tm3@demo.invalid", "gm1@demo.invalid"]
    workers = [f"sw{i}@demo.invalid" for i in range(1, max(1, n - len(managers)) + 1)]
    return (workers + managers)[:n]


def _run(port: int, args: argparse.Namespace) -> dict[str, object]:
    users = _users(args.users)
    per_user = max(2, args.requests // len(users))
    barrier = threading.Barrier(len(users))
    lock = threading.Lock()
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    sign_ins: list[float] = []
    sign_in_retries: list[int] = []
    failures: list[str] = []

    def user(email: str, seed: int) -> None:
        rng = random.Random(seed)
        browser = Browser(port)
        role = "manager" if email.startswith(("tm", "gm")) else "worker"
        try:
            barrier.wait()
            took, retried = browser.sign_in(email)
            status, page, _ = browser.request("GET", "/caseload")
            ids = [int(x) for x in CHILD_RE.findall(page)]
            m = TOTAL_RE.search(page.split('id="caseload-summary"', 1)[-1])
            pages = max(1, -(-int(m.group(1).replace(",", "")) // 25)) if m else 1
            with lock:
                sign_ins.append(took)
                sign_in_retries.append(retried)
            for n in range(per_user):
                if n % 2 == 0 or not ids:
                    params = dict(rng.choice(FILTERS))
                    if not params:
                        params["page"] = str(rng.randint(1, pages))
                    path, key = "/caseload?" + urlencode(params), f"/caseload ({role}s)"
                else:
                    path, key = f"/children/{rng.choice(ids)}", "/children/<id>"
                if args.think:
                    time.sleep(rng.expovariate(1 / args.think))
                status, _, elapsed = browser.request("GET", path)
                with lock:
                    latencies[key].append(elapsed)
                    if status != 200:
                        errors[key] += 1
        except Exception as exc:  # Report every failure, keep the others running
            with lock:
                failures.append(f"{email}: {exc!r}")

    threads = [threading.Thread(target=user, args=(email, i), daemon=True) for i, email in enumerate(users)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {"latencies": latencies, "errors": errors, "sign_ins": sign_ins, "failures": failures, "wall": wall,
            "users": users, "sign_in_retries": sum(sign_in_retries)}


def _report(results: dict[str, object], args: argparse.Namespace, url: str, build_s: float) -> None:
    latencies: dict[str, list[float]] = results["latencies"]  # type: ignore[assignment]
    errors: dict[str, int] = results["errors"]  # type: ignore[assignment]
    sign_ins: list[float] = results["sign_ins"]  # type: ignore[assignment]
    total = sum(len(v) for v in latencies.values())
    print()
    print(f"database        {url.split(':', 1)[0]}   children {args.children:,}   build {build_s:.0f} s")
    print(f"server          gunicorn -w {args.workers} --threads {args.threads}")
    think = f"mean {args.think:.1f} s between one user's requests" if args.think else "none (continuous)"
    print(f"think time      {think}")
    print(f"users           {len(results['users'])} signed in at once "  # type: ignore[arg-type]
          f"(sign-in p50 {statistics.median(sign_ins) * 1000:.0f} ms, max {max(sign_ins) * 1000:.0f} ms, "
          f"{results['sign_in_retries']} retried after a 500)"
          if sign_ins else "users           none signed in")
    print(f"requests        {total:,} in {results['wall']:.1f} s "
          f"({total / results['wall']:.0f} requests/s)")  # type: ignore[operator]
    print()
    print(f"{'page':<24}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    all_caseload = [x for k, v in latencies.items() if k.startswith("/caseload") for x in v]
    rows = sorted(latencies.items()) + [("/caseload (all)", all_caseload)]
    for key, values in rows:
        err = sum(v for k, v in errors.items() if k.startswith("/caseload")) if key == "/caseload (all)" else errors[key]
        print(f"{key:<24}{len(values):>9}{err:>8}{_pct(values, 50) * 1000:>9.0f}{_pct(values, 95) * 1000:>9.0f}"
              f"{max(values) * 1000 if values else float('nan'):>9.0f}")
    for failure in results["failures"]:  # type: ignore[attr-defined]
        print("FAILED", failure)


if __name__ == "__main__":
    main()
