"""Configuration.

Layered, later wins:

1. :class:`DefaultConfig` (every key documented below);
2. ``instance/config.py`` (git-ignored; a deployment's own file);
3. environment variables ``TRACKER_<KEY>`` (e.g. ``TRACKER_DATABASE_URL``);
4. ``test_config`` passed to :func:`tracker.create_app`.

Outside demo and testing a missing ``SECRET_KEY`` stops the app at start-up: a default
secret in production would let anyone forge session cookies.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class DefaultConfig:
    #: "production" (default), "demo" (``make run``) or "testing".
    ENV_NAME = "production"
    #: Flask session signing key. Required outside demo/testing.
    SECRET_KEY: str | None = None
    #: SQLAlchemy URL. Default: SQLite file in the instance folder (filled in at start-up).
    DATABASE_URL: str | None = None
    #: Log SQL statements.
    SQL_ECHO = False

    #: Session cookies: never readable from JS, sent only over HTTPS (loopback counts as
    #: secure in browsers), not sent on cross-site POSTs.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = True
    #: Sign-in lasts a working day.
    PERMANENT_SESSION_LIFETIME = 8 * 3600

    #: CSRF tokens on every form (Flask-WTF CSRFProtect); time limit in seconds.
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = 8 * 3600

    #: Password hashing (argon2id). Tests lower the cost.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536

    #: Rows per page in lists.
    PAGE_SIZE = 25

    #: Largest upload (e.g. the CSV files of an SSDA903 return), in megabytes. A larger
    #: request gets the "too large" page (HTTP 413). Flask's MAX_CONTENT_LENGTH, if set,
    #: wins; MAX_FORM_MEMORY_SIZE (Flask's 500 kB default) still limits form text fields.
    MAX_UPLOAD_MB = 20

    #: Outgoing email (SMTP). No MAIL_SERVER → mail stays in the outbox (demo).
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "tracker@council.invalid"
    #: Seconds to wait for the mail server before giving up on this run.
    MAIL_TIMEOUT = 30
    #: An email the server refuses is retried with a growing delay (MAIL_RETRY_SECONDS,
    #: doubled at each attempt, at most MAIL_RETRY_MAX_SECONDS) and marked failed — shown
    #: on the admin page — after MAIL_MAX_ATTEMPTS. A server that cannot be reached at all
    #: uses up no attempts: the mail waits in the outbox until it is back.
    MAIL_MAX_ATTEMPTS = 8
    MAIL_RETRY_SECONDS = 60
    MAIL_RETRY_MAX_SECONDS = 3600
    #: Emails sent per run of the send-email job.
    MAIL_BATCH_SIZE = 200
    #: An email claimed for sending this long ago by a sender that never finished is
    #: marked failed ("may or may not have been delivered") rather than sent again.
    MAIL_CLAIM_TIMEOUT_SECONDS = 600

    #: Scheduler (``tracker scheduler``, its own process). Times are Europe/London,
    #: "HH:MM" or "HH:MM:SS". The scan refreshes every child's statuses, raises alerts,
    #: escalates and queues the day's digests; DIGEST_AT is the latest time the digests
    #: are queued if the scan has not managed it by then.
    SCAN_AT = "06:30"
    DIGEST_AT = "07:30"
    #: The weekly snapshot of the tracking-meeting counts (Mondays, after the scan).
    SNAPSHOT_AT = "07:00"
    #: How often the outbox is sent.
    EMAIL_EVERY_SECONDS = 60
    #: Run the scan once when the scheduler starts (it does nothing if today's has run).
    SCAN_ON_START = True
    #: A scheduled run that could not start on time (the scheduler was down) still runs,
    #: once, if it is at most this late; later than that it waits for its next time.
    MISFIRE_GRACE_SECONDS = 6 * 3600
    #: How often a standby scheduler tries to take over, and the active one checks it
    #: still holds the single-instance lock.
    SCHEDULER_POLL_SECONDS = 5
    #: A job run still marked running after this long (or whose process has died) is
    #: treated as interrupted, and the job may run again for that day.
    JOB_STALE_AFTER_SECONDS = 3 * 3600
    #: Job runs of jobs that run many times a day (send-email) are kept this long.
    JOB_RUN_KEEP_DAYS = 30
    #: Children recomputed per transaction by the scan.
    SCAN_BATCH_SIZE = 500

    #: Base URL used in emails for links back into the service.
    BASE_URL = "http://127.0.0.1:5000"

    #: Name shown in the header.
    SERVICE_NAME = "Children in care tracker"
    #: Local authority name shown in the footer and exports.
    AUTHORITY_NAME = "Demo Borough Council"
    #: Local authority 903 code (used in exports).
    AUTHORITY_CODE = "999"


_BOOL = {"1": True, "true": True, "yes": True, "on": True,
         "0": False, "false": False, "no": False, "off": False}


def _coerce(current: Any, raw: str) -> Any:
    """Turn an environment string into the type of the default value."""
    if isinstance(current, bool):
        try:
            return _BOOL[raw.strip().lower()]
        except KeyError:
            raise ValueError(f"expected a yes/no value, got {raw!r}") from None
    if isinstance(current, int):
        return int(raw)
    return raw


def env_overrides(environ: os._Environ[str] | dict[str, str], defaults: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, raw in environ.items():
        if not name.startswith("TRACKER_"):
            continue
        key = name.removeprefix("TRACKER_")
        if key == "ENV":  # alias
            key = "ENV_NAME"
        if key in defaults:
            try:
                out[key] = _coerce(defaults[key], raw)
            except ValueError as exc:
                raise RuntimeError(f"{name}: {exc}") from None
    return out
