"""A personal adviser records a contact and a new council tenancy for one of their young
people; the manager's care-leavers summary moves with it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in_as


def _count(page, row: str, measure: str) -> int:
    text = page.locator(f'#care-leavers-summary tr[data-row="{row}"] td[data-measure="{measure}"]').inner_text()
    return int(text.split()[0])


def _summary(page, row: str) -> dict[str, int]:
    page.goto("/care-leavers/summary")
    return {f"{r}:{m}": _count(page, r, m) for r in (row, "Total") for m in ("in_touch", "council_this_month")}


def _fill_date(page, field: str, day: dt.date) -> None:
    page.locator(f"#{field}-day").fill(str(day.day))
    page.locator(f"#{field}-month").fill(str(day.month))
    page.locator(f"#{field}-year").fill(str(day.year))


def test_adviser_records_a_contact_and_a_tenancy_and_the_summary_moves(browser, live_server) -> None:
    today = dt.datetime.now(ZoneInfo("Europe/London")).date()
    adviser = browser.new_context(base_url=live_server)
    manager = browser.new_context(base_url=live_server)
    try:
        page = adviser.new_page()
        sign_in_as(page, "pa1@demo.invalid")
        page.get_by_role("link", name="Care leavers", exact=True).click()
        page.wait_for_url("**/care-leavers")
        rows = page.locator("#caseload tbody tr")
        assert rows.count() >= 3
        assert any(int(rows.nth(i).get_attribute("data-overdue")) > 0 for i in range(rows.count()))

        # A young person aged 18 or over, not seen for over 2 months, with no tenancy.
        candidates = []
        for i in range(rows.count()):
            cells = rows.nth(i).locator("td")
            last = cells.nth(6).inner_text().strip()
            stale = last == "None recorded" or dt.datetime.strptime(last, "%d/%m/%Y").date() < today - dt.timedelta(days=62)
            if int(cells.nth(1).inner_text()) >= 18 and "relevant" in cells.nth(2).inner_text().lower() and stale:
                candidates.append((cells.nth(0).locator("a").get_attribute("href"), int(cells.nth(1).inner_text())))
        chosen = None
        for href, age in candidates:
            page.goto(href)
            if page.get_by_text("No tenancy recorded.").count():
                chosen = (href, age)
                break
        assert chosen, "pa1 should have a young person with no tenancy who is due a contact"
        href, age = chosen
        row = "21 and over" if age >= 21 else str(age)

        summary = manager.new_page()
        sign_in_as(summary, "tm4@demo.invalid")
        before = _summary(summary, row)

        assert page.locator('#pathway-items tr[data-kind="pa_contact"][data-status="overdue"]').count() == 1
        page.get_by_role("link", name="Record a contact").click()
        _fill_date(page, "contact_on", today)
        page.get_by_label("Visit", exact=True).check()
        page.get_by_label("Seen alone").check()
        page.get_by_role("button", name="Save contact").click()
        page.wait_for_url(f"**{href}")
        expect(page.get_by_text("Personal adviser contact recorded")).to_be_visible()
        assert page.locator('#pathway-items tr[data-kind="pa_contact"][data-status="overdue"]').count() == 0

        page.get_by_role("link", name="Record a tenancy").click()
        page.get_by_label("Council", exact=True).check()
        _fill_date(page, "start_on", today)
        page.get_by_label("Tenancy support in place").check()
        page.get_by_role("button", name="Save tenancy").click()
        page.wait_for_url(f"**{href}")
        expect(page.get_by_text("Tenancy recorded")).to_be_visible()
        assert page.get_by_text("No tenancy recorded.").count() == 0

        after = _summary(summary, row)
        assert after == {key: value + 1 for key, value in before.items()}, (before, after)
    finally:
        adviser.close()
        manager.close()
