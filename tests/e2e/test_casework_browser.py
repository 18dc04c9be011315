"""Casework in Debian's Chromium against the real server and demo data.

The demo loader guarantees that sw1 has at least one child whose statutory review is
overdue (tracker/casework_demo.py); tm1 manages sw1's team.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in_as

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def _today() -> dt.date:
    # The server and the test share the machine's clock (Europe/London dates).
    from tracker import clock

    return clock.today()


def _follow(locator) -> None:
    """Click a link or button and wait for the page it leads to."""
    with locator.page.expect_navigation():
        locator.click()


def _fill_date(page, field: str, d: dt.date) -> None:
    page.locator(f"#{field}-day").fill(str(d.day))
    page.locator(f"#{field}-month").fill(str(d.month))
    page.locator(f"#{field}-year").fill(str(d.year))


def _child_links(page, url: str) -> list[tuple[str, str]]:
    page.goto(url)
    links = page.locator("#caseload tbody tr td:first-child a")
    return [(links.nth(i).inner_text(), links.nth(i).get_attribute("href")) for i in range(links.count())]


def _first_with_overdue_review(page, children: list[tuple[str, str]]) -> str:
    for name, href in children:
        page.goto(href.rstrip("/") + "/due-dates")
        if page.locator('tr[data-kind="review"][data-status="overdue"]').count():
            return name
    pytest.fail("sw1 has no child with an overdue review")


def _in_care_child(page, *filters: str) -> tuple[str, str]:
    """A child of the signed-in worker who is looked after now (legal status shown)."""
    for query in filters:
        page.goto("/caseload?" + query)
        rows = page.locator("#caseload tbody tr")
        for i in range(rows.count()):
            row = rows.nth(i)
            if "Not looked after" not in row.locator("td").nth(2).inner_text():
                link = row.locator("td:first-child a")
                return link.inner_text(), link.get_attribute("href")
    pytest.fail(f"no child in care for {filters}")


def test_social_worker_records_an_overdue_review_and_sees_the_next_one(page) -> None:
    sign_in_as(page, "sw1@demo.invalid")
    _follow(page.get_by_role("link", name="Caseload", exact=True))
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    page.get_by_label("Due dates").select_option("overdue")
    _follow(page.get_by_role("button", name="Apply filters"))
    assert "status=overdue" in page.url
    name = _first_with_overdue_review(page, _child_links(page, page.url))
    # Open the child from the caseload like a worker would.
    page.goto("/caseload?status=overdue")
    _follow(page.get_by_role("link", name=name).first)
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    age = int(re.search(r"\(age (\d+)\)", page.locator(".govuk-caption-l").first.inner_text()).group(1))
    _follow(page.get_by_role("link", name="Due dates", exact=True))
    overdue = page.locator('tr[data-kind="review"][data-status="overdue"]')
    sequence = int(re.search(r"Statutory review (\d+)", overdue.inner_text()).group(1))

    _follow(page.get_by_role("link", name="Record a review"))
    expect(page.get_by_role("heading", name="Record a review")).to_be_visible()
    _fill_date(page, "held_on", _today())
    page.get_by_label("How the child took part").select_option("PN0" if age < 4 else "PN1")
    _follow(page.get_by_role("button", name="Save review"))

    assert page.locator(".govuk-notification-banner").inner_text().count("Review recorded") == 1
    done = page.locator(f'tr[data-kind="review"]:has-text("Statutory review {sequence} ")')
    assert done.first.get_attribute("data-status") == "done_late"
    nxt = page.locator(f'tr[data-kind="review"]:has-text("Statutory review {sequence + 1} ")')
    assert nxt.count() == 1
    assert nxt.get_attribute("data-status") == "upcoming"
    months = 3 if sequence == 1 else 6
    explanation = nxt.locator(".tracker-explanation").inner_text()
    assert f"{months} months" in explanation and _today().isoformat() in explanation


def test_team_manager_filters_the_team_caseload_by_worker_and_status(page) -> None:
    sign_in_as(page, "tm1@demo.invalid")
    _follow(page.get_by_role("link", name="Caseload", exact=True))
    expect(page.get_by_role("heading", name="Caseload: Children in Care East")).to_be_visible()
    everyone = page.locator("#caseload tbody tr").count()
    worker = page.get_by_label("Worker")
    sw1_name = next(o for o in worker.locator("option").all_inner_texts() if o not in ("All workers", "Not allocated"))
    worker.select_option(label=sw1_name)
    page.get_by_label("Due dates").select_option("overdue")
    _follow(page.get_by_role("button", name="Apply filters"))
    assert "worker=" in page.url and "status=overdue" in page.url
    rows = page.locator("#caseload tbody tr")
    assert 0 < rows.count() <= everyone
    for i in range(rows.count()):
        assert rows.nth(i).locator("td").nth(3).inner_text() == sw1_name
        assert int(rows.nth(i).get_attribute("data-overdue")) > 0
    assert "match these filters" in page.locator("#caseload-summary").inner_text()
    _follow(page.get_by_role("link", name="Clear filters"))
    assert page.locator("#caseload tbody tr").count() == everyone


def test_a_validation_error_is_shown_next_to_the_field_and_corrected(page) -> None:
    sign_in_as(page, "sw1@demo.invalid")
    name, href = _in_care_child(page, "age=10-15", "age=5-9")
    page.goto(href)
    _follow(page.get_by_role("link", name="Health", exact=True))
    _follow(page.get_by_role("link", name="Record an SDQ score"))
    _fill_date(page, "completed_on", _today())
    page.get_by_label("SDQ total difficulties score").fill("55")
    _follow(page.get_by_role("button", name="Save SDQ score"))
    assert page.title().startswith("Error:")
    summary = page.locator(".govuk-error-summary")
    message = "SDQ total score must be a whole number from 0 to 40"
    assert message in summary.inner_text()
    assert page.locator("#score-error").inner_text().endswith(message)
    assert page.get_by_label("SDQ total difficulties score").input_value() == "55"  # the input is kept
    summary.get_by_role("link", name=message).click()
    assert page.evaluate("document.activeElement.id") == "score"
    page.get_by_label("SDQ total difficulties score").fill("15")
    _follow(page.get_by_role("button", name="Save SDQ score"))
    assert "SDQ score recorded" in page.locator(".govuk-notification-banner").inner_text()
    _follow(page.get_by_role("link", name="Health", exact=True))
    assert f"{_today():%d/%m/%Y} 15 Borderline" in re.sub(r"\s+", " ", page.locator("#sdq-scores").inner_text())


def test_a_form_can_be_completed_with_the_keyboard_alone(page) -> None:
    sign_in_as(page, "sw1@demo.invalid")
    _, href = _in_care_child(page, "age=0-4", "age=5-9", "age=10-15", "age=16-17")
    page.goto(href.rstrip("/") + "/health/dental/new")
    day = _today()
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "checked_on-day":
            break
    else:
        pytest.fail("Tab never reached the day field")
    page.keyboard.type(str(day.day))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "checked_on-month"
    page.keyboard.type(str(day.month))
    page.keyboard.press("Tab")
    page.keyboard.type(str(day.year))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Save dental check"
    page.keyboard.press("Enter")
    page.wait_for_url("**/due-dates")
    assert "Dental check recorded" in page.locator(".govuk-notification-banner").inner_text()


def _serious_violations(page) -> list[str]:
    # The test's own script is not one of the page's: the page's Content-Security-Policy
    # refuses inline scripts without its nonce, so axe is evaluated through the browser's
    # developer protocol, as a browser extension would run it.
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text() + "\n;true")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_main_pages_have_no_serious_accessibility_violations(page) -> None:
    if not AXE.exists():
        pytest.fail("axe-core is not installed (make test installs it from the npm registry)")
    found: dict[str, list[str]] = {}
    page.goto("/sign-in")
    found["sign in"] = _serious_violations(page)
    sign_in_as(page, "sw1@demo.invalid")
    _, href = _in_care_child(page, "age=5-9", "age=10-15", "age=0-4")
    for label, url in (("caseload", "/caseload"), ("child overview", href),
                       ("due dates", href.rstrip("/") + "/due-dates"),
                       ("review form", href.rstrip("/") + "/reviews/new")):
        page.goto(url)
        found[label] = _serious_violations(page)
    # A form showing errors, too.
    _follow(page.get_by_role("button", name="Save review"))
    assert page.title().startswith("Error:")
    found["review form with errors"] = _serious_violations(page)
    assert {k: v for k, v in found.items() if v} == {}
