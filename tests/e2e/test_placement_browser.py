"""Changing and ending a placement in Debian's Chromium: the most common thing a social
worker records after a review (it used to answer HTTP 500)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in_as
from tests.e2e.test_casework_browser import _fill_date, _follow, _in_care_child, _today


def _placements(page) -> list[str]:
    rows = page.locator("h2:has-text('Placements') ~ table tbody tr")
    return [re.sub(r"\s+", " ", rows.nth(i).inner_text()) for i in range(rows.count())]


def test_a_placement_is_saved_unchanged_given_a_new_carer_and_ended(page) -> None:
    sign_in_as(page, "sw1@demo.invalid")
    _name, href = _in_care_child(page, "age=10-15", "age=5-9", "age=0-4")
    page.goto(href.rstrip("/") + "/care-history")
    current = page.locator("h2:has-text('Placements') ~ table tbody tr", has_text="Current").first
    started = current.locator("td").first.inner_text()

    _follow(current.get_by_role("link", name=re.compile("^Change")))
    expect(page.get_by_role("heading", name="Change or end a placement")).to_be_visible()
    _follow(page.get_by_role("button", name="Save placement"))  # unchanged
    assert "Placement saved" in page.locator(".govuk-notification-banner").inner_text()

    row = page.locator("h2:has-text('Placements') ~ table tbody tr", has_text=started).first
    _follow(row.get_by_role("link", name=re.compile("^Change")))
    page.get_by_label("Carer reference").fill("FC-E2E-7")
    _follow(page.get_by_role("button", name="Save placement"))
    assert "Placement saved" in page.locator(".govuk-notification-banner").inner_text()
    assert any(started in r and "Carer FC-E2E-7" in r for r in _placements(page))

    row = page.locator("h2:has-text('Placements') ~ table tbody tr", has_text=started).first
    _follow(row.get_by_role("link", name=re.compile("^Change")))
    _fill_date(page, "end_on", _today())
    page.get_by_label("Reason the placement ended").select_option("CARPL")
    _follow(page.get_by_role("button", name="Save placement"))
    banners = page.locator(".govuk-notification-banner").all_inner_texts()
    assert any("Placement saved" in b for b in banners)
    assert any("has had no placement since" in b for b in banners)  # the user is told
    ended = next(r for r in _placements(page) if started in r)
    assert f"{started} {_today():%d/%m/%Y}" in ended and "CARPL" in ended
    expect(page.locator("#no-current-placement")).to_be_visible()

    # Where the child lives now: the history is whole again.
    _follow(page.get_by_role("link", name="Record a placement"))
    _fill_date(page, "start_on", _today())
    page.get_by_label("Placement type").select_option("U6")
    page.get_by_label("Provider").select_option("PR1")
    _follow(page.get_by_role("button", name="Save placement"))
    assert "Placement recorded" in page.locator(".govuk-notification-banner").inner_text()
    expect(page.locator("#no-current-placement")).to_have_count(0)
    assert _placements(page)[0].startswith(f"{_today():%d/%m/%Y} Current")
