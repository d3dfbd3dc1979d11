"""The public API's rate limit: a leaky bucket per client IP address, as police.uk runs
(15 requests a second on average, bursts of up to 30; over it, 429 with `Retry-After`).

Each client's bucket is `(level, when)` in Django's default cache: the level drains at
`BEATBOOK_PUBLIC_API_RATE` per second, a request adds one, and a request that would take it over
`BEATBOOK_PUBLIC_API_BURST` is refused (and adds nothing). Either setting at 0 switches the limit
off. Times are the wall clock's, which every process sharing the cache agrees on.

With the default local-memory cache each server process keeps its own buckets, and a lock makes
the read-and-write exact within the process. With Redis as the default cache
(`BEATBOOK_CACHE_URL`), every process shares the buckets and the whole read-drain-add-write runs
as one Lua script inside Redis, so simultaneous requests on different processes or servers are
counted exactly: the limit holds for the site, not per process. Any other shared cache falls back
to the get-and-set path, where two simultaneous requests may both pass at the very edge.

The client is the connection's address; behind a proxy (`BEATBOOK_BEHIND_PROXY`, which sets
SECURE_PROXY_SSL_HEADER) it is the last address of `X-Forwarded-For`, the one the proxy added.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
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
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        return _redis_retry_after(backend, key, limit, moment)
    with _lock:
        stored = cache.get(key)
        level, when = stored if isinstance(stored, tuple) and len(stored) == 2 else (0.0, moment)
        level = max(0.0, float(level) - max(0.0, moment - float(when)) * limit.rate)
        if level + 1 > limit.burst:
            cache.set(key, (level, moment), timeout=_ttl(limit))
            return max(1, math.ceil((level + 1 - limit.burst) / limit.rate))
        cache.set(key, (level + 1, moment), timeout=_ttl(limit))
    return None


# KEYS[1] the bucket; ARGV: now (s), rate (/s), burst, ttl (s). Answers "" when the request may
# go ahead (and counts it), else the bucket's level (as text: Lua numbers reach Python as integers).
_BUCKET_SCRIPT = """
local now, rate, burst, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local stored = redis.call('HMGET', KEYS[1], 'level', 'when')
local level, when = tonumber(stored[1]) or 0, tonumber(stored[2]) or now
level = math.max(0, level - math.max(0, now - when) * rate)
local answer = ''
if level + 1 > burst then answer = tostring(level) else level = level + 1 end
redis.call('HSET', KEYS[1], 'level', tostring(level), 'when', tostring(now))
redis.call('EXPIRE', KEYS[1], ttl)
return answer
"""


def _redis_retry_after(backend: RedisCache, key: str, limit: Limit, moment: float) -> int | None:
    full_key = backend.make_and_validate_key(key)
    client = backend._cache.get_client(full_key, write=True)
    answer = client.eval(_BUCKET_SCRIPT, 1, full_key, repr(moment), repr(limit.rate), limit.burst, _ttl(limit))
    if not answer:
        return None
    level = float(answer.decode() if isinstance(answer, bytes) else answer)
    return max(1, math.ceil((level + 1 - limit.burst) / limit.rate))


def _ttl(limit: Limit) -> int:
    """Long enough for a full bucket to drain, after which a forgotten bucket is an empty one."""
    return math.ceil(limit.burst / limit.rate) + 1
