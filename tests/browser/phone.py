"""What the browser tests check on every page on a phone: it fits 360 px without sideways
scrolling, and it raises no console or script error (a Content Security Policy violation is a
console error)."""

from __future__ import annotations

from playwright.sync_api import Page


def fits(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at 360px"


def on_a_phone(page: Page) -> list[str]:
    """Set a 360 x 740 viewport and collect the page's console and script errors from now on."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    page.set_viewport_size({"width": 360, "height": 740})
    return errors
