"""A coordinator of the Korea Customs Service signs in through the real page, in Chromium."""

from __future__ import annotations

import pytest

from members.models import Agency
from members.reference import load_agencies
from tests.factories import UserFactory, agency

# The live server needs committed rows, hence a transactional database. serialized_rollback is
# kept but not relied on: once Playwright's event loop runs in this thread, Django hands out a
# fresh connection object without the serialized contents, so after an earlier browser test
# the rollback restores nothing. The member agencies are therefore loaded again (idempotent).
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def kcs_coordinator(live_server):
    load_agencies(Agency)
    return UserFactory(
        email="coordinator@kcs.example", full_name="KCS Coordinator", agency=agency("KCS"), role="coordinator"
    )


def test_kcs_coordinator_signs_in_and_sees_the_agency_page(page, live_server, sign_in, kcs_coordinator):
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


def test_wrong_password_keeps_the_user_on_the_sign_in_page(page, live_server, kcs_coordinator):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill("coordinator@kcs.example")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_text("The e-mail address, password or code is not right.").is_visible()
    assert "/accounts/login/" in page.url
