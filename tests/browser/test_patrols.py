"""Browser test in Debian's Chromium: on a 360 px phone screen a PCSO sees today's hot-spot plan
on her home page, starts a patrol, records a visit to a hot spot with its arrive and leave times,
ends the patrol, and sees the dose delivered go up; a leave time before the arrive time is
refused with a field error and nothing stored."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from beatbook.core.testing import browser_log_in
from beatbook.patrols.models import Patrol, PatrolVisit
from beatbook.patrols.tests.helpers import plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _local(minutes_ago: int) -> str:
    """A time some minutes ago, as a datetime-local input takes it (London time)."""
    return timezone.localtime(timezone.now() - dt.timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M")


def _screenshot(page: Page, name: str) -> None:
    folder = os.environ.get("BEATBOOK_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, name), full_page=True)


def test_a_pcso_patrols_a_hot_spot_and_sees_the_dose_delivered(page: Page, live_server: Any, live_world: Any) -> None:
    plan(live_world)  # Bob's plan for A1: the market square (3 visits a day) and the bus station (2)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_viewport_size({"width": 360, "height": 740})
    browser_log_in(page, live_server.url, "alice")

    hotspots = page.get_by_test_id("hotspots")
    expect(hotspots).to_contain_text("Market square: 0 of 3 visits")
    hotspots.get_by_role("link", name="Go on patrol").click()

    page.get_by_label("How").select_option("foot")
    page.get_by_label("Started").fill(_local(40))
    page.get_by_role("button", name="Start patrol").click()
    current = page.get_by_test_id("current-patrol")
    expect(current).to_contain_text("On patrol")

    # Leaving before arriving is refused, with the field named, and nothing is stored.
    current.get_by_label("Hot spot", exact=True).select_option(label="Market square (City centre evenings)")
    current.get_by_label("Arrived", exact=True).fill(_local(20))
    current.get_by_label("Left", exact=True).fill(_local(30))
    current.get_by_role("button", name="Record the visit").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert PatrolVisit.objects.count() == 0

    # The form is shown again (on the patrol's page), with what was typed: correct the times.
    page.get_by_label("Hot spot", exact=True).select_option(label="Market square (City centre evenings)")
    page.get_by_label("Arrived", exact=True).fill(_local(35))
    page.get_by_label("Left", exact=True).fill(_local(22))
    page.get_by_role("button", name="Record the visit").click()
    expect(page.get_by_test_id("visits")).to_contain_text("Market square")
    visit = PatrolVisit.objects.get()
    assert round(visit.dwell_minutes) == 13
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at 360px"
    _screenshot(page, "patrol.png")

    page.get_by_role("button", name="End patrol").click()
    expect(page.get_by_test_id("current-patrol")).to_have_count(0)
    assert Patrol.objects.get().ended_at is not None

    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("hotspots")).to_contain_text("Market square: 1 of 3 visits")
    _screenshot(page, "home-dose.png")
    assert errors == [], f"page errors: {errors}"
