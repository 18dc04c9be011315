"""Served under a path prefix: every address in pages, stylesheets, scripts and emails
goes through url_for, a relative path or the configured base URL — none starts at the
host's root."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from flask import Flask

from tests.helpers import sign_in
from tracker.alerts.emails import child_link
from tracker.config import PACKAGE_DIR, resource_dir

PREFIX = "/tracker"
URL_ATTR = re.compile(r'(?:href|src|action|formaction)="(/[^"]*)"')


def test_every_page_a_manager_can_open_stays_under_the_prefix(app: Flask, client, factory) -> None:
    service = factory.service()
    team = factory.team(service=service)
    manager = factory.user(role="group_manager", service=service, team=team)
    child = factory.child(team=team)
    sign_in(client, manager)
    urls = [rule.rule for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"
            and not rule.rule.endswith((".csv", "z"))]
    urls += [f"/children/{child.id}", "/sign-in"]
    checked = 0
    for url in urls:
        resp = client.get(url, environ_overrides={"SCRIPT_NAME": PREFIX})
        if resp.status_code != 200 or not resp.mimetype == "text/html":
            continue
        found = URL_ATTR.findall(resp.get_data(as_text=True))
        outside = [u for u in found if not u.startswith(PREFIX + "/")]
        assert outside == [], (url, outside[:5])
        checked += len(found)
    assert checked > 200


def test_stylesheets_and_scripts_use_relative_addresses() -> None:
    static = PACKAGE_DIR / "static"
    for path in [*static.glob("*.css"), *static.glob("*.js"), static / "govuk" / "govuk-frontend.min.css"]:
        text = path.read_text()
        assert not re.search(r"url\(\s*['\"]?/", text), path
        assert not re.search(r"""(?:import|from)\s*\(?\s*['"]/""", text), path


def test_links_in_emails_lead_to_pages_that_exist_under_the_prefix(app: Flask) -> None:
    base = "https://apps.council.example" + PREFIX
    adapter = app.url_map.bind("apps.council.example", script_name=PREFIX, url_scheme="https")
    link = child_link(base + "/", 42)
    assert link.startswith(base + "/")
    assert adapter.match(link.removeprefix(base))[1] == {"child_id": 42}
    # Every "{{ base_url }}/…" in the email templates is a page of the app.
    paths = set()
    for template in (resource_dir("templates") / "emails").iterdir():
        paths.update(re.findall(r"\{\{ base_url \}\}(/[^\"\s<]*)", template.read_text()))
    for path in paths:
        adapter.match(path)


FORWARDED = """
import json, sys
from tracker import create_app
app = create_app({"ENV_NAME": "testing", "DATABASE_URL": sys.argv[1], "TRUSTED_PROXIES": 1})
r = app.test_client().get("/sign-in", headers={"X-Forwarded-Prefix": "/tracker", "X-Forwarded-Proto": "https"})
print(json.dumps([r.status_code, r.get_data(as_text=True)]))
"""


def test_a_proxys_forwarded_prefix_is_honoured_when_trusted(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env["TRACKER_INSTANCE_PATH"] = str(tmp_path)
    done = subprocess.run([sys.executable, "-c", FORWARDED, f"sqlite:///{tmp_path / 'x.db'}"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    status, page = json.loads(done.stdout.strip().splitlines()[-1])
    assert status == 200
    assert 'href="/tracker/static/govuk/govuk-frontend.min.css"' in page
    found = URL_ATTR.findall(page)
    assert len(found) >= 4 and all(u.startswith("/tracker/") for u in found), found
