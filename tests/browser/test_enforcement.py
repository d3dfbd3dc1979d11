"""Browser tests in Debian's Chromium for designated powers and enforcement, on a 360 px phone:

* a Cambridgeshire PCSO (Alice) records a refused requirement to give a name and address, starts
  a detention pending a constable from it, watches the live timer run, ends the detention, and
  finds both records in the register;
* a Derbyshire PCSO (Hal) records the same requirement, but the detention is refused with the
  reason on the page (Derbyshire did not designate detention): nothing stored, the refusal audited;
* a penalty notice for litter under the council's tariff is issued and printed as a PDF;
* a s.59 vehicle seizure finds the earlier warning to the same vehicle by itself, though the
  registration is typed differently;
* "My powers" lists detention with its 30-minute limit for Alice and not for Hal; the comparison
  of forces shows Cambridgeshire designated it and Derbyshire did not.

Every page visited must fit 360 px without sideways scrolling and raise no console or script error.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import ConsoleMessage, Page, expect

from beatbook.audit.models import AuditEvent, EventType
from beatbook.core.testing import World, browser_log_in
from beatbook.enforcement.models import Detention, EnforcementRecord, NameAddressRequirement
from beatbook.enforcement.reference import RecordKind
from beatbook.powers.models import PenaltyOffence, Power
from beatbook.powers.reference import DETAIN
from beatbook.powers.testing import powers_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLOCK = re.compile(r"^\d{2}:\d{2}$")


def _screenshot(page: Page, name: str) -> None:
    folder = os.environ.get("BEATBOOK_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, name), full_page=True)


# The innermost elements whose right edge passes the screen's (up to five), to say what to fix.
WIDE = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("main *")]
    .filter((el) => el.getBoundingClientRect().right > width + 0.5 && !el.closest(".bb-table-wrap"))
    .filter((el) => ![...el.children].some((c) => c.getBoundingClientRect().right > width + 0.5))
    .slice(0, 5)
    .map((el) => `<${el.tagName.toLowerCase()} class="${el.className}"> ${el.textContent.trim().slice(0, 40)}`);
}"""


def _no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at 360px: {page.evaluate(WIDE)}"


def _on_a_phone(page: Page) -> list[str]:
    """A 360 px screen, and the console errors and failed scripts of every page (the test fails on
    any of them). A page answering 400 to its own form (a refusal, shown on the page) is the one
    "failed to load" Chromium reports that is not an error; a failed script, style or image is."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        refused_form = message.text.endswith("status of 400 (Bad Request)") and message.location.get("url") == page.url
        if message.type == "error" and not refused_form:
            errors.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    page.set_viewport_size({"width": 360, "height": 740})
    return errors


def _checked(page: Page, name: str) -> None:
    """The page fits the phone; a screenshot when asked for."""
    _no_sideways_scroll(page)
    _screenshot(page, name)


def _place_on_the_map(page: Page) -> None:
    """Tap the middle of the map: inside the PCSO's one neighbourhood, which the map fits to."""
    pick = page.locator("#pick-map")
    expect(pick).to_have_attribute("data-features", "1")
    pick.click(position={"x": 160, "y": 120})
    expect(pick).to_have_attribute("data-placed", "1")
    assert page.input_value("#id_lat") and page.input_value("#id_lng")


def _record_refused_requirement(page: Page, base: str) -> str:
    """Record a requirement to give a name and address that the person refused; its reference."""
    page.goto(f"{base}/enforcement/name-address/new/")
    expect(page.get_by_role("heading", name="Requirement to give name and address")).to_be_visible()
    _checked(page, "name-address-form.png")
    _place_on_the_map(page)
    page.get_by_label("Place", exact=True).fill("Market Square, by the fountain")
    page.get_by_label("Relevant offence").select_option("harm")
    page.get_by_label("What you had reason to believe").fill("Kicked over the flower stall and swore at the trader.")
    page.get_by_label("Refused", exact=True).check()
    page.get_by_role("button", name="Save the requirement").click()
    expect(page.get_by_text("has been recorded")).to_be_visible()
    expect(page.get_by_test_id("name-address")).to_contain_text("Refused")
    _checked(page, "name-address-detail.png")
    return page.get_by_test_id("record-reference").inner_text().strip()


