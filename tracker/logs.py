"""Logs: one JSON object per line on standard error, each carrying the request id.

Every request gets an id (``g.request_id``) when it starts. It is written on every log
line the request causes (``"request_id"``; ``null`` for lines from outside a request, such
as the scheduler's), sent back in the ``X-Request-ID`` response header, and shown on the
"problem with the service" page as the reference a user gives the service desk — one id
to find the traceback and everything else that request did.

Behind a proxy that already gives each request an id, set ``REQUEST_ID_HEADER`` (e.g.
``X-Request-ID``) and the app uses the proxy's id, when it is a plain token, instead of
making its own, so the proxy's and the app's logs line up.

The web servers (gunicorn, see ``tracker.gunicorn_conf``), the scheduler and the other
commands all log through :func:`configure_logging`. Nothing personal is logged: a
request's line has its method, path (ids, never the query string, which may hold a
searched name), status and duration.
"""

from __future__ import annotations

import logging
import re
import secrets
import sys
import time
from typing import IO, Any

from flask import Flask, Response, current_app, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

#: Letters and digits that cannot be misread over the phone (no 0/O, 1/I/L).
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
#: 10 characters of 31: about 50 bits, unique enough to find one request among years of logs.
_LENGTH = 10
#: An id taken from a proxy's header must be a plain token (no spaces or control characters).
_PLAIN_ID = re.compile(r"[A-Za-z0-9._:-]{6,100}")

#: Marks the handler we install, so configuring twice (gunicorn, then the app) adds one.
_HANDLER_NAME = "tracker-json"

access_log = logging.getLogger("tracker.access")


def new_request_id() -> str:
    """A short reference, e.g. ``K7QX3M9TBD``."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(_LENGTH))


def current_request_id() -> str | None:
    """The id of the request being handled (``None`` outside a request)."""
    if not has_request_context():
        return None
    return g.get("request_id")


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every record (``None`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


def json_formatter() -> logging.Formatter:
    return JsonFormatter(
        "{asctime}{levelname}{name}{message}{request_id}{process}",
        style="{",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger", "process": "pid"},
        timestamp=False,
        datefmt="%Y-%m-%dT%H:%M:%S%z",
    )


def json_handler(stream: IO[str] | None = None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(json_formatter())
    handler.addFilter(RequestIdFilter())
    return handler


def configure_logging(level: str | int = "INFO", stream: IO[str] | None = None) -> None:
    """Send every logger's lines, as JSON, to standard error (once per process)."""
    root = logging.getLogger()
    if not any(h.get_name() == _HANDLER_NAME for h in root.handlers):
        root.addHandler(json_handler(stream))
    root.setLevel(level)
    # APScheduler logs every execution at INFO; the job runner logs what matters.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def init_app(app: Flask) -> None:
    """Request ids and one access line per request; JSON logs outside tests."""
    if app.config["LOG_JSON"] and not app.testing:  # pytest captures logs its own way
        configure_logging(app.config["LOG_LEVEL"])
        # Flask adds its own plain-text handler to the app's logger when nothing above it
        # handles errors; ours on the root logger does.
        from flask.logging import default_handler

        app.logger.removeHandler(default_handler)

    @app.before_request
    def _start() -> None:
        header = current_app.config.get("REQUEST_ID_HEADER")
        given = request.headers.get(header, "") if header else ""
        g.request_id = given if _PLAIN_ID.fullmatch(given) else new_request_id()
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(resp: Response) -> Response:
        rid = g.get("request_id")
        if rid:
            resp.headers["X-Request-ID"] = rid
            started = g.get("request_started", time.perf_counter())
            fields = _access_fields(resp, started)
            access_log.info("%s %s %s", fields["method"], fields["path"], fields["status"], extra=fields)
        return resp


def _access_fields(resp: Response, started: float) -> dict[str, Any]:
    # The full path, with any prefix the app is served under (SCRIPT_NAME).
    return {"method": request.method, "path": request.script_root + request.path, "status": resp.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1)}
