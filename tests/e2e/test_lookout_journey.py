"""In Chromium: TCD watches a container, KCS seizes it, TCD sees the hit (blind when hidden),
asks for access, and learns that GDVC watches the same container (deconfliction)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Set E2E_SHOTS to a directory to keep screenshots of the pages (1366 and 390 px wide).
SHOTS = os.environ.get("E2E_SHOTS")


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.fixture(autouse=True)
def agencies(transactional_db):
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
            "origin_country": "TH",
            "destination_country": "KR",
            "sharing": sharing,
            "items": [{"drug": "methamphetamine", "quantity": "42", "unit": "kg"}],
            "identifiers": [{"kind": "container", "value": container}],
        },
    )
    return seizure_submit(seizure=seizure, by=user)


def test_lookout_hit_blind_hit_access_request_and_deconfliction(live_server, browser, page, sign_in, kim, somchai):
    from members.models import Role
    from tests.factories import UserFactory, agency

    sign_in(page, "somchai@tcd.test")
    page.goto(f"{live_server.url}/lookouts/")
    page.get_by_test_id("new-lookout").click()
    page.get_by_label("Title").fill("Reefer from Laem Chabang")
    page.get_by_label("Reason").fill("Informant NIGHTJAR")
    page.locator("#id_values-0-kind").select_option("container")
    page.locator("#id_values-0-value").fill("CSQU3054384")  # a wrong check digit first
    page.get_by_role("button", name="Save lookout").click()
    expect(page.get_by_test_id("form-errors")).to_be_visible()
    expect(page.locator("#id_values-0-value")).to_have_value("CSQU3054384")
    expect(page.locator("#id_title")).to_have_value("Reefer from Laem Chabang")
    _shot(page, "lookout-form-errors-1366")
    page.locator("#id_values-0-value").fill("CSQU3054383")
    page.get_by_role("button", name="Save lookout").click()
    expect(page.get_by_test_id("status")).to_have_text("Active")

    shown = _record(kim, "csqu 305438-3", sharing="members")
    hidden = _record(kim, "CSQU 305438 3", sharing="agency")

    page.goto(f"{live_server.url}/lookouts/")
    expect(page.get_by_test_id("new-hits")).to_contain_text("2 new")
    _shot(page, "lookout-list-1366")
    page.get_by_role("link", name="Reefer from Laem Chabang").click()
    rows = page.get_by_test_id("hit-row")
    expect(rows).to_have_count(2)
    expect(page.get_by_test_id("hits")).to_contain_text(shown.reference)
    assert hidden.reference not in page.content()
    blind = page.locator("[data-testid=hit-row][data-blind=true]")
    expect(blind).to_contain_text("KCS")
    blind.get_by_role("button", name="Request access").click()
    expect(page.get_by_text("Access requested. The owning agency has been alerted.")).to_be_visible()
    expect(page.locator("[data-testid=hit-row][data-blind=true]")).to_contain_text("Access requested")

    page.goto(f"{live_server.url}/alerts/")
    expect(page.get_by_text(f"Lookout hit: container CSQU3054383 in seizure {shown.reference}")).to_be_visible()

    # GDVC watches the same container: both agencies learn of the other, never of its reason.
    from cases.lookouts.services import lookout_create

    gdvc = UserFactory(email="an@gdvc.test", full_name="Nguyen An", agency=agency("GDVC"), role=Role.OFFICER)
    lookout_create(
        by=gdvc,
        data={
            "title": "Hai Phong reefer",
            "reason": "Source LOTUS",
            "expires_at": timezone.now() + dt.timedelta(days=10),
            "values": [{"kind": "container", "value": "CSQU3054383"}],
        },
        retro=False,
    )
    page.goto(f"{live_server.url}/lookouts/?whose=mine")
    page.get_by_role("link", name="Reefer from Laem Chabang").click()
    expect(page.get_by_test_id("deconfliction")).to_contain_text("GDVC")
    expect(page.get_by_test_id("deconfliction")).to_contain_text("Nguyen An")
    assert "LOTUS" not in page.content() and "Hai Phong" not in page.content()
    _shot(page, "lookout-detail-1366")

    # KCS's officer opens a seizure and watches its identifiers in one click.
    with browser.new_context(viewport={"width": 1366, "height": 900}) as context:
        korean = sign_in(context.new_page(), "kim@kcs.test")
        korean.goto(f"{live_server.url}/seizures/{shown.pk}/")
        korean.get_by_test_id("watch-identifiers").click()
        expect(korean.get_by_test_id("values")).to_contain_text("CSQU3054383")
        expect(korean.get_by_test_id("status")).to_have_text("Active")


@pytest.mark.parametrize("path", ["/lookouts/", "/lookouts/new/", "detail"])
def test_lookout_pages_fit_a_phone(live_server, phone_page, sign_in, somchai, kim, path):
    from cases.lookouts.services import lookout_create

    lookout = lookout_create(
        by=somchai,
        data={
            "title": "Reefer from Laem Chabang",
            "expires_at": timezone.now() + dt.timedelta(days=10),
            "values": [{"kind": "container", "value": "CSQU3054383"}, {"kind": "phone", "value": "+66 81 234 5678"}],
        },
        retro=False,
    )
    _record(kim, "CSQU3054383", sharing="agency")
    sign_in(phone_page, "somchai@tcd.test")
    phone_page.goto(f"{live_server.url}{f'/lookouts/{lookout.pk}/' if path == 'detail' else path}")

    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(phone_page, f"lookout-{path.strip('/').replace('/', '-') or 'list'}-390")
