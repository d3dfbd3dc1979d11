"""Shared pytest fixtures: the persona world, and Playwright on Debian's Chromium."""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

from beatbook.core.testing import World, build_world

# Property tests judge correctness, never speed: no per-example deadline, which a loaded CI
# machine (the suite runs on every core) would otherwise miss now and then.
hypothesis_settings.register_profile("beatbook", deadline=None)
hypothesis_settings.load_profile("beatbook")

CHROMIUM = os.environ.get("BEATBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def live_world(transactional_db: None) -> World:
    """The persona world for browser tests, which talk to a live server in another thread and so
    need committed data (a transactional database)."""
    return build_world()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests need Chromium. Locally they skip without it; where BEATBOOK_REQUIRE_BROWSER
    is set (CI) a missing browser is an error, never a silent skip."""
    if os.path.exists(CHROMIUM) or shutil.which(CHROMIUM):
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        return
    if os.environ.get("BEATBOOK_REQUIRE_BROWSER"):
        raise pytest.UsageError(f"Browser tests are required but {CHROMIUM} is missing.")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)
