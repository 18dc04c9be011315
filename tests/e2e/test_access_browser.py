"""Need-to-know access in the browser, as each role: a team manager allocates and
restricts (with wrong choices refused next to the field), a social worker cannot, the
virtual school sees a child's overview and education only, an IRO records reviews and
nothing else; changing a password; the sign-in throttle; no page breaks its own
Content-Security-Policy; the allocation pages work at 390 pixels wide."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in_as

#: Screenshots for a person to look at (TRACKER_SCREENSHOTS, else a temporary folder).
SHOTS = Path(os.environ.get("TRACKER_SCREENSHOTS") or tempfile.mkdtemp(prefix="tracker-shots-"))


def _watch_csp(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    return problems


def _first_child(page, *filters: str) -> str:
    """The address of the first child on the caseload (with the first filter that lists one)."""
    for f in (*filters, ""):
        page.goto(f"/caseload?{f}")
        links = page.locator("table.govuk-table tbody tr a[href^='/children/']")
        if links.count():
            return links.first.get_attribute("href") or ""
    raise AssertionError("the caseload lists no child")


def test_a_team_manager_allocates_a_worker_and_restricts_a_record(page) -> None:
    csp = _watch_csp(page)
    sign_in_as(page, "tm1@demo.invalid")
    page.get_by_role("link", name="Unallocated").click()
    expect(page.get_by_role("heading", name="Children with no allocated worker")).to_be_visible()
    page.goto("/caseload")
    href = ""
    for row in page.locator("table.govuk-table tbody tr").all()[:10]:
        if "Restricted" not in row.inner_text():
            href = row.locator("a[href^='/children/']").first.get_attribute("href") or ""
            break
    page.goto(href)
    name = page.locator("h1").inner_text()
    assert "Restricted" not in name, name
    page.locator("#allocation").get_by_role("link", name=re.compile("Change.*allocated worker")).click()
    # A worker of another team is refused next to the field; nothing is saved.
    worker = page.get_by_label("Allocated worker")
    other = next(o for o in worker.locator("option").all_inner_texts() if "Children in Care West" in o)
    worker.select_option(label=other)
    page.get_by_role("button", name="Save allocation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("select a worker of that team")
    expect(page.locator("#allocated_worker_id-error")).to_be_visible()
    mine = next(o for o in worker.locator("option").all_inner_texts() if "Children in Care East" in o)
    worker.select_option(label=mine)
    page.get_by_role("button", name="Save allocation").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Allocation saved")
    expect(page.locator("#allocation")).to_contain_text(mine.split(" (")[0])
    # Restrict the record, then lift the restriction again.
    page.locator("#allocation").get_by_role("link", name=re.compile("Change.*restricted")).click()
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SHOTS / "restricted-390.png"), full_page=True)
    page.locator("input[name=restricted][value=yes]").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_contain_text("Restricted")
    page.goto(href + "/history")
    expect(page.get_by_role("heading", name="Who viewed this record")).to_be_visible()
    expect(page.locator("#viewers")).to_contain_text("tm1@demo.invalid")
    page.goto(href)
    page.locator("#allocation").get_by_role("link", name=re.compile("Change.*restricted")).click()
    page.locator("input[name=restricted][value=no]").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_have_text(name)
    assert csp == []


def test_a_social_worker_has_no_allocation_links_and_is_refused_the_pages(page) -> None:
    sign_in_as(page, "sw1@demo.invalid")
    href = _first_child(page)
    page.goto(href)
    expect(page.locator("#allocation")).to_be_visible()
    expect(page.locator("#allocation").get_by_role("link")).to_have_count(0)
    page.goto(href + "/allocation/restricted")
    expect(page.get_by_role("heading", name="You cannot open this page")).to_be_visible()
    expect(page.get_by_role("link", name="Unallocated")).to_have_count(0)


def test_the_virtual_school_sees_the_overview_and_education_only(page) -> None:
    csp = _watch_csp(page)
    sign_in_as(page, "vs1@demo.invalid")
    href = _first_child(page, "age=10-15", "age=5-9")
    page.goto(href)
    tabs = page.locator(".tracker-subnav a").all_inner_texts()
    assert tabs == ["Overview", "Education"], tabs
    page.goto(href + "/health")
    expect(page.get_by_role("heading", name="You cannot open this page")).to_be_visible()
    page.goto(href + "/education")
    page.get_by_role("link", name="Record a PEP").click()
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name=re.compile("Save")).click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()  # 31 February: a message, not a crash
    assert csp == []


def test_an_iro_records_reviews_but_changes_nothing_else(page) -> None:
    sign_in_as(page, "iro1@demo.invalid")
    href = _first_child(page)
    page.goto(href + "/reviews")
    expect(page.get_by_role("link", name="Record a review")).to_be_visible()
    page.goto(href + "/health")
    expect(page.get_by_role("link", name=re.compile("^Record"))).to_have_count(0)
    page.goto(href + "/edit")
    expect(page.get_by_role("heading", name="You cannot open this page")).to_be_visible()


def test_changing_a_password_and_the_sign_in_throttle(page) -> None:
    sign_in_as(page, "sw2@demo.invalid")
    page.get_by_role("link", name="Change password").click()
    page.get_by_label("Your current password").fill("E2e-maple-comet-river-4")
    page.get_by_label("New password", exact=True).fill("password1234")
    page.get_by_label("New password again").fill("password1234")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#new_password-error")).to_contain_text("harder to guess")
    new = "Granite-swallow-mirror-58"
    page.get_by_label("Your current password").fill("E2e-maple-comet-river-4")
    page.get_by_label("New password", exact=True).fill(new)
    page.get_by_label("New password again").fill(new)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your password has been changed")
    page.get_by_role("button", name="Sign out").click()
    sign_in_as(page, "sw2@demo.invalid", new)
    page.get_by_role("button", name="Sign out").click()
    for n in range(6):
        page.get_by_label("Email address").fill("nobody-here@demo.invalid")
        page.get_by_label("Password", exact=True).fill(f"guess number {n}")
        page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("too many attempts")
    expect(page.locator("#password-error")).to_contain_text("Wait 30 seconds")