def test_a_cambridgeshire_pcso_detains_pending_a_constable_with_a_live_timer(
    page: Page, live_server: Any, live_world: World
) -> None:
    w = powers_world(live_world)
    base = live_server.url
    errors = _on_a_phone(page)
    browser_log_in(page, base, "alice")

    requirement_ref = _record_refused_requirement(page, base)
    page.get_by_role("button", name="Detain pending a constable").click()
    expect(page.get_by_role("heading", name="Start a detention")).to_be_visible()
    expect(page.get_by_test_id("requirement")).to_contain_text(requirement_ref)
    _checked(page, "detention-start.png")
    page.get_by_label("I have asked for a constable").check()
    page.get_by_role("button", name="Start detention now").click()

    expect(page.get_by_text("has started")).to_be_visible()
    detention = Detention.objects.select_related("record").get(requirement__record__reference=requirement_ref)
    assert detention.record.officer_id == w.alice.pk and detention.limit_minutes == 30
    assert detention.constable_requested_at is not None
    expect(page.get_by_test_id("record-reference")).to_have_text(detention.record.reference)

    # The live timer: a running mm:ss clock, the start, and the time to release the person by.
    timer = page.get_by_test_id("detention-timer")
    expect(timer).to_be_visible()
    clock = timer.locator("[data-timer-value]")
    expect(clock).to_be_visible()
    expect(clock).to_have_text(CLOCK)
    expect(timer.locator("[data-timer-tag]")).to_have_text("Running")
    start = timezone.localtime(detention.record.occurred_at)
    deadline = start + dt.timedelta(minutes=30)
    expect(page.get_by_test_id("timer-start")).to_contain_text(start.strftime("%H:%M"))
    expect(page.get_by_test_id("timer-deadline")).to_have_text(deadline.strftime("%H:%M"))
    first = clock.inner_text()
    expect(clock).not_to_have_text(first, timeout=5000)  # it ticks every second
    assert CLOCK.match(clock.inner_text())
    _checked(page, "detention-running.png")

    # She releases the person: the detention ends, the timer goes.
    end_form = page.get_by_test_id("detention-end-form")
    end_form.get_by_label("Released", exact=True).check()
    end_form.get_by_role("button", name="End detention now").click()
    expect(page.get_by_text("has ended")).to_be_visible()
    expect(page.get_by_test_id("detention-ended")).to_contain_text("Released")
    expect(page.get_by_test_id("detention-timer")).to_have_count(0)
    _checked(page, "detention-ended.png")
    detention.refresh_from_db()
    assert detention.ended_at is not None and detention.outcome == "released"
    assert AuditEvent.objects.filter(event_type=EventType.DETENTION_ENDED, actor=w.alice).count() == 1

    # Both records are in the register.
    page.goto(f"{base}/enforcement/")
    expect(page.get_by_role("heading", name="Enforcement register")).to_be_visible()
    table = page.get_by_test_id("register-table")
    expect(table.get_by_role("link", name=requirement_ref)).to_be_visible()
    expect(table.get_by_role("link", name=detention.record.reference)).to_be_visible()
    expect(table).to_contain_text("Detention pending a constable")
    _checked(page, "enforcement-register.png")
    assert errors == [], f"console errors: {errors}"


def test_a_derbyshire_pcso_may_not_detain_and_is_told_why(page: Page, live_server: Any, live_world: World) -> None:
    w = powers_world(live_world)
    base = live_server.url
    errors = _on_a_phone(page)
    browser_log_in(page, base, "hal")

    requirement_ref = _record_refused_requirement(page, base)
    requirement = NameAddressRequirement.objects.get(record__reference=requirement_ref)
    assert requirement.record.officer_id == w.hal.pk
    before = EnforcementRecord.objects.count()

    page.get_by_role("button", name="Detain pending a constable").click()
    expect(page.get_by_role("heading", name="Start a detention")).to_be_visible()
    with page.expect_response(lambda r: r.request.method == "POST" and "/detention/new/" in r.url) as answer:
        page.get_by_role("button", name="Start detention now").click()
    assert answer.value.status == 400

    refusal = page.get_by_test_id("refusal")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("You did not hold this power")
    reason = page.get_by_test_id("refusal-reason")
    expect(reason).to_contain_text("Derbyshire Constabulary did not designate")
    expect(reason).to_contain_text(Power.objects.get(force=w.force_b, code=DETAIN).title)
    expect(refusal).to_contain_text("Nothing has been recorded")
    _checked(page, "detention-refused.png")

    assert EnforcementRecord.objects.count() == before
    assert not EnforcementRecord.objects.filter(kind=RecordKind.DETENTION).exists()
    assert not Detention.objects.exists()
    refused = AuditEvent.objects.filter(event_type=EventType.ENFORCEMENT_REFUSED, actor=w.hal)
    assert refused.count() == 1
    assert errors == [], f"console errors: {errors}"


