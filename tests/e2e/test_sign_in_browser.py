from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in_as


def test_demo_social_worker_signs_in_and_sees_their_children(page) -> None:
    page.goto("/children/1")
    assert "/sign-in" in page.url  # anonymous users are sent to sign in
    sign_in_as(page, "sw1@demo.invalid")
    expect(page.get_by_role("heading", name="My children")).to_be_visible()
    rows = page.locator("table.govuk-table tbody tr")
    assert rows.count() >= 8
    first = rows.first.locator("a").first
    name = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()


def test_wrong_password_shows_the_error_summary(page) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill("sw1@demo.invalid")
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Email address or password is not right" in summary.inner_text()
    assert page.title().startswith("Error:")


def test_the_stylesheet_from_the_npm_registry_is_served(page) -> None:
    page.goto("/sign-in")
    font = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert "GDS Transport" in font or "arial" in font.lower()
    color = page.evaluate("getComputedStyle(document.querySelector('button[type=submit].govuk-button')).backgroundColor")
    assert color in ("rgb(0, 112, 60)", "rgb(15, 122, 82)"), color  # GOV.UK green (v5 / v6 palette)
