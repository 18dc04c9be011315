"""Visits, plans and missing episodes in Debian's Chromium against the real server and demo
data (issue 15's acceptance): a social worker records a placement move and finds a visit
due 7 days later and a placement plan due 5 working days later, each explained; records,
corrects and deletes a visit and a missing episode, bad input first; the team manager
finds overdue visits by worker on their home page; the group manager finds the child
missing now on the meeting pack."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import holidays
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in_as
from tests.e2e.test_casework_browser import (
    _fill_date,
    _follow,
    _in_care_child,
    _serious_violations,
    _today,
)

SHOTS = os.environ.get("TRACKER_E2E_SCREENSHOTS")


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"visits-{name}.png"), full_page=True)


def _working_days_after(start: dt.date, n: int) -> dt.date:
    """The n-th working day after ``start`` (England's bank holidays), counted here by hand."""
    bank = holidays.UK(subdiv="ENG", years=range(start.year, start.year + 2))
    day = start
    while n:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in bank:
            n -= 1
    return day


def _banner(page) -> str:
    return " ".join(page.locator(".govuk-notification-banner").all_inner_texts())


def _row(page, kind: str, due: dt.date):
    return page.locator(f'tr[data-kind="{kind}"]', has_text=f"{due:%d/%m/%Y}")


def _visit_row(page, on: dt.date):
    return page.locator("#visits tbody tr", has_text=f"{on:%d/%m/%Y}")


def test_a_placement_move_then_a_visit_and_a_missing_episode_recorded_corrected_and_deleted(page) -> None:
    today = _today()
    sign_in_as(page, "sw1@demo.invalid")
    name, href = _in_care_child(page, "age=5-9", "age=0-4", "age=10-15")
    child = href.rstrip("/")

    # A visit the demo may have recorded today would belong to the new placement: delete it
    # first (through the page, like a worker who recorded it by mistake).
    page.goto(child + "/visits")
    if _visit_row(page, today).count():
        _follow(_visit_row(page, today).get_by_role("link", name=re.compile("^Delete")))
        _follow(page.get_by_role("button", name="Yes, delete it"))
        assert "Visit deleted" in _banner(page)

    # The move: bad input first (no reason the previous placement ended), then put right.
    page.goto(child + "/care-history")
    _follow(page.get_by_role("link", name="Record a placement"))
    _fill_date(page, "start_on", today)
    page.get_by_label("Placement type").select_option("U4")
    page.get_by_label("Provider").select_option("PR1")
    _follow(page.get_by_role("button", name="Save placement"))
    expect(page.locator("#previous_end_reason-error")).to_contain_text("Select why the previous placement ended")
    assert page.title().startswith("Error:")
    page.get_by_label("If this is a move").select_option("CHILD")
    _follow(page.get_by_role("button", name="Save placement"))
    assert "Placement recorded" in _banner(page)

    page.goto(child + "/due-dates")
    visit = _row(page, "visit", today + dt.timedelta(days=7))
    expect(visit).to_have_count(1)
    expect(visit).to_contain_text("First visit: 7 days after placement")
    expect(visit).to_contain_text(f"(U4) started on {today.isoformat()} = {today + dt.timedelta(days=7):%Y-%m-%d}")
    plan_due = _working_days_after(today, 5)
    plan = _row(page, "placement_plan", plan_due)
    expect(plan).to_have_count(1)
    expect(plan).to_contain_text("Placement plan: 5 working days after placement")
    expect(plan).to_contain_text(f"(U4) started on {today.isoformat()}")
    expect(plan).to_contain_text("Care Planning, Placement and Case Review")
    _shot(page, "due-dates-after-move")

    # A visit: bad input first (a date in the future, nothing said about seeing the child alone).
    page.goto(child + "/visits")
    _follow(page.get_by_role("link", name="Record a visit"))
    _fill_date(page, "visited_on", today + dt.timedelta(days=1))
    _follow(page.get_by_role("button", name="Save visit"))
    expect(page.locator("#visited_on-error")).to_contain_text("Date of the visit must be today or in the past")
    expect(page.locator("#seen_alone-error")).to_contain_text("Select whether the child was seen alone")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    _shot(page, "visit-form-errors")
    assert _serious_violations(page) == []
    _fill_date(page, "visited_on", today)
    page.get_by_label("Yes").check()
    _follow(page.get_by_role("button", name="Save visit"))
    assert "Visit recorded" in _banner(page)
    # Done on time; the next one is due 6 weeks later (the placement's first year).
    expect(_row(page, "visit", today + dt.timedelta(days=7))).to_have_attribute("data-status", "done_on_time")
    expect(_row(page, "visit", today + dt.timedelta(weeks=6))).to_contain_text("6 weeks after the visit on")
    expect(_visit_row(page, today)).to_contain_text("Yes")

    # Corrected: not seen alone after all.
    _follow(_visit_row(page, today).get_by_role("link", name=re.compile("^Change")))
    page.get_by_label("No", exact=True).check()
    _follow(page.get_by_role("button", name="Save visit"))
    assert "Visit saved" in _banner(page)
    expect(_visit_row(page, today)).to_contain_text("No")
    # Deleted: the first visit is open again.
    _follow(_visit_row(page, today).get_by_role("link", name=re.compile("^Delete")))
    expect(page.locator("#current-values")).to_contain_text(f"{today:%d/%m/%Y}")
    _follow(page.get_by_role("button", name="Yes, delete it"))
    assert "Visit deleted" in _banner(page)
    expect(_visit_row(page, today)).to_have_count(0)
    expect(_row(page, "visit", today + dt.timedelta(days=7))).not_to_have_attribute("data-status", "done_on_time")

    # A missing episode: bad input first (back before it started; an interview with no date).
    page.goto(child + "/missing")
    _follow(page.get_by_role("link", name="Record a missing episode"))
    started, returned = today - dt.timedelta(days=2), today - dt.timedelta(days=1)
    page.get_by_label("Missing (whereabouts not known)").check()
    _fill_date(page, "start_on", started)
    _fill_date(page, "end_on", started - dt.timedelta(days=1))
    page.get_by_label("Return home interview", exact=True).select_option("held")
    _follow(page.get_by_role("button", name="Save missing episode"))
    expect(page.locator("#end_on-error")).to_contain_text("Date the child returned must be on or after the start")
    expect(page.locator("#interview_on-error")).to_contain_text("Enter the date of the return home interview")
    assert _serious_violations(page) == []
    _fill_date(page, "end_on", returned)
    page.get_by_label("Return home interview", exact=True).select_option("")
    _follow(page.get_by_role("button", name="Save missing episode"))
    assert "Missing episode recorded" in _banner(page)
    interview = _row(page, "return_home_interview", returned + dt.timedelta(days=3))
    expect(interview).to_contain_text("3 days (72 hours) after the return")
    expect(interview).to_have_attribute("data-status", "due_soon")
    episode = page.locator("#missing-episodes tbody tr", has_text=f"{started:%d/%m/%Y}")
    _follow(episode.get_by_role("link", name=re.compile("^Change")))
    page.get_by_label("Return home interview", exact=True).select_option("held")
    _fill_date(page, "interview_on", today)
    _follow(page.get_by_role("button", name="Save missing episode"))
    assert "Missing episode saved" in _banner(page)
    expect(_row(page, "return_home_interview", returned + dt.timedelta(days=3))).to_have_attribute(
        "data-status", "done_on_time")
    expect(episode).to_contain_text(f"Interview held, {today:%d/%m/%Y}")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    _shot(page, "missing-tab-390")
    expect(episode.get_by_role("link", name=re.compile("^Change"))).to_be_visible()  # usable at 390px
    page.set_viewport_size({"width": 1280, "height": 900})
    _follow(episode.get_by_role("link", name=re.compile("^Delete")))
    _follow(page.get_by_role("button", name="Yes, delete it"))
    assert "Missing episode deleted" in _banner(page)
    expect(page.locator("#missing-episodes tbody tr", has_text=f"{started:%d/%m/%Y}")).to_have_count(0)
    expect(page.locator('tr[data-kind="return_home_interview"]', has_text=f"{returned:%d/%m/%Y}")).to_have_count(0)

    # Away now (not back yet): the group manager's pack lists the child.
    _follow(page.get_by_role("link", name="Record a missing episode"))
    page.get_by_label("Away from placement without authorisation").check()
    _fill_date(page, "start_on", today)
    _follow(page.get_by_role("button", name="Save missing episode"))
    assert "Missing episode recorded" in _banner(page)
    expect(page.locator("#missing-now")).to_contain_text("away without authorisation since")
    page.context.clear_cookies()
    sign_in_as(page, "gm1@demo.invalid")
    page.goto("/meetings/pack")
    missing_now = page.locator('table[data-list="missing_now"]')
    expect(missing_now).to_contain_text(name)
    expect(missing_now).to_contain_text(f"Away from placement without authorisation since {today:%d/%m/%Y}")
    expect(page.locator('tr[data-metric="missing_now"]')).to_be_visible()
    # The home page counts overdue visits by team, each count leading to the children behind it.
    page.goto("/")
    expect(page.locator("#overdue-visits-summary")).to_be_visible()


def test_a_team_manager_finds_overdue_visits_by_worker(page) -> None:
    # The demo guarantees sw1 (in tm1's team) a child whose visit is overdue.
    sign_in_as(page, "tm1@demo.invalid")
    counts = page.locator("#overdue-visits-counts")
    expect(counts).to_be_visible()
    first = counts.locator("tbody tr a").first
    expected = int(first.inner_text().split()[0])
    _follow(first)
    expect(page.get_by_role("heading", name="Overdue statutory visits")).to_be_visible()
    rows = page.locator("#overdue-visits tbody tr")
    expect(rows).to_have_count(expected)
    days = [int(rows.nth(i).locator("td").nth(2).inner_text()) for i in range(rows.count())]
    assert days == sorted(days, reverse=True)  # longest overdue first
    assert _serious_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    _shot(page, "overdue-390")
