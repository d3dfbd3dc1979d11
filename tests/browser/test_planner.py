"""Browser test in Debian's Chromium: a supervisor builds a hot-spot plan from the planner on a
360 px phone screen: the busiest squares are shaded on the map (drawn from GeoJSON, no tile
server) and listed, the proposal is accepted with one place left out, and the plan's page and
its evaluation open."""

from __future__ import annotations

import os
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from beatbook.core.testing import browser_log_in
from beatbook.incidents import services
from beatbook.incidents.tests.factories import a1_spot, ago, incident_data
from beatbook.patrols.models import HotspotPlan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _screenshot(page: Page, name: str) -> None:
    folder = os.environ.get("BEATBOOK_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, name), full_page=True)


def test_a_supervisor_builds_a_plan_from_the_planner(page: Page, live_server: Any, live_world: Any) -> None:
    w = live_world
    # Two hot spots in A1: five incidents at one place, three at another, one elsewhere.
    for spot, count in ((0, 5), (5, 3), (10, 1)):
        lat, lng = a1_spot(spot)
        for n in range(count):
            services.incident_create(actor=w.alice, data=incident_data(occurred_at=ago(days=2 + n), lat=lat, lng=lng))
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_viewport_size({"width": 360, "height": 740})
    browser_log_in(page, live_server.url, "bob")
    page.goto(f"{live_server.url}/patrols/planner/")
    expect(page.get_by_role("heading", name="Hot-spot planner")).to_be_visible()
    page.get_by_test_id("planner-query").get_by_label("Neighbourhood").select_option(value=str(w.a1.pk))
    page.get_by_role("button", name="Show the hot spots").click()

    expect(page.get_by_test_id("planner-summary")).to_contain_text("9 incidents")
    expect(page.get_by_test_id("planner-cells").locator("tbody tr")).to_have_count(3)
    shaded = page.locator("#planner-map path.leaflet-interactive")
    expect(shaded.first).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at 360px"
    _screenshot(page, "planner.png")

    rows = page.get_by_test_id("proposal-row")
    # Leave the single-incident square out of the plan.
    rows.nth(2).get_by_label("Leave this place out").check()
    page.get_by_role("button", name="Create plan").click()

    plan = HotspotPlan.objects.get(neighbourhood=w.a1)
    assert plan.targets.count() == 2
    expect(page.get_by_role("heading", name=plan.name)).to_be_visible()
    _screenshot(page, "planner-plan.png")
    assert errors == [], f"page errors: {errors}"
