"""Browser tests in Debian's Chromium: a PCSO logs in, reaches the home page and sees the map."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from beatbook.core.testing import browser_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pcso_logs_in_and_sees_her_neighbourhood_on_the_map(page: Page, live_server: Any, live_world: Any) -> None:
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))  # a script that failed to run

    browser_log_in(page, live_server.url, "alice")

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="My neighbourhoods")).to_be_visible()
    expect(page.get_by_test_id("header-role")).to_have_text("PCSO")
    expect(page.get_by_test_id("header-force")).to_have_text("Cambridgeshire Constabulary")
    expect(page.get_by_role("heading", name="City Centre")).to_be_visible()
    expect(page.get_by_role("heading", name="Cherry Hinton")).to_have_count(0)
    # The map drew one boundary from GeoJSON, with no tile server.
    expect(page.locator("#home-map")).to_have_attribute("data-features", "1")
    expect(page.locator("#home-map path.leaflet-interactive")).to_have_count(1)
    # GOV.UK Frontend (an ES module) loaded and started its components.
    assert page.evaluate("typeof window.GOVUKFrontend.initAll") == "function"
    assert outside == [], f"requests left Beatbook: {outside}"
    assert errors == [], f"console errors: {errors}"


def test_wrong_password_shows_an_error_and_no_session(page: Page, live_server: Any, live_world: Any) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("The username or password is not right.")
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")


def test_home_page_fits_a_360px_phone(page: Page, live_server: Any, live_world: Any) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    browser_log_in(page, live_server.url, "bob")
    expect(page.get_by_role("heading", name="My neighbourhoods")).to_be_visible()
    expect(page.locator("#home-map path.leaflet-interactive")).to_have_count(2)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at 360px"


def test_the_skip_link_is_the_first_thing_a_keyboard_reaches(page: Page, live_server: Any, live_world: Any) -> None:
    browser_log_in(page, live_server.url, "alice")
    expect(page.get_by_role("heading", name="My neighbourhoods")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/#main-content")


def test_log_out(page: Page, live_server: Any, live_world: Any) -> None:
    browser_log_in(page, live_server.url, "alice")
    expect(page.get_by_role("heading", name="My neighbourhoods")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
