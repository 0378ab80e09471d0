"""With Redis unreachable the API keeps answering: throttles fail open instead of failing the request."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.test import override_settings

DEAD_REDIS = {
    "default": {
        # The settings' backend, pointed where nothing listens.
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


@pytest.fixture
def dead_cache():
    # Changing CACHES makes Django rebuild its cache handlers (django.test.signals).
    with override_settings(CACHES=DEAD_REDIS):
        yield


def test_api_answers_while_the_cache_is_down(kim, api_as, dead_cache):
    from django.core.cache import cache

    with pytest.raises(Exception):  # noqa: B017 — proves the cache really is unreachable
        cache.get("anything")
    response = api_as(kim).get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["email"] == kim.email


def test_the_configured_cache_round_trips_through_redis(settings):
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL: a real Redis")
    cache = caches["default"]
    cache.set("crackdown-cache-probe", {"n": 1}, 5)
    assert cache.get("crackdown-cache-probe") == {"n": 1}
    cache.delete("crackdown-cache-probe")
    assert cache.get("crackdown-cache-probe") is None
