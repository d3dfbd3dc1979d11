"""In Chromium: the job page polls its progress with htmx and stops once the job has finished;
the audit pages fit a phone and raise no Content Security Policy errors."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from beatbook.core.testing import World, browser_log_in
from beatbook.jobs import services
from beatbook.jobs.models import Job

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def problems(page: Page) -> list[str]:
    """Console errors (a CSP refusal shows here) and failed requests, bar the browser's own
    /favicon.ico request."""
    found: list[str] = []
    page.on(
        "console",
        lambda m: found.append(m.text) if m.type == "error" and "Failed to load resource" not in m.text else None,
    )
    page.on(
        "response",
        lambda r: found.append(f"{r.status} {r.url}") if r.status >= 400 and "favicon" not in r.url else None,
    )
    return found


def test_the_progress_bar_follows_the_job_and_stops_polling(page: Page, live_server: Any, live_world: World) -> None:
    errors = problems(page)
    # A job row with no task behind it: the test plays the worker.
    job = Job.objects.create(kind="test", title="A long job", force=live_world.force_a, started_by=live_world.fay)
    services.job_running(job.pk, 10)
    services.job_progress(job.pk, 2)

    browser_log_in(page, live_server.url, "fay")
    page.goto(f"{live_server.url}/jobs/{job.pk}/")
    progress = page.get_by_test_id("job-progress")
    expect(progress).to_have_attribute("data-status", "running")
    expect(page.locator("progress.bb-progress")).to_have_attribute("value", "20")

    services.job_progress(job.pk, 7, message="seven done")
    expect(page.locator("progress.bb-progress")).to_have_attribute("value", "70", timeout=8000)
    expect(progress).to_contain_text("seven done")

    services.job_succeeded(job.pk, {"ok": True}, "All done")
    expect(progress).to_have_attribute("data-status", "succeeded", timeout=8000)
    expect(page.locator("progress.bb-progress")).to_have_attribute("value", "100")
    expect(page.get_by_test_id("job-progress")).not_to_have_attribute("hx-trigger", "load delay:1s, every 2s")
    assert errors == [], f"problems: {errors}"


def test_audit_search_fits_a_phone(page: Page, live_server: Any, live_world: World) -> None:
    errors = problems(page)
    page.set_viewport_size({"width": 360, "height": 740})
    browser_log_in(page, live_server.url, "fay")
    page.goto(f"{live_server.url}/audit/")
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    expect(page.get_by_test_id("audit-results")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at 360px"
    page.get_by_role("button", name="Verify the chain of Cambridgeshire Constabulary").click()
    expect(page.get_by_test_id("job-status")).to_have_text("Succeeded")
    expect(page.get_by_test_id("job-result")).to_contain_text("Yes")
    assert errors == [], f"problems: {errors}"