def test_a_penalty_notice_is_issued_and_printed_as_a_pdf(page: Page, live_server: Any, live_world: World) -> None:
    w = powers_world(live_world)
    base = live_server.url
    errors = _on_a_phone(page)
    browser_log_in(page, base, "alice")

    page.goto(f"{base}/enforcement/penalties/new/")
    expect(page.get_by_role("heading", name="Issue a penalty notice")).to_be_visible()
    _checked(page, "penalty-form.png")
    _place_on_the_map(page)
    page.get_by_label("Place", exact=True).fill("Petty Cury")
    page.get_by_label("Full name").fill("Jordan Pike")
    page.get_by_label("Date of birth").fill("1994-03-12")
    page.get_by_label("Address", exact=True).fill("7 Tenison Road, Cambridge")
    litter = PenaltyOffence.objects.get(force=w.force_a, code="litter")
    page.get_by_label("Offence", exact=True).select_option(str(litter.pk))
    page.get_by_label("Issuing authority").select_option(label="Cambridge City Council")
    page.get_by_label("What the person did").fill("Dropped a coffee cup and walked away when asked to pick it up.")
    page.get_by_role("button", name="Issue the notice").click()

    expect(page.get_by_text("has been issued")).to_be_visible()
    expect(page.get_by_test_id("penalty-status")).to_have_text("Issued")
    expect(page.get_by_test_id("penalty-amount")).to_contain_text("£100.00")
    expect(page.get_by_test_id("penalty-amount")).to_contain_text("£60.00")
    expect(page.get_by_test_id("penalty")).to_contain_text("Cambridge City Council")
    _checked(page, "penalty-detail.png")
    record = EnforcementRecord.objects.get(kind=RecordKind.PENALTY)

    link = page.get_by_role("link", name="Print notice (PDF)")
    expect(link).to_be_visible()
    href = link.get_attribute("href")
    assert href
    response = page.request.get(f"{base}{href}")  # with the page's session
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    printed = AuditEvent.objects.filter(event_type=EventType.PENALTY_PRINTED, actor=w.alice)
    assert [e.object_id for e in printed] == [str(record.pk)]
    assert errors == [], f"console errors: {errors}"


def test_a_vehicle_seizure_finds_the_earlier_warning_by_itself(page: Page, live_server: Any, live_world: World) -> None:
    powers_world(live_world)
    base = live_server.url
    errors = _on_a_phone(page)
    browser_log_in(page, base, "alice")

    page.goto(f"{base}/enforcement/vehicle-warnings/new/")
    expect(page.get_by_role("heading", name="Record a vehicle warning (s.59)")).to_be_visible()
    _checked(page, "vehicle-warning-form.png")
    _place_on_the_map(page)
    page.get_by_label("Registration").fill("AB12 CDE")
    page.get_by_label("Vehicle", exact=True).fill("Red scooter")
    page.get_by_label("How it was being used").fill("Wheelies along the pavement of Jesus Green, scattering walkers.")
    page.get_by_role("button", name="Save the warning").click()
    expect(page.get_by_text("has been recorded")).to_be_visible()
    warning_ref = page.get_by_test_id("record-reference").inner_text().strip()
    _checked(page, "vehicle-warning-detail.png")

    page.goto(f"{base}/enforcement/seizures/new/")
    expect(page.get_by_role("heading", name="Record a confiscation or seizure")).to_be_visible()
    _checked(page, "seizure-form.png")
    _place_on_the_map(page)
    page.get_by_label("What was seized").select_option("vehicle_s59")
    page.get_by_label("Item", exact=True).fill("Red scooter")
    page.get_by_label("Quantity").fill("1")
    page.get_by_label("What was done with it").select_option("vehicle_removed")
    page.get_by_label("Registration").fill("ab12cde")  # typed differently, and no warning chosen
    page.get_by_role("button", name="Save the seizure").click()

    expect(page.get_by_text("has been recorded")).to_be_visible()
    seizure = EnforcementRecord.objects.get(kind=RecordKind.SEIZURE)
    expect(page.get_by_test_id("record-reference")).to_have_text(seizure.reference)
    found = page.get_by_test_id("seizure-warning")
    expect(found).to_contain_text(warning_ref)
    expect(found.get_by_role("link", name=warning_ref)).to_be_visible()
    _checked(page, "seizure-detail.png")
    assert seizure.seizure.warning is not None and seizure.seizure.warning.record.reference == warning_ref
    assert errors == [], f"console errors: {errors}"


def test_my_powers_and_the_comparison_show_who_may_detain(page: Page, live_server: Any, live_world: World) -> None:
    powers_world(live_world)
    base = live_server.url
    errors = _on_a_phone(page)

    browser_log_in(page, base, "alice")
    page.goto(f"{base}/powers/")
    expect(page.get_by_role("heading", name="My powers")).to_be_visible()
    detain = page.locator(f'[data-testid="held-power"][data-code="{DETAIN}"]')
    expect(detain).to_have_count(1)
    expect(detain).to_contain_text("Detain")
    expect(detain.get_by_test_id("limits")).to_contain_text("30 minutes")
    _checked(page, "my-powers-alice.png")

    page.goto(f"{base}/powers/compare/")
    expect(page.get_by_role("heading", name="Compare forces' powers")).to_be_visible()
    expect(page.get_by_test_id(f"cell-{DETAIN}-cambridgeshire")).to_contain_text("Designated")
    expect(page.get_by_test_id(f"cell-{DETAIN}-cambridgeshire")).not_to_contain_text("Not designated")
    expect(page.get_by_test_id(f"cell-{DETAIN}-derbyshire")).to_contain_text("Not designated")
    _checked(page, "powers-compare.png")

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{base}/accounts/login/")
    browser_log_in(page, base, "hal")
    page.goto(f"{base}/powers/")
    expect(page.get_by_role("heading", name="My powers")).to_be_visible()
    expect(page.get_by_test_id("held-power").first).to_be_visible()  # he holds other powers
    expect(page.locator(f'[data-testid="held-power"][data-code="{DETAIN}"]')).to_have_count(0)
    _checked(page, "my-powers-hal.png")
    assert errors == [], f"console errors: {errors}"
