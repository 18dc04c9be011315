"""Failover across hosts on PostgreSQL, with real processes.

Two app servers and two schedulers, each a separate process with its own host name
(``unshare --uts``), share a scratch PostgreSQL database and a real SMTP server. The
active scheduler is killed with -9 in the middle of the day's scan; the standby takes
over, finishes the scan, the escalation and the digests, and every email that is due
reaches the SMTP server exactly once. Both app servers then show the administrator the
new active scheduler and today's scan done.

To be sure the kill lands mid-scan on any machine, the test holds a row lock on one
child further down the list, so the scan stops there with its first batches committed,
and lets go right after the kill.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.alerts.smtp import SmtpServer
from tests.jobs.conftest import Scratch
from tracker.clock import today
from tracker.db import make_engine
from tracker.tracking.calendars import is_working_day

BIN = Path(sys.executable).parent
DEMO_PASSWORD = "Multi-host-walrus-cloud-9"
BATCH = 10


def _free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Host:
    """A process on a host of its own: ``unshare --uts`` then ``hostname`` then exec, so
    the pid we hold is the tracker process itself."""

    def __init__(self, hostname: str, args: list[str], env: dict[str, str], log: Path) -> None:
        self.hostname = hostname
        self.log_path = log
        self._log = open(log, "w")
        script = f'hostname {hostname} && exec "$@"'
        self.proc = subprocess.Popen(["unshare", "--uts", "sh", "-c", script, "sh", str(BIN / "tracker"), *args],
                                     env=env, stdout=self._log, stderr=subprocess.STDOUT)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log(self) -> str:
        return self.log_path.read_text()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


def wait_for(check: Callable[[], object], what: str, hosts: list[Host], timeout: float = 60) -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {h.hostname} ({h.pid})\n{h.log()[-4000:]}" for h in hosts)
            raise AssertionError(f"timed out waiting for {what}\n{logs}")
        time.sleep(0.2)


def _admin_home(url: str) -> str:
    """Sign in as the demo administrator on one app server and read the home page."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    form = opener.open(url + "/sign-in", timeout=10).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)[1]  # type: ignore[index]
    data = urllib.parse.urlencode({"csrf_token": token, "email": "admin@demo.invalid",
                                   "password": DEMO_PASSWORD}).encode()
    with opener.open(url + "/sign-in", data=data, timeout=10) as resp:
        page = resp.read().decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def _serving(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/sign-in", timeout=2) as resp:
            return resp.status == 200
    except OSError:
        return False


@pytest.mark.parametrize("scratch", ["postgresql"], indirect=True)
def test_killing_the_active_scheduler_mid_scan_loses_nothing_and_doubles_nothing(scratch: Scratch,
                                                                                 tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root for unshare --uts (make test runs as root)")
    smtp = SmtpServer()
    smtp.start()
    env = scratch.env(
        DEMO_PASSWORD=DEMO_PASSWORD, ARGON2_TIME_COST="1", ARGON2_MEMORY_COST="64",
        MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp.port), BASE_URL="https://tracker.example.test",
        # Today's scan is due (since midnight) and the catch-up at takeover starts it; the
        # other daily jobs are not due yet, so the scan's own escalation and digest count.
        SCAN_AT="00:00:00", DIGEST_AT="23:59:59", SNAPSHOT_AT="23:59:59", SCAN_LATE_AT="23:59",
        SCAN_BATCH_SIZE=str(BATCH), EMAIL_EVERY_SECONDS="1", SCHEDULER_POLL_SECONDS="1",
        SESSION_COOKIE_SECURE="false", REMEMBER_COOKIE_SECURE="false")
    demo = subprocess.run([str(BIN / "tracker"), "demo", "--children", "200", "--seed", "17"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert demo.returncode == 0, demo.stderr
    hosts: list[Host] = []
    ports = [_free_port(), _free_port()]
    for name, port in zip(("web-a", "web-b"), ports, strict=True):
        hosts.append(Host(name, ["run", "--host", "127.0.0.1", "--port", str(port), "--no-reload", "--no-debugger",
                                 "--with-threads"], env, tmp_path / f"{name}.log"))

    engine = make_engine(scratch.url)
    holder = engine.connect()
    try:
        # Yesterday's figures on every child (the scan rewrites them batch by batch), and
        # a lock on a child in the fifth batch, so the scan stops there.
        with engine.begin() as conn:
            conn.execute(text("UPDATE children SET next_due_on = NULL, open_overdue = 0, open_due_soon = 0"))
            ids = [r[0] for r in conn.execute(text(
                "SELECT c.id FROM children c WHERE EXISTS (SELECT 1 FROM tracked_items i WHERE i.child_id = c.id "
                "AND i.is_open) ORDER BY c.id"))]
            all_ids = [r[0] for r in conn.execute(text("SELECT id FROM children ORDER BY id"))]
        victim = next(i for i in ids if all_ids.index(i) >= 4 * BATCH)
        holder.begin()
        holder.execute(text("SELECT id FROM children WHERE id = :id FOR UPDATE"), {"id": victim})
        me = holder.scalar(text("SELECT pg_backend_pid()"))

        first = Host("scheduler-a", ["scheduler"], env, tmp_path / "scheduler-a.log")
        hosts.append(first)
        # (Asked on another connection: inside a transaction pg_stat_activity stays as first read.)
        wait_for(lambda: scratch.query(
            "SELECT count(*) FROM pg_stat_activity WHERE :me = ANY(pg_blocking_pids(pid))", me=me)[0][0],
            "the scan to reach the locked child", hosts)
        [(status, host, progress, attempts)] = scratch.query(
            "SELECT status, host, progress, attempts FROM job_runs WHERE job = 'scan'")
        assert (status, host, attempts) == ("running", "scheduler-a", 1)
        done_before_kill = int(progress.split(" of ")[0])
        assert 0 < done_before_kill < len(all_ids), progress  # mid-scan: some batches committed, not all

        second = Host("scheduler-b", ["scheduler"], env, tmp_path / "scheduler-b.log")
        hosts.append(second)
        wait_for(lambda: scratch.query("SELECT 1 FROM scheduler_heartbeats WHERE host = 'scheduler-b' "
                                       "AND state = 'standby'"), "the second scheduler to wait as standby", hosts)
        assert scratch.query("SELECT pid FROM scheduler_heartbeats WHERE host = 'scheduler-a' AND state = 'active'") \
            == [(first.pid,)]

        first.proc.kill()  # SIGKILL: no clean-up of any kind
        first.proc.wait()
        holder.rollback()  # the row lock goes; the killed scan's transaction dies with its client

        day = today()
        jobs = ["scan", "escalate", "digest"] if is_working_day(day) else ["scan", "escalate"]

        def finished() -> bool:
            runs = dict(scratch.query("SELECT job, status FROM job_runs WHERE slot = :d", d=day.isoformat()))
            return all(runs.get(j) == "ok" for j in jobs)

        wait_for(finished, "the standby to finish the day's jobs", hosts)
        [(status, host, attempts)] = scratch.query("SELECT status, host, attempts FROM job_runs WHERE job = 'scan'")
        assert (status, host, attempts) == ("ok", "scheduler-b", 2)  # taken over, not started afresh
        assert set(scratch.query("SELECT host FROM job_runs WHERE job IN ('escalate', 'digest')")) == {("scheduler-b",)}
        if not is_working_day(day):
            assert scratch.query("SELECT 1 FROM job_runs WHERE job = 'digest'") == []

        [(queued,)] = scratch.query("SELECT count(*) FROM outbox_emails")
        assert queued > 0
        wait_for(lambda: scratch.query("SELECT count(*) FROM outbox_emails WHERE status = 'sent'") == [(queued,)],
                 "every email to be sent", hosts)
        # One more send-email run after the last mail went: nothing more to send.
        [(last_sent,)] = scratch.query("SELECT max(sent_at) FROM outbox_emails")
        wait_for(lambda: scratch.query("SELECT 1 FROM job_runs WHERE job = 'send-email' AND status = 'ok' "
                                       "AND started_at > :t", t=last_sent), "another send-email run", hosts)

        received = smtp.inbox.received
        ids_sent = [m.message["Message-ID"] for m in received]
        stored = {r[0] for r in scratch.query("SELECT message_id FROM outbox_emails")}
        assert len(received) == queued and Counter(ids_sent) == Counter(stored)  # each once, none missing
        digests = Counter(m.recipients[0] for m in received if m.subject.startswith("Your due dates"))
        owners = {email for (email,) in scratch.query(
            "SELECT DISTINCT u.email FROM tracked_items i JOIN users u ON u.id = i.owner_id "
            "WHERE i.is_open AND i.status IN ('overdue', 'due_soon') AND u.active AND u.email IS NOT NULL")}
        if is_working_day(day):
            assert len(owners) >= 3 and digests == Counter(owners)
        else:
            assert digests == Counter()
        escalations = [m for m in received if m.subject.startswith("Escalated to you")]
        assert escalations and len({m.recipients[0] for m in escalations}) == len(escalations)
        # The killed scheduler's half-done batch was rolled back, the rest recomputed:
        # every child's figures are today's again.
        assert scratch.query("SELECT count(*) FROM children WHERE next_due_on IS NULL AND EXISTS (SELECT 1 FROM "
                             "tracked_items i WHERE i.child_id = children.id AND i.is_open)") == [(0,)]

        # Either app server, on either host, tells the administrator the same.
        for port in ports:
            url = f"http://127.0.0.1:{port}"
            wait_for(lambda u=url: _serving(u), f"the app server on port {port}", hosts)
            page = _admin_home(url)
            assert "Running on scheduler-b (process" in page, page[:3000]
            assert "Standby" not in page and "Today's scan Done" in page and "(attempt 2)" in page
            assert "Something needs attention" not in page
    finally:
        holder.close()
        engine.dispose()
        for h in hosts:
            h.stop()
        smtp.stop()
