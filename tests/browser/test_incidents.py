"""Browser tests in Debian's Chromium: a PCSO logs an incident on a 360 px phone screen, placing it
with a tap on the map; the third incident against the same victim shows the repeat flag, and the
alert on her home page until she acknowledges it."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from beatbook.core.testing import browser_log_in
from beatbook.incidents import services
from beatbook.incidents.models import Incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THRIVE = ("Threat", "Harm", "Risk", "Investigation", "Vulnerability", "Engagement")


def _earlier_incident(world: Any, days_ago: int) -> Incident:
    return services.incident_create(
        actor=world.alice,
        data=services.IncidentData(
            occurred_at=timezone.now() - dt.timedelta(days=days_ago),
            lat=52.2101,
            lng=0.1102,
            category="anti-social-behaviour",
            asb_qualifier="personal",
            description="Shouting and banging on the door late at night.",
            how_reported="phone-101",
            thrive_threat="low",
            thrive_harm="low",
            thrive_risk="medium",
            thrive_investigation="low",
            thrive_vulnerability="medium",
            thrive_engagement="low",
            risk_level="medium",
        ),
        people=[services.PersonData(involvement="victim", name="Margaret Ellis", address="3 Orchard Row")],
    )


def _screenshot(page: Page, name: str) -> None:
    """For a person to look at: set BEATBOOK_SCREENSHOTS to a folder to keep full-page shots."""
    folder = os.environ.get("BEATBOOK_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, name), full_page=True)


def _no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at 360px"


def test_pcso_logs_an_incident_on_a_phone_and_sees_the_repeat_flag(
    page: Page, live_server: Any, live_world: Any
) -> None:
    _earlier_incident(live_world, 20)
    _earlier_incident(live_world, 5)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size({"width": 360, "height": 740})
    browser_log_in(page, live_server.url, "alice")

    page.get_by_role("button", name="Log an incident").click()
    expect(page.get_by_role("heading", name="Log an incident")).to_be_visible()
    _no_sideways_scroll(page)
    _screenshot(page, "incident-form.png")
    # Tap the middle of the map: inside A1's boundary, which the map fits to.
    pick = page.locator("#pick-map")
    expect(pick).to_have_attribute("data-features", "1")
    pick.click(position={"x": 160, "y": 120})
    expect(pick).to_have_attribute("data-placed", "1")
    assert page.input_value("#id_lat") and page.input_value("#id_lng")

    when = timezone.localtime(timezone.now() - dt.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")
    page.fill("#id_occurred_at", when)
    page.select_option("#id_category", "anti-social-behaviour")
    page.select_option("#id_asb_qualifier", "personal")
    page.select_option("#id_asb_type", "rowdy-neighbours")
    page.fill("#id_description", "Neighbour shouting abuse over the fence again.")
    page.select_option("#id_how_reported", "phone-101")
    for name in ("threat", "harm", "risk", "investigation", "vulnerability", "engagement"):
        page.select_option(f"#id_thrive_{name}", "medium")
    page.select_option("#id_risk_level", "medium")
    page.get_by_text("Someone involved (optional)").click()
    page.select_option("#id_person-involvement", "victim")
    page.fill("#id_person-name", "Margaret Ellis")
    page.fill("#id_person-address", "3 Orchard Row")
    page.get_by_role("button", name="Save the incident").click()

    expect(page.get_by_text("has been recorded")).to_be_visible()
    expect(page.get_by_test_id("flag-repeat-victim")).to_be_visible()
    expect(page.get_by_test_id("incident-status")).to_have_text("Open")
    _no_sideways_scroll(page)
    _screenshot(page, "incident-detail.png")
    assert Incident.objects.count() == 3

    # The alert is on her home page until she acknowledges it.
    page.goto(f"{live_server.url}/")
    alerts = page.get_by_test_id("alerts")
    expect(alerts).to_contain_text("Repeat victim")
    expect(alerts).to_contain_text("Margaret Ellis")
    _no_sideways_scroll(page)
    _screenshot(page, "home-alerts.png")
    before = alerts.get_by_role("button").count()
    alerts.get_by_role("button", name="Acknowledge Repeat victim Margaret Ellis").click()
    expect(page.get_by_text("The alert has been acknowledged.")).to_be_visible()
    remaining = page.get_by_test_id("alerts").get_by_role("button")
    expect(remaining).to_have_count(before - 1)
    assert errors == [], f"console errors: {errors}"


def test_the_form_refuses_a_time_in_the_future_with_a_field_error(
    page: Page, live_server: Any, live_world: Any
) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    browser_log_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/incidents/new/")
    page.locator("#pick-map").click(position={"x": 160, "y": 120})
    future = timezone.localtime(timezone.now() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    page.fill("#id_occurred_at", future)
    page.select_option("#id_category", "criminal-damage-arson")
    expect(page.locator("#id_asb_qualifier")).to_be_hidden()  # only for anti-social behaviour
    page.fill("#id_description", "Bus shelter glass smashed.")
    page.select_option("#id_how_reported", "patrol")
    for name in ("threat", "harm", "risk", "investigation", "vulnerability", "engagement"):
        page.select_option(f"#id_thrive_{name}", "low")
    page.select_option("#id_risk_level", "low")
    page.get_by_role("button", name="Save the incident").click()
    expect(page.get_by_role("alert")).to_contain_text("The time is in the future")
    assert Incident.objects.count() == 0


def test_incident_map_draws_points_without_tiles(page: Page, live_server: Any, live_world: Any) -> None:
    _earlier_incident(live_world, 3)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    browser_log_in(page, live_server.url, "bob")
    page.goto(f"{live_server.url}/incidents/map/")
    expect(page.locator("#incident-map")).to_have_attribute("data-points-loaded", "1")
    expect(page.locator("#incident-map path.leaflet-interactive")).to_have_count(3)  # 2 boundaries + 1 point
    expect(page.locator("[data-map-summary]")).to_have_text("Showing 1 of 1 matching incidents.")
    assert outside == [], f"requests left Beatbook: {outside}"
