"""DRF throttles kept in Redis in one atomic step, and failing open when Redis is unreachable.

DRF's throttle keeps each client's request times as one list in the cache: every request
reads the whole list, trims it and writes it back, so at 1,200 requests a minute each call
moves and pickles up to 1,200 floats twice, and two concurrent requests can each write back
a list without the other's entry. With the Redis cache, the same sliding window is a sorted
set changed by one Lua script: one round trip, atomic, and only a few bytes each way. Rates,
scopes, keys and `Retry-After` are DRF's; any other cache backend (`make run` without Redis)
uses DRF's list as before.

Throttling protects the service; it must not take it down. With Redis stopped, requests are
served unthrottled (and logged) instead of failing with a 500, so a seizure can still be
recorded and its alerts wait in the outbox until the broker is back.
"""

from __future__ import annotations

import functools
import logging
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest, HttpResponseBase
from redis import Redis
from rest_framework import throttling

if TYPE_CHECKING:
    from redis import Redis
    from redis.commands.core import Script
    from rest_framework.request import Request
    from rest_framework.views import APIView

log = logging.getLogger("crackdown.security")

# KEYS[1]: the window's sorted set; ARGV: now, duration (s), allowed requests, a unique member.
# Drops the times at or before now - duration (DRF's rule), then admits the request if fewer
# than the allowed number remain. Returns {admitted, times in the window, t}: t is the oldest
# time in the window (for Retry-After and the RateLimit header's reset), as Redis's string since
# Lua numbers come back truncated to integers.
_SLIDING_WINDOW = """
local key = KEYS[1]
local now = tonumber(ARGV[1])
local duration = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - duration)
local count = redis.call('ZCARD', key)
if count >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return {0, count, oldest[2] or ARGV[1]}
end
redis.call('ZADD', key, now, ARGV[4])
redis.call('EXPIRE', key, duration)
local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return {1, count + 1, first[2] or ARGV[1]}
"""
_scripts: list[Script] = []  # the script as redis-py registers it (sent by its SHA, loaded again if lost)


def redis_client() -> Redis | None:
    """A redis-py client of the default cache's Redis (its writer, the first location), or
    None when the default cache is not Redis.

    Django's cache builds a client for every call and has no public way to hand one out; the
    throttle keeps one per configured Redis instead (redis-py clients are thread-safe and take
    a connection from their pool for each command).
    """
    if not isinstance(caches[DEFAULT_CACHE_ALIAS], RedisCache):
        return None
    config: dict[str, Any] = settings.CACHES[DEFAULT_CACHE_ALIAS]
    location: str | list[str] = config["LOCATION"]
    if isinstance(location, str):
        location = location.replace(";", ",").split(",")
    options: dict[str, object] = config.get("OPTIONS") or {}
    return _client(location[0].strip(), tuple(sorted(options.items())))


@functools.lru_cache(maxsize=8)
def _client(url: str, options: tuple[tuple[str, object], ...]) -> Redis:
    return Redis.from_url(url, **dict(options))


def _sliding_window(client: Redis) -> Script:
    if not _scripts:
        _scripts.append(client.register_script(_SLIDING_WINDOW))
    return _scripts[0]


class _FailOpen(throttling.SimpleRateThrottle):
    # Set by SimpleRateThrottle.__init__ from the rate, and by _RedisWindow; undeclared in its stubs.
    num_requests: int
    duration: int
    _count: int
    _oldest: float

    def allow_request(self, request: Request, view: APIView) -> bool:
        try:
            allowed = super().allow_request(request, view)
        except Exception as exc:  # noqa: BLE001 — any cache backend error
            log.warning("throttle cache unavailable, request not throttled: %s", type(exc).__name__)
            return True
        self._record(request)
        return allowed

    def _record(self, request: Request) -> None:
        """Keep this policy's quota on the request for the RateLimit headers (see the middleware)."""
        if request is None or self.rate is None or getattr(self, "key", None) is None or not hasattr(self, "now"):
            return
        if hasattr(self, "_count"):  # the Redis window
            used, oldest = self._count, self._oldest
        else:  # DRF's list, newest first
            used, oldest = len(self.history), (self.history[-1] if self.history else self.now)
        reset = max(0, math.ceil(self.duration - (self.now - oldest)))
        quotas = getattr(request._request, RATELIMITS, None)
        if quotas is None:
            quotas = []
            setattr(request._request, RATELIMITS, quotas)
        name = getattr(self, "scope", None) or type(self).__name__
        quotas.append(Quota(name, self.num_requests, self.duration, max(0, self.num_requests - used), reset))


RATELIMITS = "_crackdown_ratelimits"


@dataclass(frozen=True)
class Quota:
    policy: str
    limit: int
    window: int
    remaining: int
    reset: int


class RateLimitHeadersMiddleware:
    """The IETF RateLimit headers (draft-ietf-httpapi-ratelimit-headers) on every throttled API answer.

    `RateLimit-Policy` lists each policy that applied (`"user";q=1200;w=60`), `RateLimit` the
    one closest to its limit (`"user";r=1187;t=42`: requests remaining, seconds until the window
    frees one); a 429 also carries `Retry-After` (DRF's).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        quotas: list[Quota] | None = getattr(request, RATELIMITS, None)
        if quotas:
            response["RateLimit-Policy"] = ", ".join(f'"{q.policy}";q={q.limit};w={q.window}' for q in quotas)
            tightest = min(quotas, key=lambda q: (q.remaining, -q.reset))
            response["RateLimit"] = f'"{tightest.policy}";r={tightest.remaining};t={tightest.reset}'
        return response


class _RedisWindow(throttling.SimpleRateThrottle):
    """DRF's sliding window as a Redis sorted set, when the cache is Redis (see the module)."""

    # Set by SimpleRateThrottle.__init__ from the rate; undeclared in its stubs.
    num_requests: int
    duration: int
    _count: int
    _oldest: float

    def allow_request(self, request: Request, view: APIView) -> bool:
        client = redis_client()
        if client is None or self.rate is None:
            return super().allow_request(request, view)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        now = repr(self.now)
        # Its own key: DRF's list under the same name (a rolling deploy) is another Redis type.
        key = self.cache.make_and_validate_key(f"{self.key}:window")
        admitted, self._count, oldest = _sliding_window(client)(
            keys=[key],
            # A unique member: two requests in the same microsecond stay two.
            args=[now, self.duration, self.num_requests, f"{now}:{secrets.token_hex(4)}"],
            client=client,
        )
        self._oldest = float(oldest)
        return bool(admitted)

    def wait(self) -> float | None:
        if not hasattr(self, "_count"):
            return super().wait()
        # DRF's advice: the rest of the oldest request's window, spread over what is left.
        available = self.num_requests - self._count + 1
        if available <= 0:
            return None
        return (self.duration - (self.now - self._oldest)) / float(available)


class AnonRateThrottle(_FailOpen, throttling.AnonRateThrottle, _RedisWindow):
    pass


class UserRateThrottle(_FailOpen, throttling.UserRateThrottle, _RedisWindow):
    pass


class ScopedRateThrottle(_FailOpen, throttling.ScopedRateThrottle, _RedisWindow):
    pass
