"""Browser test in Debian's Chromium for recruitment, on a 360 px phone (issue 6, "Done means"):

* a member of the public opens Cambridgeshire's careers page (no login), applies to its open
  campaign without a level 3 qualification, and is sifted out at once: the status page (reached
  by the secret link the form redirects to) says why, and shows their application only;
* Derbyshire, with no campaign open, shows "Applications are currently closed.";
* the recruiter sees the application, sifted out with the same reason, and the opening is
  audited.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World, browser_log_in
from beatbook.core.timeutil import today
from beatbook.recruitment.models import Application
from beatbook.recruitment.tests.builders import Cast
from tests.browser.phone import fits, on_a_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEVEL3_REASON = "You need a level 3 qualification, such as A levels, or an equivalent."


def test_an_applicant_applies_and_is_sifted_out_with_the_reason(
    page: Page, live_server: Any, live_world: World
) -> None:
    cast = Cast(live_world)
    other = cast.apply("someone.else@example.org")  # another applicant, never shown to this one
    base = live_server.url
    errors = on_a_phone(page)

    page.goto(f"{base}/recruitment/careers/{live_world.force_b.slug}/")
    expect(page.get_by_test_id("closed")).to_contain_text("Applications are currently closed.")
    fits(page)

    page.goto(f"{base}/recruitment/careers/{live_world.force_a.slug}/")
    expect(page.get_by_test_id("campaign")).to_contain_text(cast.campaign.title)
    fits(page)
    page.get_by_role("link", name="Apply now").click()
    page.get_by_label("Full name").fill("Jo Applicant")
    page.get_by_label("Email address").fill("jo@example.org")
    page.get_by_label("Date of birth").fill(today().replace(year=today().year - 30).isoformat())
    page.get_by_label("Do you hold a level 3 qualification").select_option("no")
    page.get_by_label("Do you hold level 2 English and maths").select_option("held")
    page.get_by_label("How many years in a row").fill("12")
    page.get_by_label("Do you hold a full driving licence?").select_option("yes")
    fits(page)
    page.get_by_role("button", name="Send my application").click()

    expect(page.get_by_test_id("sift-reasons")).to_contain_text(LEVEL3_REASON)
    expect(page.get_by_test_id("application")).to_contain_text("Jo Applicant")
    main = page.locator("main").inner_text()
    assert other.full_name not in main and "someone.else@example.org" not in main
    fits(page)
    application = Application.objects.get(email="jo@example.org")
    assert not application.sift_passed

    assert errors == []
    page.goto(f"{base}/recruitment/careers/{live_world.force_a.slug}/apply/{cast.campaign.pk}/")
    page.get_by_label("Full name").fill("Jo Applicant")
    page.get_by_label("Email address").fill("JO@example.org")
    page.get_by_label("Date of birth").fill(today().replace(year=today().year - 30).isoformat())
    page.get_by_label("Do you hold a level 3 qualification").select_option("yes")
    page.get_by_label("Do you hold level 2 English and maths").select_option("held")
    page.get_by_label("How many years in a row").fill("12")
    page.get_by_label("Do you hold a full driving licence?").select_option("yes")
    page.get_by_role("button", name="Send my application").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()  # the same email twice is refused
    assert Application.objects.filter(email__iexact="jo@example.org").count() == 1
    # The refusal is answered 400, which Chromium reports on the console: that one only.
    assert len(errors) == 1 and "status of 400" in errors[0]
    errors.clear()

    browser_log_in(page, base, "rita")
    page.goto(f"{base}/recruitment/applications/{application.pk}/")
    expect(page.locator("main")).to_contain_text(LEVEL3_REASON)
    fits(page)
    assert AuditEvent.objects.filter(event_type=EventType.APPLICATION_VIEWED, object_id=str(application.pk)).exists()
    assert errors == []
