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

    #: Outgoing email (SMTP). No MAIL_SERVER → mail stays in the outbox (demo).
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "tracker@council.invalid"

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
