"""The app served under /tracker/ (gunicorn with SCRIPT_NAME, as behind a council's
proxy): a social worker signs in, moves around, gets a form wrong and right, and signs
out, and every request the browser makes — pages, stylesheets, scripts, images, form
posts, redirects — stays under /tracker/ and succeeds."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import BIN, DEMO_PASSWORD, _free_port
from tests.packaging.serving import Server, dockerfile_cmd

PREFIX = "/tracker"


@pytest.fixture(scope="module")
def prefixed(live_server: str, server_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The e2e database (migrated, demo data), served by the image's command under a prefix."""
    port = _free_port()
    env = {**server_env, "PATH": f"{BIN}:/usr/bin:/bin", "SCRIPT_NAME": PREFIX,
           "GUNICORN_CMD_ARGS": f"--bind=127.0.0.1:{port}", "WEB_CONCURRENCY": "1"}
    work = tmp_path_factory.mktemp("prefixed")
    server = Server(dockerfile_cmd(), env, work, work / "gunicorn.log")
    root = f"http://127.0.0.1:{port}"
    server.wait_for(f"{root}{PREFIX}/healthz")
    yield root
    server.stop()


def test_a_social_worker_works_under_the_prefix(browser, prefixed: str) -> None:
    context = browser.new_context()
    context.set_default_timeout(10_000)
    page = context.new_page()
    requests: list[str] = []
    failures: list[tuple[int, str]] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("response", lambda r: r.status >= 400 and failures.append((r.status, r.url)))
    base = prefixed + PREFIX

    page.goto(base + "/")  # not signed in: sent to the sign-in page under the prefix
    assert page.url.startswith(base + "/sign-in")
    button = "getComputedStyle(document.querySelector('button[type=submit].govuk-button')).backgroundColor"
    assert page.evaluate(button) in ("rgb(0, 112, 60)", "rgb(15, 122, 82)")  # GOV.UK's stylesheet loaded
    page.get_by_label("Email address").fill("sw1@demo.invalid")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert page.url == base + "/"

    with page.expect_navigation():
        page.get_by_role("link", name="Caseload", exact=True).click()
    assert page.url.startswith(base + "/caseload")
    child = page.locator("#caseload tbody tr td:first-child a").first
    assert child.get_attribute("href").startswith(PREFIX + "/children/")
    with page.expect_navigation():
        child.click()
    with page.expect_navigation():
        page.get_by_role("link", name="Health", exact=True).click()
    with page.expect_navigation():
        page.get_by_role("link", name="Record an SDQ score").click()

    from tracker import clock

    today = clock.today()  # Europe/London, as the server dates things
    for part, value in (("day", today.day), ("month", today.month), ("year", today.year)):
        page.locator(f"#completed_on-{part}").fill(str(value))
    page.get_by_label("SDQ total difficulties score").fill("41")
    with page.expect_navigation():
        page.get_by_role("button", name="Save SDQ score").click()
    assert page.url.startswith(base + "/children/")
    assert "must be a whole number from 0 to 40" in page.locator("#score-error").inner_text()
    # GOV.UK Frontend's script ran (imported by init.js through a relative path): it moves
    # focus to the error summary.
    page.wait_for_function("document.activeElement.classList.contains('govuk-error-summary')")
    # Corrected. Other browser tests may have recorded this child's SDQ today already (one
    # a day), so go back a day at a time until the app takes it.
    for days_ago in range(5):
        when = today - dt.timedelta(days=days_ago)
        for part, value in (("day", when.day), ("month", when.month), ("year", when.year)):
            page.locator(f"#completed_on-{part}").fill(str(value))
        page.get_by_label("SDQ total difficulties score").fill("12")
        with page.expect_navigation():
            page.get_by_role("button", name="Save SDQ score").click()
        summary = page.locator(".govuk-error-summary")
        if summary.count() == 0:
            break
        assert "already recorded" in summary.inner_text(), summary.inner_text()
    assert "SDQ score recorded" in page.locator(".govuk-notification-banner").inner_text()
    assert page.url.startswith(base + "/children/")

    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    assert page.url.startswith(base + "/sign-in")
    context.close()

    outside = [u for u in requests if not u.startswith(base + "/")]
    assert outside == []
    assert failures == []
    assert any(re.search(r"/tracker/static/govuk/govuk-frontend\.min\.js$", u) for u in requests)
    assert any(u.endswith("/tracker/static/init.js") for u in requests)


def test_the_prefixed_server_logs_the_full_path(prefixed: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    import json
    import urllib.request

    with urllib.request.urlopen(prefixed + PREFIX + "/healthz", timeout=5) as resp:
        rid = resp.headers["X-Request-ID"]
    logs = sorted(Path(tmp_path_factory.getbasetemp()).glob("prefixed*/gunicorn.log"))
    lines = [json.loads(line) for line in logs[-1].read_text().splitlines()]
    mine = [line for line in lines if line.get("request_id") == rid]
    assert [(m["path"], m["status"]) for m in mine] == [(PREFIX + "/healthz", 200)]
