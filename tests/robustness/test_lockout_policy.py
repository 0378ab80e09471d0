"""Lockout by (account, address) with a per-account ceiling (members/lockout.py)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

LOGIN = "/api/v1/auth/login/"


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    # The per-address sign-in throttle is another guard; these tests look at the lockout alone.
    from rest_framework.throttling import ScopedRateThrottle

    saved = ScopedRateThrottle.THROTTLE_RATES
    ScopedRateThrottle.THROTTLE_RATES = {**saved, "login": "10000/min"}
    cache.clear()
    yield
    ScopedRateThrottle.THROTTLE_RATES = saved


def login(address: str, email: str = "kim@kcs.test", password: str = "crackdown-demo") -> int:
    client = APIClient(REMOTE_ADDR=address)
    return client.post(LOGIN, {"email": email, "password": password}, format="json").status_code


def test_a_strangers_failures_from_another_address_do_not_lock_the_owner_out(kim):
    for _ in range(10):
        login("203.0.113.7", password="guessing-wrong")
    assert login("203.0.113.7") == 429
    assert login("198.51.100.20") == 200


def test_the_owner_typing_wrong_five_times_is_locked_at_that_address(kim):
    for _ in range(4):
        assert login("198.51.100.20", password="typo") == 400
    assert login("198.51.100.20", password="typo") == 429
    assert login("198.51.100.20") == 429


def test_changing_the_case_of_the_address_does_not_reset_the_count(kim):
    for email in ("kim@kcs.test", "KIM@kcs.test", "Kim@KCS.test", " kim@kcs.test", "kim@KCS.TEST"):
        login("203.0.113.7", email=email, password="wrong")
    assert login("203.0.113.7") == 429


def test_a_brute_force_spread_over_many_addresses_is_stopped_by_the_account_ceiling(kim, settings):
    settings.AXES_ACCOUNT_FAILURE_CEILING = 12
    for i in range(12):
        login(f"203.0.113.{i % 4 + 1}", password=f"guess-{i}")
    # No single address reached 5 failures, yet the account is now locked everywhere.
    assert login("198.51.100.99") == 429
    assert login("198.51.100.99", email="park@kcs.test") != 429


def test_page_and_api_failures_from_one_address_count_together(client, kim):
    for _ in range(3):
        client.post("/accounts/login/", {"username": "kim@kcs.test", "password": "wrong"})
    login("127.0.0.1", password="wrong")
    assert login("127.0.0.1", password="wrong") == 429
    assert login("192.0.2.1") == 200
