"""The API's throttles on Redis: DRF's sliding window, counted atomically in one round trip."""

from __future__ import annotations

import threading

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from crackdown.api import throttling

pytestmark = pytest.mark.usefixtures("_needs_redis")


@pytest.fixture
def _needs_redis(settings):
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL: the throttles' Redis window")


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def throttle(rate: str, clock=None, key: str = "throttle_test_client"):
    class Throttle(throttling.UserRateThrottle):
        pass

    Throttle.rate = rate
    Throttle.get_cache_key = lambda self, request, view: key
    if clock is not None:
        Throttle.timer = staticmethod(clock)
    return Throttle()


def test_the_window_admits_the_rate_then_refuses_until_the_oldest_request_leaves():
    clock = Clock(1_000_000.0)
    admitted = []
    for step in (0, 10, 20, 30):  # 3 a minute: the 4th, 30 s in, is refused
        clock.now = 1_000_000.0 + step
        check = throttle("3/min", clock)
        admitted.append(check.allow_request(None, None))
    assert admitted == [True, True, True, False]
    assert check.wait() == pytest.approx(30.0)  # the first request leaves the window at 60 s
    clock.now = 1_000_000.0 + 60  # DRF's rule: a request exactly one duration old has left
    assert throttle("3/min", clock).allow_request(None, None) is True
    clock.now = 1_000_000.0 + 61
    assert throttle("3/min", clock).allow_request(None, None) is False  # the 10 s one is still in


def test_a_refused_request_does_not_use_up_the_window():
    clock = Clock(2_000_000.0)
    assert [throttle("1/min", clock).allow_request(None, None) for _ in range(5)] == [True] + [False] * 4
    clock.now += 60
    assert throttle("1/min", clock).allow_request(None, None) is True


def test_concurrent_requests_are_each_counted_once():
    results: list[bool] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def client() -> None:
        start.wait()
        for _ in range(5):
            allowed = throttle("25/min").allow_request(None, None)
            with lock:
                results.append(allowed)

    threads = [threading.Thread(target=client) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 40
    assert results.count(True) == 25  # no request lost or counted twice between the 8 clients


def test_clients_have_separate_windows():
    assert throttle("1/min", key="throttle_a").allow_request(None, None) is True
    assert throttle("1/min", key="throttle_b").allow_request(None, None) is True
    assert throttle("1/min", key="throttle_a").allow_request(None, None) is False


def test_the_window_expires_from_redis_with_its_duration():
    throttle("5/min", key="throttle_ttl").allow_request(None, None)
    client = throttling.redis_client()
    key = cache.make_and_validate_key("throttle_ttl:window")
    assert client.type(key) == b"zset"
    assert 0 < client.ttl(key) <= 60


def test_the_api_answers_429_with_retry_after(kim, api_as):
    api = api_as(kim)
    rates = {**throttling.UserRateThrottle.THROTTLE_RATES, "user": "2/min"}
    throttling.UserRateThrottle.THROTTLE_RATES, saved = rates, throttling.UserRateThrottle.THROTTLE_RATES
    try:
        statuses = [api.get("/api/v1/me/") for _ in range(3)]
    finally:
        throttling.UserRateThrottle.THROTTLE_RATES = saved
    assert [response.status_code for response in statuses] == [200, 200, 429]
    assert 0 < int(statuses[-1]["Retry-After"]) <= 60


def test_a_redis_that_lost_its_scripts_still_throttles():
    throttling.redis_client().script_flush()
    assert throttle("1/min", key="throttle_flushed").allow_request(None, None) is True
    assert throttle("1/min", key="throttle_flushed").allow_request(None, None) is False


def test_answers_carry_the_ietf_ratelimit_headers(kim):
    cache.clear()
    client = APIClient()
    client.force_authenticate(kim)

    first = client.get("/api/v1/me/")
    second = client.get("/api/v1/me/")

    assert first["RateLimit-Policy"] == '"user";q=1200;w=60'
    policy, remaining, reset = first["RateLimit"].split(";")
    assert policy == '"user"' and remaining == "r=1199" and reset == "t=60"
    assert second["RateLimit"].split(";")[1] == "r=1198"


def test_a_429_carries_ratelimit_with_nothing_remaining_beside_retry_after(client, db):
    cache.clear()
    answers = [client.post("/api/v1/auth/login/", {"email": "x@y.test", "password": "p"}) for _ in range(21)]

    refused = answers[-1]
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert '"login";q=20;w=60' in refused["RateLimit-Policy"]
    assert refused["RateLimit"].startswith('"login";r=0;t=')
    # The anonymous 120 a minute and the sign-in 20 a minute both apply: the tighter is shown.
    assert answers[0]["RateLimit"].startswith('"login";r=19;')
