"""Browser tests in Debian's Chromium for multi-agency ASB cases, on a 360 px phone screen:

* a partner user (Gus, Cambridge City Council) sees exactly the case shared with his
  organisation: it alone in the list; on its page the parties' names but not their addresses
  (the agreement does not allow contact details) and not the risk; the other cases answer
  "not found"; he records the result of his organisation's task; his reads are audited;
* a PCSO opens a case from an incident's page.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from beatbook.audit.models import AuditEvent, EventType
from beatbook.cases import services
from beatbook.cases.models import AsbCase, PartnerTask
from beatbook.cases.reference import TaskStatus
from beatbook.cases.tests.factories import agreement, asb_incident, open_case, share
from beatbook.core.testing import browser_log_in
from beatbook.core.timeutil import today
from beatbook.incidents.tests.factories import A2_CENTRE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _screenshot(page: Page, name: str) -> None:
    folder = os.environ.get("BEATBOOK_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, name), full_page=True)


def _no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at 360px"


def test_a_partner_sees_exactly_the_shared_case(page: Page, live_server: Any, live_world: Any) -> None:
    w = live_world
    shared = open_case(w, title="Noise at Mill Road flats")
    not_shared = open_case(w, title="Youths on the Grafton car park", incidents=[asb_incident(w.alice, 5)])
    elsewhere = open_case(
        w,
        actor=w.charlie,
        title="Cherry Hinton fly-tipping",
        incidents=[asb_incident(w.charlie, point=A2_CENTRE)],
    )
    task = services.case_add_task(
        actor=w.alice,
        case=shared,
        partner_id=w.council.pk,
        description="Environmental health to visit and measure the noise.",
        due_on=today() + dt.timedelta(days=14),
    )
    share(w, shared, agreement(w))  # summary, parties and tasks; no contact details, no risk

    page.set_viewport_size({"width": 360, "height": 740})
    browser_log_in(page, live_server.url, "gus")
    page.goto(f"{live_server.url}/cases/")
    expect(page.get_by_role("heading", name="ASB cases")).to_be_visible()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(shared.reference)
    body = page.locator("main").inner_text()
    assert not_shared.reference not in body and elsewhere.reference not in body
    _no_sideways_scroll(page)
    _screenshot(page, "partner-case-list.png")

    page.get_by_role("link", name=shared.reference).click()
    expect(page.get_by_role("heading", name="Noise at Mill Road flats")).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("Mary Jones")  # parties: allowed
    expect(main).not_to_contain_text("14 Mill Road")  # contact details: not allowed
    expect(page.get_by_role("heading", name="Risk assessments")).to_have_count(0)  # risk: not allowed
    _no_sideways_scroll(page)
    _screenshot(page, "partner-case.png")

    # His organisation's task: he records its result.
    page.get_by_text("Record the result").first.click()
    page.get_by_label("Outcome").first.select_option("done")
    page.get_by_label("Result").first.fill("Visited on Tuesday; noise abatement notice served.")
    page.get_by_role("button", name="Record the result").first.click()
    expect(page.locator("main")).to_contain_text("noise abatement notice served")
    assert PartnerTask.objects.get(pk=task.pk).status == TaskStatus.DONE

    # The cases not shared with him do not exist, as far as he can tell.
    for other in (not_shared, elsewhere):
        response = page.goto(f"{live_server.url}/cases/{other.pk}/")
        assert response is not None and response.status == 404

    views = AuditEvent.objects.filter(event_type=EventType.ASB_CASE_VIEWED, actor=w.gus)
    assert views.count() >= 2
    assert {e.object_id for e in views} == {str(shared.pk)}


def test_a_pcso_opens_a_case_from_an_incident(page: Page, live_server: Any, live_world: Any) -> None:
    w = live_world
    incident = asb_incident(w.alice, 3)
    page.set_viewport_size({"width": 360, "height": 740})
    browser_log_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/incidents/{incident.pk}/")
    page.get_by_role("link", name="Open an ASB case from this incident").click()
    page.get_by_label("Title").fill("Threats to the tenant at 14 Mill Road")
    page.get_by_label("What is the problem?").fill("Repeated threats and loud music from the flat above.")
    page.get_by_label("Risk", exact=True).select_option("medium")
    page.get_by_label("Why is the risk at that level?").fill("Elderly victim living alone; threats escalating.")
    page.get_by_label("Review the risk by").fill((today() + dt.timedelta(days=28)).isoformat())
    _no_sideways_scroll(page)
    _screenshot(page, "case-new.png")
    page.get_by_role("button", name="Open the case").click()
    expect(page.get_by_role("heading", name="Threats to the tenant at 14 Mill Road")).to_be_visible()
    case = AsbCase.objects.get(title="Threats to the tenant at 14 Mill Road")
    assert list(case.case_incidents.values_list("incident_id", flat=True)) == [incident.pk]
    assert case.parties.count() == 2  # the incident's victim and suspect
    expect(page.locator("main")).to_contain_text(case.reference)
