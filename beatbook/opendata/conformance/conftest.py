"""The live server with the Exampleshire dataset, loopback traffic kept off any proxy, and a
server-side record of the requests the API received (method and path)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connections
from django.http import HttpRequest, QueryDict
from pytest_django.live_server_helper import LiveServer

from beatbook.opendata import ratelimit
from beatbook.opendata.tests.exampleshire import Exampleshire, build_exampleshire
from beatbook.opendata.views import policeuk


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "127.0.0.1,localhost")


@pytest.fixture(autouse=True)
def _no_persistent_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    """The live server's request threads close their database connections after each request,
    so that none is still open when the test database is dropped (PostgreSQL refuses then)."""
    monkeypatch.setitem(connections["default"].settings_dict, "CONN_MAX_AGE", 0)


@pytest.fixture
def ex(transactional_db: None) -> Exampleshire:
    return build_exampleshire()


@pytest.fixture
def base(live_server: LiveServer, ex: Exampleshire) -> str:
    """The API's base URL, with the trailing slash most clients need."""
    return f"{live_server.url}/api/"


@pytest.fixture
def received(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """(method, path) of every request the API reads parameters for, seen by the server."""
    seen: list[tuple[str, str]] = []
    original: Callable[[HttpRequest], QueryDict] = policeuk._params

    def recording(request: HttpRequest) -> QueryDict:
        seen.append((str(request.method), request.path))
        return original(request)

    monkeypatch.setattr(policeuk, "_params", recording)
    return seen


class FakeClock:
    """A clock for the rate limiter that moves only when told (or when a client sleeps)."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def limited(settings: Any, monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The rate limit switched on (as police.uk: 15 a second, bursts of 30) on a stopped clock."""
    settings.BEATBOOK_PUBLIC_API_RATE, settings.BEATBOOK_PUBLIC_API_BURST = 15, 30
    clock = FakeClock()
    monkeypatch.setattr(ratelimit, "time", clock)
    cache.clear()
    return clock
