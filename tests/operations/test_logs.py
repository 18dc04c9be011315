"""Logs are JSON lines carrying the request id; the error page shows the same id."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tracker.logs import json_handler

ID = re.compile(r"[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{10}")


@pytest.fixture()
def captured() -> Iterator[io.StringIO]:
    """What the JSON handler writes, for the length of one test."""
    buf = io.StringIO()
    handler = json_handler(buf)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield buf
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def _lines(buf: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buf.getvalue().splitlines()]


def test_each_request_gets_its_own_short_id(client) -> None:
    ids = {client.get("/sign-in").headers["X-Request-ID"] for _ in range(5)}
    assert len(ids) == 5
    assert all(ID.fullmatch(i) for i in ids)


def test_a_request_writes_one_json_line_with_its_id_and_no_query_string(client, captured) -> None:
    resp = client.get("/sign-in?next=%2Fchildren%3Fq%3DSmith")
    rid = resp.headers["X-Request-ID"]
    lines = [line for line in _lines(captured) if line["logger"] == "tracker.access"]
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == rid
    assert (line["method"], line["path"], line["status"]) == ("GET", "/sign-in", 200)
    assert line["level"] == "INFO" and isinstance(line["duration_ms"], float) and "time" in line
    assert "Smith" not in captured.getvalue()


def test_lines_outside_a_request_have_a_null_id(captured) -> None:
    logging.getLogger("tracker.scheduler").warning("Standby: another scheduler is active")
    (line,) = _lines(captured)
    assert line["request_id"] is None
    assert line["message"] == "Standby: another scheduler is active"


def test_a_proxys_request_id_is_used_only_when_configured_and_plain(app: Flask, client,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    given = "3f2c9a1e-77d0-4c55-9a51-0d3c2b1e4f60"
    assert client.get("/sign-in", headers={"X-Request-ID": given}).headers["X-Request-ID"] != given
    monkeypatch.setitem(app.config, "REQUEST_ID_HEADER", "X-Request-ID")
    assert client.get("/sign-in", headers={"X-Request-ID": given}).headers["X-Request-ID"] == given
    for hostile in ("abc", "x" * 101, 'a"b c\\d', "line\u2028break-0000"):
        got = client.get("/sign-in", headers={"X-Request-ID": hostile}).headers["X-Request-ID"]
        assert ID.fullmatch(got), hostile


BOOM = """
import sys
from tracker import create_app, web
app = create_app({"ENV_NAME": "demo", "DATABASE_URL": sys.argv[1]})

@app.get("/boom")
def boom():
    raise ZeroDivisionError("kaboom")

web.PUBLIC_ENDPOINTS.add("boom")
r = app.test_client().get("/boom")
print("STATUS", r.status_code, r.headers["X-Request-ID"])
print("PAGE", r.get_data(as_text=True).replace("\\n", " "))
"""


def test_the_error_page_shows_the_id_that_the_traceback_is_logged_with(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env["TRACKER_INSTANCE_PATH"] = str(tmp_path)
    done = subprocess.run([sys.executable, "-c", BOOM, f"sqlite:///{tmp_path / 'x.db'}"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    out = dict(line.split(" ", 1) for line in done.stdout.splitlines())
    status, rid = out["STATUS"].split()
    assert status == "500"
    page = out["PAGE"]
    assert "Sorry, there is a problem with the service" in page
    assert re.search(rf'id="error-reference">{rid}<', page)
    logged = [json.loads(line) for line in done.stderr.splitlines()]  # every line is JSON
    errors = [line for line in logged if line["level"] == "ERROR"]
    assert len(errors) == 1
    assert errors[0]["request_id"] == rid
    assert "ZeroDivisionError: kaboom" in errors[0]["exc_info"]
    access = [line for line in logged if line["logger"] == "tracker.access"]
    assert [(a["path"], a["status"], a["request_id"]) for a in access] == [("/boom", 500, rid)]
