"""The SSDA903 pages in Debian's Chromium against the real server and demo data: a social
worker records, corrects and deletes a social worker episode and a deprivation of
liberty order (one bad input each), and an administrator uploads a return whose import
runs in the background and whose page shows the result after a reload."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in_as, tracker_cli
from tests.e2e.test_casework_browser import (
    _fill_date,
    _follow,
    _in_care_child,
    _serious_violations,
    _today,
)

SAMPLE = Path(__file__).resolve().parents[1] / "returns" / "sample"
#: Screenshots for a person to look at, when asked for (not kept by the suite).
SHOTS = os.environ.get("TRACKER_E2E_SCREENSHOTS")


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_a_social_worker_records_corrects_and_deletes_return_details(page) -> None:
    sign_in_as(page, "sw1@demo.invalid")
    _, href = _in_care_child(page, "age=10-15", "age=5-9", "age=16-17")
    page.goto(href.rstrip("/") + "/ssda903")
    expect(page.get_by_role("heading", name="Social workers (SWEpisodes)")).to_be_visible()
    rows = page.locator("#social-worker-episodes tbody tr")
    before = rows.count()
    current = [rows.first.locator("td").nth(i).inner_text() for i in range(3)] if before else []
    _follow(page.get_by_role("link", name="Record a social worker"))
    # A bad ID and no reason: the messages are next to the fields and nothing is saved.
    page.get_by_label("Social worker's ID (903 SW_ID)").fill("Jane Smith")
    _fill_date(page, "start_on", _today() - dt.timedelta(days=3))
    _follow(page.get_by_role("button", name="Save"))
    assert page.title().startswith("Error:")
    expect(page.locator("#worker_ref-error")).to_contain_text("Social Work England registration number")
    expect(page.locator("#reason-error")).to_contain_text("Select why this social worker took over")
    _shot(page, "sw-form-errors")
    assert _serious_violations(page) == []
    page.get_by_label("Social worker's ID (903 SW_ID)").fill("SW654321")
    page.get_by_label("Why this social worker took over (903 SW_REASON)").select_option("MANAGE")
    _follow(page.get_by_role("button", name="Save"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Social worker recorded")
    rows = page.locator("#social-worker-episodes tbody tr")
    expect(rows).to_have_count(before + 1)
    expect(rows.first).to_contain_text("SW654321")
    expect(rows.first).to_contain_text("Still the social worker")
    _shot(page, "ssda903-tab")
    # Correct it, then delete it.
    _follow(rows.first.get_by_role("link", name="Correct"))
    page.get_by_label("Social worker's ID (903 SW_ID)").fill("SW654322")
    _follow(page.get_by_role("button", name="Save"))
    expect(page.locator("#social-worker-episodes tbody tr").first).to_contain_text("SW654322")
    _follow(page.locator("#social-worker-episodes tbody tr").first.get_by_role("link", name="Delete"))
    expect(page.get_by_role("heading", name="Delete this social worker episode?")).to_be_visible()
    _follow(page.get_by_role("button", name="Delete"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Social worker episode deleted")
    # The episode it ended is as it was.
    if before:
        first = page.locator("#social-worker-episodes tbody tr").first
        assert [first.locator("td").nth(i).inner_text() for i in range(3)] == current

    # A deprivation of liberty order: a date in the future is refused, then recorded,
    # corrected and deleted.
    _follow(page.get_by_role("link", name="Record a deprivation of liberty order"))
    _fill_date(page, "start_on", _today() + dt.timedelta(days=10))
    _follow(page.get_by_role("button", name="Save"))
    expect(page.locator("#start_on-error")).to_contain_text("must be today or in the past")
    _fill_date(page, "start_on", _today() - dt.timedelta(days=2))
    _follow(page.get_by_role("button", name="Save"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Deprivation of liberty order recorded")
    order = page.locator("#deprivation-of-liberty-orders tbody tr").first
    expect(order).to_contain_text("Still in force")
    _follow(order.get_by_role("link", name="Correct"))
    _fill_date(page, "end_on", _today())
    _follow(page.get_by_role("button", name="Save"))
    expect(page.locator("#deprivation-of-liberty-orders tbody tr").first).to_contain_text(
        _today().strftime("%d/%m/%Y"))
    _follow(page.locator("#deprivation-of-liberty-orders tbody tr").first.get_by_role("link", name="Delete"))
    _follow(page.get_by_role("button", name="Delete"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Deprivation of liberty order deleted")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(href.rstrip("/") + "/ssda903")
    _shot(page, "ssda903-tab-390")


def test_an_administrator_uploads_a_return_and_follows_its_import(page, server_env) -> None:
    if not SAMPLE.exists():
        pytest.fail("the sample return is missing")
    sign_in_as(page, "admin@demo.invalid")
    page.goto("/returns/import")
    # Nothing selected: a message next to the field.
    _follow(page.get_by_role("button", name="Check and import"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the CSV files of the return")
    page.get_by_label("CSV files of the return").set_input_files([str(p) for p in sorted(SAMPLE.glob("*.csv"))])
    _follow(page.get_by_role("button", name="Check and import"))
    expect(page.get_by_role("heading", name="Import of an SSDA903 return")).to_be_visible()
    expect(page.locator("#import-progress")).to_contain_text("Waiting to start")
    _shot(page, "import-queued")
    url = page.url
    # The scheduler's job does the work (here started by hand, as `tracker jobs run` does).
    tracker_cli(server_env, "jobs", "run", "import-903")
    page.goto(url)  # a reload shows where it got to
    expect(page.locator(".govuk-panel")).to_contain_text("6 children added")
    expect(page.locator("#import-summary")).to_contain_text("Children in the return6")
    _shot(page, "import-done")
    assert _serious_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    _shot(page, "import-done-390")
    page.goto("/returns/import")
    expect(page.locator("#imports")).to_contain_text("Imported")
