"""The acceptance run, through the real CLI on demo data with a local SMTP server:
``tracker jobs run scan --today D`` then ``tracker jobs run send-email`` delivers one
digest per worker with items due; repeating both sends nothing more."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.alerts.smtp import SmtpServer
from tests.jobs.conftest import Scratch

TRACKER = str(Path(sys.executable).parent / "tracker")
DAY = "2026-11-23"  # a Monday


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([TRACKER, *args], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


@pytest.mark.parametrize("scratch", ["sqlite"], indirect=True)  # the process tests cover PostgreSQL
def test_scan_then_send_email_on_demo_data_delivers_one_digest_per_worker_once(scratch: Scratch) -> None:
    smtp = SmtpServer()
    env = scratch.env(DEMO_PASSWORD="Demo-cedar-harbour-58", ARGON2_TIME_COST="1", ARGON2_MEMORY_COST="64",
                      MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp.port), BASE_URL="https://tracker.example.test")
    _cli(env, "demo", "--children", "40", "--seed", "3")
    smtp.start()
    try:
        out = _cli(env, "jobs", "run", "scan", "--today", DAY)
        assert out.startswith(f"scan {DAY}: ok"), out
        assert "sent" in _cli(env, "jobs", "run", "send-email")

        # Everyone who owns an open item that is overdue or due soon as of D, once each.
        expected = {email for (email,) in scratch.query(
            "SELECT DISTINCT u.email FROM tracked_items i JOIN users u ON u.id = i.owner_id "
            "WHERE i.is_open AND i.status IN ('overdue', 'due_soon') AND u.active")}
        digests = [m for m in smtp.inbox.received if m.subject.startswith("Your due dates")]
        assert len(expected) >= 3
        assert Counter(m.recipients[0] for m in digests) == Counter(expected)
        assert all(m.subject.endswith("Monday 23 November 2026") for m in digests)
        assert all("https://tracker.example.test/children/" in m.text for m in digests)
        delivered = len(smtp.inbox.received)
        assert delivered == scratch.query("SELECT count(*) FROM outbox_emails WHERE status = 'sent'")[0][0]

        assert _cli(env, "jobs", "run", "scan", "--today", DAY).strip() == f"scan {DAY}: skipped (already done)"
        _cli(env, "jobs", "run", "send-email")
        assert len(smtp.inbox.received) == delivered

        listing = _cli(env, "jobs", "list")
        assert f"Last run: {DAY} ok" in listing
    finally:
        smtp.stop()
