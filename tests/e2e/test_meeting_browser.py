from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in_as


def test_group_manager_runs_a_meeting_for_three_children_and_exports_minutes(page, tmp_path: Path) -> None:
    sign_in_as(page, "gm1@demo.invalid")
    page.get_by_role("link", name="Tracking meeting").first.click()
    expect(page.get_by_role("heading", name="Tracking meeting pack")).to_be_visible()
    page.get_by_role("link", name="Start the meeting").click()
    page.get_by_label("Who is at the meeting").fill("Jo Whitfield (chair)\nSam Okoye (social worker)")
    page.get_by_role("button", name="Start the meeting").click()
    names = []
    for n in range(1, 4):
        assert f"child {n} of" in page.locator(".govuk-caption-l").inner_text()
        names.append(page.locator("h1").inner_text().split("\n")[0].rsplit(" ", 1)[0])
        page.get_by_label("Decision").fill(f"Decision for child {n}: progress the plan")
        if n == 2:
            page.get_by_label("Action (optional)").fill("Arrange family group conference")
            page.get_by_label("Action owner").select_option(index=1)
            page.get_by_label("Day").fill("1")
            page.get_by_label("Month").fill("12")
            page.get_by_label("Year").fill("2030")
        page.get_by_role("button", name="Save and go to the next child").click()
    page.get_by_role("link", name="Go to the minutes").click()
    minutes = page.locator("main").inner_text()
    for n in (1, 2, 3):
        assert f"Decision for child {n}" in minutes
    assert "Arrange family group conference" in minutes
    assert "Jo Whitfield (chair), Sam Okoye (social worker)" in minutes
    with page.expect_download() as download:
        page.get_by_role("link", name="Export minutes (CSV)").click()
    path = tmp_path / "minutes.csv"
    download.value.save_as(path)
    csv = path.read_text()
    assert csv.splitlines()[0] == "week_of,child_id,name,decision,action,action_owner,action_due"
    assert len(csv.splitlines()) == 4
    assert "Arrange family group conference" in csv
