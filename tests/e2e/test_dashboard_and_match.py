"""In Chromium: the dashboard shows the flows; a blind match offers one-click access request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

# serialized_rollback: the agencies come from a data migration and must survive the flush.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def agencies(transactional_db):
    """The member agencies, whatever an earlier transactional test flushed (idempotent)."""
    from members.models import Agency
    from members.reference import load_agencies

    load_agencies(Agency)


def _record(user, container: str, *, sharing: str):
    from cases.seizures.services import seizure_create, seizure_submit

    seizure = seizure_create(
        by=user,
        data={
            "occurred_at": timezone.now() - dt.timedelta(hours=3),
            "transport_mode": "sea_container",
            "detection_method": "xray",
            "location": "Hidden pier 9",
            "origin_country": "LA",
            "transit_countries": ["TH"],
            "destination_country": "KR",
            "sharing": sharing,
            "items": [{"drug": "methamphetamine", "quantity": "42", "unit": "kg"}],
            "identifiers": [{"kind": "container", "value": container}],
        },
    )
    return seizure_submit(seizure=seizure, by=user)


def test_dashboard_and_blind_match_request(live_server, page, sign_in, kim, somchai):
    thai = _record(somchai, "CSQU 305438-3", sharing="agency")
    korean = _record(kim, "csqu3054383", sharing="members")

    sign_in(page, "kim@kcs.test")
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    assert page.get_by_test_id("this-month-seizures").inner_text() == "1"
    assert page.locator("svg[role=img]").count() == 6  # five charts and the route map
    assert "LA → TH → KR" in page.get_by_test_id("table-routes").inner_text()

    page.get_by_role("link", name="Matches").first.click()
    row = page.get_by_test_id("match-row")
    assert "CSQU3054383" in row.inner_text()
    assert korean.reference in row.inner_text()
    assert "TCD" in row.inner_text()
    assert thai.reference not in page.content()
    assert "Hidden pier 9" not in page.content()

    row.get_by_role("button", name="Request access").click()
    expect(page.get_by_text("Access requested. The owning agency has been alerted.")).to_be_visible()
    expect(page.get_by_test_id("match-row")).to_contain_text("Access requested")


def test_dashboard_fits_a_phone(live_server, phone_page, sign_in, kim):
    sign_in(phone_page, "kim@kcs.test")
    phone_page.goto(f"{live_server.url}/")

    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    expect(phone_page.get_by_role("button", name="Apply")).to_be_visible()
