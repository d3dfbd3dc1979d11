"""Browser tests in Debian's Chromium for CPD and PDR, on a 360 px phone:

* a Cambridgeshire PCSO (Alice) records a CPD activity mapped to a competency and a core skill,
  and the log shows it with its hours totalled by year and by competency and core skill;
* her line manager (Sgt Bob) opens her PDR, rates the six competencies (one citing her CPD
  activity), agrees an objective and signs it off; the page then says it is read-only and offers
  no rating form; Alice acknowledges it.

Every page visited must fit 360 px without sideways scrolling and raise no console or script
error (a Content Security Policy violation is a console error).
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from beatbook.core.testing import World, browser_log_in
from beatbook.core.timeutil import today
from beatbook.learning.models import CpdEntry, Pdr, PdrStatus
from beatbook.learning.tests.test_development import load_development
from tests.browser.phone import fits, on_a_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_pcso_logs_cpd_and_the_supervisor_signs_off_her_pdr(page: Page, live_server: Any, live_world: World) -> None:
    w = load_development(live_world)
    base = live_server.url
    errors = on_a_phone(page)

    browser_log_in(page, base, "alice")
    page.goto(f"{base}/learning/development/cpd/")
    fits(page)
    page.get_by_role("button", name="Record a CPD activity").click()
    page.get_by_label("Date of the activity").fill(today().isoformat())
    page.get_by_label("Title").fill("Problem-solving workshop")
    page.get_by_label("Kind of activity").select_option("course")
    page.get_by_label("Hours").fill("2.5")
    page.get_by_label("We analyse critically").check()
    page.get_by_label("Problem solving").check()
    page.get_by_label("Reflection").fill("Tried SARA on the litter problem.")
    fits(page)
    page.get_by_role("button", name="Save the activity").click()
    expect(page.get_by_test_id("cpd-items")).to_contain_text("We analyse critically")
    expect(page.get_by_test_id("cpd-items")).to_contain_text("Problem solving")
    fits(page)
    page.goto(f"{base}/learning/development/cpd/")
    expect(page.get_by_test_id("cpd-total")).to_contain_text("2.50 hours")
    expect(page.get_by_test_id("cpd-by-item")).to_contain_text("Problem solving")
    fits(page)
    entry = CpdEntry.objects.get(person=w.alice)

    page.context.clear_cookies()
    browser_log_in(page, base, "bob")
    page.goto(f"{base}/learning/development/pdrs/")
    page.get_by_role("button", name="Open a PDR").click()
    page.get_by_label("Person").select_option(str(w.alice.pk))
    page.get_by_label("Review year").fill(str(today().year))
    page.get_by_role("button", name="Open the PDR").click()
    expect(page.get_by_test_id("pdr-status")).to_contain_text("In progress")
    fits(page)
    competencies = page.get_by_label("Competency", exact=True).locator("option").all_inner_texts()
    assert len(competencies) == 6
    for n, name in enumerate(competencies):
        page.get_by_label("Competency", exact=True).select_option(label=name)
        page.get_by_label("Rating").select_option("competent")
        page.get_by_label("Evidence").fill("Seen on patrol and in meetings.")
        if n == 0:
            page.get_by_label("Problem-solving workshop", exact=False).check()
        page.get_by_role("button", name="Save the rating").click()
        expect(page.get_by_test_id("pdr-ratings")).to_contain_text(name)
    page.get_by_label("Objective").fill("Lead a beat surgery each month.")
    page.get_by_label("Due on").fill(f"{today().year}-12-31")
    page.get_by_role("button", name="Add the objective").click()
    expect(page.get_by_test_id("pdr-objectives")).to_contain_text("Lead a beat surgery")
    fits(page)
    page.get_by_role("button", name="Sign off the PDR").click()
    expect(page.get_by_test_id("pdr-status")).to_contain_text("Signed off")
    expect(page.get_by_text("This PDR is signed off and read-only.")).to_be_visible()
    expect(page.get_by_role("button", name="Save the rating")).to_have_count(0)
    fits(page)
    pdr = Pdr.objects.get(person=w.alice)
    assert pdr.status == PdrStatus.SIGNED_OFF
    assert pdr.ratings.filter(cpd_entries=entry).count() == 1  # the first rating cites the activity

    page.context.clear_cookies()
    browser_log_in(page, base, "alice")
    page.goto(f"{base}/learning/development/pdrs/{pdr.pk}/")
    page.get_by_role("button", name="Acknowledge the PDR").click()
    expect(page.get_by_role("button", name="Acknowledge the PDR")).to_have_count(0)
    pdr.refresh_from_db()
    assert pdr.acknowledged_at is not None
    assert errors == [], f"console errors: {errors}"
