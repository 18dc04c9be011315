"""Configuration.

Layered, later wins:

1. :class:`DefaultConfig` (every key documented below);
2. ``instance/config.py`` (git-ignored; a deployment's own file);
3. environment variables ``TRACKER_<KEY>`` (e.g. ``TRACKER_DATABASE_URL``);
4. ``test_config`` passed to :func:`tracker.create_app`.

In production (the default ``ENV_NAME``) the app refuses to start without
``DATABASE_URL``, ``SECRET_KEY`` and ``BASE_URL``: a default secret would let anyone forge
session cookies, a default database would quietly serve an empty SQLite file, and a default
base URL would put links to 127.0.0.1 in emails. Demo and testing fill in defaults.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent
#: The repository root in a source checkout (or editable install).
PROJECT_ROOT = PACKAGE_DIR.parent


def resource_dir(name: str) -> Path:
    """``templates`` or ``migrations``: inside the package in a built wheel (``setup.py``
    maps them there), at the top of the repository in a source checkout (STYLE.md)."""
    inside = PACKAGE_DIR / name
    return inside if inside.is_dir() else PROJECT_ROOT / name


#: True when running from the repository rather than from an installed wheel.
SOURCE_CHECKOUT = not (PACKAGE_DIR / "templates").is_dir()

#: Demo and testing: where `make run` serves.
DEMO_BASE_URL = "http://127.0.0.1:5000"


class DefaultConfig:
    #: "production" (default), "demo" (``make run``) or "testing".
    ENV_NAME = "production"
    #: Flask session signing key. Required outside demo/testing.
    SECRET_KEY: str | None = None
    #: SQLAlchemy URL, e.g. ``postgresql+psycopg://tracker:…@db/tracker``. Required in
    #: production; demo and testing default to a SQLite file in the instance folder.
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
    #: Sessions are kept in the database (``user_sessions``): signing out, changing a
    #: password or disabling an account ends them everywhere. A session ends after
    #: SESSION_IDLE_MINUTES without a request, and SESSION_ABSOLUTE_HOURS after sign-in
    #: whatever happens (the cookie expires then too).
    SESSION_IDLE_MINUTES = 30
    SESSION_ABSOLUTE_HOURS = 10
    PERMANENT_SESSION_LIFETIME = 10 * 3600

    #: Sign-in throttle (kept in the database, so it holds across app servers): after
    #: SIGN_IN_FAILURES_ALLOWED failed sign-ins for one email address within
    #: SIGN_IN_WINDOW_SECONDS, the next attempt waits SIGN_IN_DELAY_SECONDS after the last
    #: failure, doubling with each further failure up to SIGN_IN_MAX_DELAY_SECONDS. The same
    #: for one client address after SIGN_IN_ADDRESS_FAILURES_ALLOWED failures (any emails).
    SIGN_IN_FAILURES_ALLOWED = 5
    SIGN_IN_ADDRESS_FAILURES_ALLOWED = 20
    SIGN_IN_WINDOW_SECONDS = 15 * 60
    SIGN_IN_DELAY_SECONDS = 30
    SIGN_IN_MAX_DELAY_SECONDS = 15 * 60

    #: Administrators manage users and settings; they read children's records only where
    #: the council's policy says so (then every record, read-only).
    ADMIN_READS_CHILDREN = False
    #: Every opening of a restricted child's record is recorded ("who viewed this record",
    #: on the child's audit history for managers); with this switch, every child's.
    LOG_ALL_CHILD_VIEWS = False

    #: Content-Security-Policy of every page (a fresh nonce is added to script-src for the
    #: GOV.UK template's one inline script). HSTS is sent on HTTPS requests.
    HSTS_SECONDS = 365 * 24 * 3600

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
    #: STARTTLS on a plain connection (usually port 587) …
    MAIL_USE_TLS = False
    #: … or TLS from the first byte, "SMTPS" (usually port 465). Either way the server's
    #: certificate and host name are checked; a server that offers no STARTTLS is refused.
    MAIL_USE_SSL = False
    #: A PEM file of the certificate authorities (or the self-signed certificate) to trust
    #: for the mail server, e.g. a council's private CA. Unset: the system's trusted CAs.
    MAIL_CA_FILE: str | None = None
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
    #: Administrators are emailed (once a day) when an email has waited this long in the
    #: outbox without being sent.
    MAIL_STUCK_AFTER_SECONDS = 3600

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
    #: still holds the single-instance lock and records its heartbeat.
    SCHEDULER_POLL_SECONDS = 5
    #: At takeover and this often, the active scheduler runs any daily job whose time has
    #: passed today and that has not succeeded today.
    JOB_CATCH_UP_EVERY_SECONDS = 3600
    #: SQLite: a running job writes a heartbeat this often, and a run whose heartbeat is
    #: older than JOB_DEAD_AFTER_SECONDS is taken to be dead (its process was killed), so
    #: a rerun or another scheduler takes it over. PostgreSQL needs neither: each run holds
    #: an advisory lock that the server frees the moment the process dies.
    JOB_HEARTBEAT_SECONDS = 10
    JOB_DEAD_AFTER_SECONDS = 45
    #: PostgreSQL: TCP keepalive on the scheduler's and jobs' connections (both ends), so a
    #: host that vanishes without closing its connections loses its locks within about
    #: IDLE + INTERVAL × COUNT seconds instead of the operating system's two hours.
    DB_KEEPALIVE_IDLE = 10
    DB_KEEPALIVE_INTERVAL = 5
    DB_KEEPALIVE_COUNT = 3
    #: Administrators are emailed when today's scan has not succeeded by this time
    #: (Europe/London, HH:MM). The check runs every HEALTH_CHECK_EVERY_SECONDS.
    SCAN_LATE_AT = "08:00"
    HEALTH_CHECK_EVERY_SECONDS = 600
    #: Job runs of jobs that run many times a day (send-email) are kept this long.
    JOB_RUN_KEEP_DAYS = 30
    #: Children recomputed per transaction by the scan.
    SCAN_BATCH_SIZE = 500

    #: The address people use to reach the service, with any path prefix it is served
    #: under (e.g. ``https://apps.council.gov.uk/tracker``): links in emails start with it.
    #: Required in production; demo and testing use DEMO_BASE_URL.
    BASE_URL: str | None = None

    #: Logs: one JSON object a line on standard error, each with the request id
    #: (``tracker.logs``). Tests leave logging to pytest.
    LOG_JSON = True
    LOG_LEVEL = "INFO"
    #: A request header holding an id the proxy in front already gave the request (e.g.
    #: ``X-Request-ID``): used as the request id when set and plain. Unset: the app makes one.
    REQUEST_ID_HEADER: str | None = None
    #: How many proxies (load balancer, reverse proxy) stand in front of the app and set
    #: X-Forwarded-For/-Proto/-Host/-Prefix. 0 (default) trusts none of these headers; with
    #: 1, the app sees the client's scheme, host and a path prefix as the proxy saw them.
    TRUSTED_PROXIES = 0
    #: ``/readyz`` reports not ready when the active scheduler's last heartbeat is older
    #: than this (it beats every SCHEDULER_POLL_SECONDS).
    READY_SCHEDULER_STALE_SECONDS = 60

    #: Name shown in the header.
    SERVICE_NAME = "Children in care tracker"
    #: Local authority name shown in the footer and exports.
    AUTHORITY_NAME = "Demo Borough Council"


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
