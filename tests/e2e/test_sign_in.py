"""A coordinator of the Korea Customs Service signs in through the real page, in Chromium."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory, agency

# serialized_rollback: the live server needs committed rows, and the member agencies loaded
# by the data migration must be back for the tests that run after this one.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_kcs_coordinator_signs_in_and_sees_the_agency_page(page, live_server, sign_in):
    UserFactory(email="coordinator@kcs.example", full_name="KCS Coordinator", agency=agency("KCS"), role="coordinator")
    sign_in(page, "coordinator@kcs.example", "crackdown-demo")
    page.get_by_role("link", name="My agency").click()
    page.wait_for_url(f"{live_server.url}/accounts/agency/")
    assert page.get_by_role("heading", level=1).inner_text() == "Korea Customs Service"
    assert page.get_by_text("coordinator@kcs.example").first.is_visible()
    # Sign out through the menu; the agency page then asks for a sign-in again.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(lambda url: "/accounts/login/" in url)
    page.goto(f"{live_server.url}/accounts/agency/")
    assert "/accounts/login/" in page.url


def test_wrong_password_keeps_the_user_on_the_sign_in_page(page, live_server):
    UserFactory(email="coordinator@kcs.example", agency=agency("KCS"), role="coordinator")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill("coordinator@kcs.example")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_text("The e-mail address, password or code is not right.").is_visible()
    assert "/accounts/login/" in page.url
