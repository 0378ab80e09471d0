"""DRF throttles that fail open when the cache (Redis) is unreachable.

Throttling protects the service; it must not take it down. With Redis stopped, requests are
served unthrottled (and logged) instead of failing with a 500, so a seizure can still be
recorded and its alerts wait in the outbox until the broker is back.
"""

from __future__ import annotations

import logging

from rest_framework import throttling

log = logging.getLogger("crackdown.security")


class _FailOpen:
    def allow_request(self, request, view):  # type: ignore[no-untyped-def]
        try:
            return super().allow_request(request, view)  # type: ignore[misc]
        except Exception as exc:  # noqa: BLE001 — any cache backend error
            log.warning("throttle cache unavailable, request not throttled: %s", type(exc).__name__)
            return True


class AnonRateThrottle(_FailOpen, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_FailOpen, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(_FailOpen, throttling.ScopedRateThrottle):
    pass
