"""Browser tests of the structure pages and the history section, in Debian's Chromium."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from beatbook.core.testing import browser_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sideways_scroll(page: Page) -> int:
    overflow: int = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    return overflow


def test_a_force_admin_creates_a_team_by_ticking_neighbourhoods(page: Page, live_server: Any, live_world: Any) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    browser_log_in(page, live_server.url, "erin")
    page.get_by_role("link", name="Teams").click()
    page.get_by_role("button", name="Create a team").click()
    page.get_by_role("button", name="Create the team").click()  # nothing filled in
    expect(page.get_by_role("alert")).to_contain_text("Enter the team's name")
    errors.clear()  # the refused form is answered 400 on purpose, which Chromium logs
    page.get_by_label("Name").fill("City NPT")
    page.get_by_label("City Centre (CC01)").check()
    page.get_by_role("button", name="Create the team").click()
    expect(page.get_by_text("The team City NPT has been created.")).to_be_visible()
    expect(page.get_by_test_id("teams-table")).to_contain_text("City NPT")
    assert errors == [], f"console errors: {errors}"


def test_the_teams_list_and_a_persons_history_fit_a_360px_phone(page: Page, live_server: Any, live_world: Any) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    browser_log_in(page, live_server.url, "erin")
    page.goto(f"{live_server.url}/org/teams/")
    expect(page.get_by_test_id("teams-table")).to_contain_text("Cambridge South NPT")
    assert _sideways_scroll(page) <= 0, "the teams page scrolls sideways at 360px"
    page.goto(f"{live_server.url}/org/people/{live_world.alice.pk}/")
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    expect(page.get_by_test_id("history-table")).to_contain_text("Posting created")
    assert _sideways_scroll(page) <= 0, "the person page scrolls sideways at 360px"
