"""In Chromium, through the real pages: a Korean seizure routed through Thailand alerts the Thai
Customs Department; a Thai officer sees the badge, opens the alert and acknowledges it."""

from __future__ import annotations

import pytest
from django.db import transaction
from playwright.sync_api import expect

from cases.alerts.models import Delivery
from cases.choices import DeliveryStatus
from cases.seizures.notices import notify_seizure_submitted
from members.models import Role
from tests.factories import SeizureFactory, UserFactory, agency

# serialized_rollback: the live server needs committed rows, and the member agencies loaded
# by a data migration must survive the flush between tests.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _member_agencies(transactional_db):
    # With the browser running, the restore of serialized rows can miss the flushed agencies
    # (seen after other transactional tests): make sure they exist, whatever ran before.
    from members.models import Agency
    from members.reference import load_agencies

    load_agencies(Agency)


def test_partner_officer_sees_the_badge_opens_the_alert_and_acknowledges_it(live_server, page, sign_in):
    kim = UserFactory(email="kim@kcs.test", full_name="Kim", agency=agency("KCS"), role=Role.OFFICER)
    UserFactory(email="somchai@tcd.test", full_name="Somchai", agency=agency("TCD"), role=Role.OFFICER)
    seizure = SeizureFactory(
        agency=agency("KCS"), origin_country="MM", transit_countries=["TH"], destination_country="KR"
    )
    with transaction.atomic():
        alert = notify_seizure_submitted(seizure=seizure, by=kim)

    sign_in(page, "somchai@tcd.test")
    badge = page.get_by_test_id("nav-badge")
    expect(badge).to_have_text("1")
    badge.click()
    expect(page).to_have_url(f"{live_server.url}/alerts/")
    page.get_by_role("link", name=alert.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(alert.title)
    expect(page.get_by_test_id("alert-seizure")).to_have_text(seizure.reference)

    page.get_by_label("Outcome").fill("Courier identified at Suvarnabhumi")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_test_id("acknowledged")).to_contain_text("Somchai")
    expect(page.locator("#acknowledge")).to_contain_text("Courier identified at Suvarnabhumi")
    expect(page.get_by_test_id("nav-badge")).to_have_count(0)

    delivery = Delivery.objects.get(alert=alert, agency__code="TCD")
    assert delivery.status == DeliveryStatus.ACKNOWLEDGED
    assert delivery.outcome == "Courier identified at Suvarnabhumi"
