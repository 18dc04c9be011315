"""Gunicorn's settings for an installed tracker (the container's command)::

    gunicorn --config python:tracker.gunicorn_conf

Listens on 0.0.0.0:$PORT (gunicorn's own rule when PORT is set; the image sets 8000).
Override any setting with GUNICORN_CMD_ARGS, e.g. ``--bind=127.0.0.1:8001``; WEB_CONCURRENCY
sets the number of workers. Serve under a path prefix with ``SCRIPT_NAME=/tracker``.

Every line gunicorn and the app write is JSON on standard error (``tracker.logs``); the
app writes the line for each request itself, with the request id, so gunicorn's own
access log is off.
"""

from __future__ import annotations

import os

wsgi_app = "tracker:create_app()"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Slow report pages and a large 903 upload fit well inside this; a stuck worker does not.
timeout = 120
graceful_timeout = 20
accesslog = None
errorlog = "-"
loglevel = "info"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "INFO", "handlers": ["tracker-json"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
        # Off: tracker.access has the same line with the request id.
        "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
    },
    # The name is the one tracker.logs.configure_logging looks for, so the app adds no second.
    "handlers": {"tracker-json": {"()": "tracker.logs.json_handler"}},
    "formatters": {},
}
