"""Browser test in Debian's Chromium for the portfolio and Independent Patrol Status, on a 360 px
phone (issue 6, "Done means"):

* a student PCSO (Alice, enrolled on the example Level 4 programme with tutor Tom and assessor
  Ada) opens an incident she recorded, which names a victim, a suspect and a caller with an
  address and a date of birth, and clicks "Use as evidence": the preview is a redacted copy; she
  maps it to the last criterion she needs for IPS, adds it and submits it;
* Ada opens it, sees no personal details, and judges the criterion met;
* the portfolio's coverage shows every IPS criterion met (it showed one missing before);
* Tom signs off Independent Patrol Status on the enrolment page.

Every page visited must fit 360 px without sideways scrolling and raise no console or script
error (a Content Security Policy violation is a console error).
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from beatbook.core.testing import World, browser_log_in
from beatbook.learning.models import Criterion, Evidence, EvidenceKind, Judgement, Milestone, MilestoneSignOff
from beatbook.learning.tests.test_portfolio import PERSONAL, Cast, incident
from beatbook.learning.tests.test_programmes import meet
from tests.browser.phone import fits, on_a_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_personal_data(text: str) -> None:
    lowered = text.lower()
    for value in PERSONAL:
        assert value.lower() not in lowered, value


def test_an_incident_becomes_evidence_is_judged_met_and_ips_is_signed_off(
    page: Page, live_server: Any, live_world: World
) -> None:
    cast = Cast(live_world)
    enrolment = cast.enrolment
    ips = list(Criterion.objects.filter(programme=cast.programme, needed_for_ips=True).order_by("position", "id"))
    last = ips[-1]
    meet(enrolment, ips[:-1], cast.assessor)  # all but one already met
    record = incident(live_world)
    base = live_server.url
    errors = on_a_phone(page)

    # The learner: the record, one click, the redacted preview, the criterion, submit.
    browser_log_in(page, base, "alice")
    page.goto(f"{base}/learning/enrolments/{enrolment.pk}/portfolio/")
    expect(page.get_by_test_id("coverage-summary")).to_contain_text(f"{len(ips) - 1}/{len(ips)}")
    fits(page)
    page.goto(f"{base}/incidents/{record.pk}/")
    page.get_by_test_id("use-as-evidence").get_by_role("button", name="Use as evidence").click()
    preview = page.get_by_test_id("preview")
    expect(preview).to_contain_text("[the victim]")
    _no_personal_data(preview.inner_text())
    fits(page)
    page.locator(f"input[name='criteria'][value='{last.pk}']").check()
    page.get_by_role("button", name="Add the copy to my portfolio").click()
    expect(page.get_by_test_id("evidence-body")).to_contain_text("[the suspect]")
    _no_personal_data(page.get_by_test_id("evidence-body").inner_text())
    fits(page)
    page.get_by_role("button", name="Submit for assessment").click()
    expect(page.get_by_test_id("mappings")).to_contain_text(last.code)
    evidence = Evidence.objects.get(enrolment=enrolment, kind=EvidenceKind.OPERATIONAL_RECORD)
    assert evidence.source_id == record.pk

    # The assessor judges it met.
    page.context.clear_cookies()
    browser_log_in(page, base, "ada")
    page.goto(f"{base}/learning/evidence/{evidence.pk}/")
    _no_personal_data(page.locator("main").inner_text())
    page.get_by_label("Criterion").select_option(str(last.pk))
    page.get_by_label("Judgement").select_option(Judgement.MET)
    fits(page)
    page.get_by_role("button", name="Record the judgement").click()
    expect(page.get_by_test_id("mappings")).to_contain_text("Met")
    assert evidence.mappings.get(criterion=last).judgement == Judgement.MET

    # The coverage now shows every criterion needed for IPS met.
    page.goto(f"{base}/learning/enrolments/{enrolment.pk}/portfolio/")
    expect(page.get_by_test_id("coverage-summary")).to_contain_text(f"{len(ips)}/{len(ips)}")
    fits(page)

    # The tutor signs off Independent Patrol Status.
    page.context.clear_cookies()
    browser_log_in(page, base, "tom")
    page.goto(f"{base}/learning/enrolments/{enrolment.pk}/")
    card = page.get_by_test_id("milestone-ips")
    expect(card).to_contain_text(f"{len(ips)} of {len(ips)} needed criteria met")
    fits(page)
    card.get_by_role("button", name="Sign off Independent Patrol Status").click()
    expect(page.get_by_test_id("milestone-ips")).to_contain_text("Signed off")
    fits(page)
    signoff = MilestoneSignOff.objects.get(enrolment=enrolment, milestone=Milestone.IPS, revoked_at__isnull=True)
    assert signoff.signed_by_id == cast.tutor.pk
    assert errors == []
