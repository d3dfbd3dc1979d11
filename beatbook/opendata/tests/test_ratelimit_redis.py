"""The public API's rate limit with Redis as the shared cache (BEATBOOK_CACHE_URL): the bucket is
drained, counted and written in one Lua script, so requests arriving at once on separate
connections (as from several server processes) are counted exactly.

Needs the Redis server on 127.0.0.1:6379 (CI has one); skipped where none answers."""

from __future__ import annotations

import contextlib
import secrets
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.test import RequestFactory

from beatbook.opendata import ratelimit

REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not _redis_answers(), reason="no Redis server on 127.0.0.1:6379")


@pytest.fixture
def redis_cache(settings: Any) -> Iterator[None]:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"beatbook-test-{secrets.token_hex(6)}",  # nothing shared with other runs
        }
    }
    settings.BEATBOOK_PUBLIC_API_RATE, settings.BEATBOOK_PUBLIC_API_BURST = 15, 30
    yield
    caches["default"].clear()


def _request(address: str = "10.1.1.1") -> Any:
    return RequestFactory().get("/api/forces", REMOTE_ADDR=address)


@needs_redis
def test_the_redis_bucket_drains_at_the_rate(redis_cache: None) -> None:
    assert type(caches["default"]).__name__ == "RedisCache"
    now = 2_000_000.0
    assert [ratelimit.retry_after(_request(), now=now) for _ in range(30)] == [None] * 30
    assert ratelimit.retry_after(_request(), now=now) == 1
    assert ratelimit.retry_after(_request("10.1.1.2"), now=now) is None  # another client
    # A second later 15 have drained: 15 more pass, the 16th does not.
    later = [ratelimit.retry_after(_request(), now=now + 1.0) for _ in range(16)]
    assert later[:15] == [None] * 15 and later[15] == 1
    # Far over the burst the wait grows with the level, never below one second.
    assert ratelimit.retry_after(_request(), now=now + 1.0) == 1


@needs_redis
def test_simultaneous_requests_on_separate_connections_are_counted_exactly(
    redis_cache: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Eight threads (each with its own Redis connection, and without the in-process lock, as
    separate server processes would be) send 104 requests at the same instant: exactly the burst
    of 30 passes. The get-then-set path of a plain shared cache lets more through."""
    monkeypatch.setattr(ratelimit, "_lock", contextlib.nullcontext())
    now = 3_000_000.0
    passed: list[bool] = []
    guard = threading.Lock()
    start = threading.Barrier(8)

    def hammer() -> None:
        start.wait()
        for _ in range(100 // 8 + 1):
            answer = ratelimit.retry_after(_request("10.2.2.2"), now=now)
            with guard:
                passed.append(answer is None)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(passed) == 8 * (100 // 8 + 1)
    assert sum(passed) == 30


def test_the_setting_names_a_redis_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """BEATBOOK_CACHE_URL picks the Redis backend; anything but a Redis address is refused."""
    import importlib

    import config.settings as real

    monkeypatch.setenv("BEATBOOK_CACHE_URL", REDIS_URL)
    try:
        reloaded = importlib.reload(real)
        assert reloaded.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
        assert reloaded.CACHES["default"]["LOCATION"] == REDIS_URL
        monkeypatch.setenv("BEATBOOK_CACHE_URL", "memcached://127.0.0.1:11211")
        with pytest.raises(Exception, match="BEATBOOK_CACHE_URL"):
            importlib.reload(real)
    finally:
        monkeypatch.delenv("BEATBOOK_CACHE_URL")
        importlib.reload(real)
