"""The public API's rate limit: a leaky bucket per client IP address, as police.uk runs
(15 requests a second on average, bursts of up to 30; over it, 429 with `Retry-After`).

Each client's bucket is `(level, when)` in Django's default cache: the level drains at
`BEATBOOK_PUBLIC_API_RATE` per second, a request adds one, and a request that would take it over
`BEATBOOK_PUBLIC_API_BURST` is refused (and adds nothing). Either setting at 0 switches the limit
off. Times are the wall clock's, which every process sharing the cache agrees on. A lock makes
the read-and-write exact within one process; with a cache shared by several processes (e.g.
Redis or memcached) two simultaneous requests may both pass at the very edge, which is fine for
a limit whose purpose is fairness, not security. With the default local-memory cache each
server process keeps its own buckets.

The client is the connection's address; behind a proxy (`BEATBOOK_BEHIND_PROXY`, which sets
SECURE_PROXY_SSL_HEADER) it is the last address of `X-Forwarded-For`, the one the proxy added.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

DEFAULT_RATE = 15
DEFAULT_BURST = 30
_KEY = "beatbook:policeuk-api:bucket:"
_lock = threading.Lock()


@dataclass(frozen=True)
class Limit:
    rate: float  # requests drained per second
    burst: int  # the bucket's size

    @property
    def on(self) -> bool:
        return self.rate > 0 and self.burst > 0


def current_limit() -> Limit:
    return Limit(
        rate=float(getattr(settings, "BEATBOOK_PUBLIC_API_RATE", DEFAULT_RATE)),
        burst=int(getattr(settings, "BEATBOOK_PUBLIC_API_BURST", DEFAULT_BURST)),
    )


def client_address(request: HttpRequest) -> str:
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")]
        if forwarded and forwarded[-1]:
            return forwarded[-1][:64]
    return str(request.META.get("REMOTE_ADDR") or "unknown")[:64]


def retry_after(request: HttpRequest, *, now: float | None = None) -> int | None:
    """Count the request against its client's bucket: None when it may go ahead, otherwise the
    whole number of seconds (at least 1) after which it would be accepted."""
    limit = current_limit()
    if not limit.on:
        return None
    moment = time.time() if now is None else now
    key = _KEY + client_address(request)
    with _lock:
        stored = cache.get(key)
        level, when = stored if isinstance(stored, tuple) and len(stored) == 2 else (0.0, moment)
        level = max(0.0, float(level) - max(0.0, moment - float(when)) * limit.rate)
        if level + 1 > limit.burst:
            cache.set(key, (level, moment), timeout=_ttl(limit))
            return max(1, math.ceil((level + 1 - limit.burst) / limit.rate))
        cache.set(key, (level + 1, moment), timeout=_ttl(limit))
    return None


def _ttl(limit: Limit) -> int:
    """Long enough for a full bucket to drain, after which a forgotten bucket is an empty one."""
    return math.ceil(limit.burst / limit.rate) + 1
