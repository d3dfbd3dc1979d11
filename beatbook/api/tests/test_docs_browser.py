"""The API docs page in Debian's Chromium: Swagger UI served by Beatbook, within the CSP."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from beatbook.core.testing import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_page_lists_the_operations_with_no_outside_requests(
    page: Page, live_server: Any, live_world: World
) -> None:
    client = Client()
    client.force_login(live_world.alice)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(f"{live_server.url}/api/v1/docs")

    # The OpenAPI document is large (over 100 paths): on a loaded machine Swagger UI takes a while.
    expect(page.get_by_role("heading", name="Beatbook API")).to_be_visible(timeout=30_000)
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/neighbourhoods/locate")).to_be_visible(
        timeout=30_000
    )
    assert outside == [], f"requests left Beatbook: {outside}"
    assert errors == [], f"console errors (a CSP violation shows here): {errors}"
