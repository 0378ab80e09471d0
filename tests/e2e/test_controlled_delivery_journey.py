"""In Chromium: KCS requests a controlled delivery Laem Chabang → Bangkok → Incheon, TCD accepts
and hands over, KCS completes it with a seizure; GDVC (not on it) gets 404. Also the dashboard's
route map at desktop and phone width (screenshots under var/screenshots/)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from members.models import Role
from tests.factories import UserFactory, agency

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture(autouse=True)
def agencies(transactional_db):
    from members.models import Agency
    from members.reference import load_agencies

    load_agencies(Agency)


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_a_controlled_delivery_from_request_to_completion(live_server, browser, sign_in, park, niran):
    from cases.deliveries.models import ControlledDelivery
    from tests.factories import SeizureFactory

    pages = {}

    def as_user(email: str):
        """Each officer in their own browser, signed in once."""
        if email not in pages:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            pages[email] = sign_in(context.new_page(), email)
        return pages[email]

    hoa = UserFactory(email="hoa@gdvc.test", full_name="Hoa", agency=agency("GDVC"), role=Role.COORDINATOR)
    eta = timezone.now() + dt.timedelta(days=2)

    page = as_user("park@kcs.test")
    page.goto(f"{live_server.url}/controlled-deliveries/")
    page.get_by_role("link", name="Request a controlled delivery").click()
    page.get_by_label("Legal basis").fill("MoU KCS–TCD 2019, art. 4")
    page.get_by_label("Consignment").fill("Reefer container of frozen durian, methamphetamine in the lining")
    page.get_by_label("Drug").select_option("methamphetamine")
    page.get_by_label("Estimated quantity").fill("40")
    page.get_by_label("Identifier kind").select_option("container")
    page.locator("#id_identifier_value").fill("csqu 305438-3")
    first, second = page.get_by_test_id("leg-1"), page.get_by_test_id("leg-2")
    first.get_by_label("Agency").select_option("TCD")
    first.get_by_label("From").fill("THLCH")
    first.get_by_label("To").fill("BKK")
    first.get_by_label("Transport mode").select_option("land_vehicle")
    first.get_by_label("Expected arrival").fill(_local(eta))
    second.get_by_label("Agency").select_option("KCS")
    second.get_by_label("From").fill("BKK")
    second.get_by_label("To").fill("XXX")  # not an airport: refused on its leg, nothing lost
    second.get_by_label("Transport mode").select_option("air_cargo")
    second.get_by_label("Expected arrival").fill(_local(eta + dt.timedelta(hours=8)))
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_test_id("leg-2").locator(".errorlist")).to_contain_text("Unknown place XXX")
    expect(page.get_by_label("Legal basis")).to_have_value("MoU KCS–TCD 2019, art. 4")
    page.get_by_test_id("leg-2").get_by_label("To").fill("ICN")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_test_id("delivery-status")).to_have_text("Requested")
    delivery = ControlledDelivery.objects.get()
    expect(page.get_by_test_id("leg-2")).to_contain_text("Incheon International Airport")
    expect(page.get_by_test_id("leg-2")).to_contain_text("Asia/Seoul")

    # Vietnam is not on it: the board does not exist for them.
    page = as_user("hoa@gdvc.test")
    assert page.goto(f"{live_server.url}/controlled-deliveries/{delivery.pk}/").status == 404
    assert hoa.agency.code == "GDVC"

    page = as_user("niran@tcd.test")
    page.goto(f"{live_server.url}/controlled-deliveries/{delivery.pk}/")
    page.get_by_test_id("accept").click()
    expect(page.get_by_test_id("delivery-status")).to_have_text("Accepted")

    page = as_user("park@kcs.test")
    page.goto(f"{live_server.url}/controlled-deliveries/{delivery.pk}/")
    page.get_by_test_id("depart").click()
    expect(page.get_by_test_id("delivery-status")).to_have_text("In transit")
    # KCS may not hand over the Thai leg: the page offers it no button, the server refuses a forged form.
    expect(page.get_by_test_id("handover-1")).to_have_count(0)

    page = as_user("niran@tcd.test")
    page.goto(f"{live_server.url}/controlled-deliveries/{delivery.pk}/")
    page.get_by_test_id("handover-1").click()
    expect(page.get_by_test_id("leg-1")).to_contain_text("Handed over")

    seizure = SeizureFactory(agency=agency("KCS"), status="submitted")
    page = as_user("park@kcs.test")
    page.goto(f"{live_server.url}/controlled-deliveries/{delivery.pk}/")
    page.get_by_label("Resulting seizures (references)").fill(seizure.reference)
    page.get_by_test_id("complete").click()
    expect(page.get_by_test_id("delivery-status")).to_have_text("Completed")
    expect(page.get_by_test_id("timeline")).to_contain_text("Handed over")
    assert list(delivery.seizures.values_list("pk", flat=True)) == [seizure.pk]


def test_the_route_map_on_a_laptop_and_a_phone(live_server, browser, sign_in, kim):
    from cases.seizures.services import seizure_create, seizure_submit

    for origin, transit, kilos in (("MM", ["TH"], "120"), ("LA", ["VN"], "35"), ("MX", [], "60")):
        seizure = seizure_create(
            by=kim,
            data={
                "occurred_at": timezone.now() - dt.timedelta(hours=3),
                "transport_mode": "sea_container",
                "detection_method": "xray",
                "origin_country": origin,
                "transit_countries": transit,
                "destination_country": "KR",
                "items": [{"drug": "methamphetamine", "quantity": kilos, "unit": "kg"}],
            },
        )
        seizure_submit(seizure=seizure, by=kim)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, viewport in (("desktop", {"width": 1366, "height": 900}), ("phone", {"width": 390, "height": 844})):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        sign_in(page, "kim@kcs.test")
        page.goto(f"{live_server.url}/")
        figure = page.get_by_test_id("route-map")
        expect(figure).to_be_visible()
        box = figure.locator("svg").first.bounding_box()
        assert box is not None and box["width"] <= viewport["width"] and box["height"] > 100
        # The map fits the page: no sideways scrolling on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1
        assert figure.locator("svg").first.locator("path.route").count() == 5  # MM→TH, TH→KR, LA→VN, VN→KR, MX→KR
        figure.screenshot(path=str(SHOTS / f"route-map-{name}.png"))
        # Mexico lies outside the region: the whole routes are one click away.
        figure.get_by_text("Show the whole routes on a world map").click()
        expect(figure.locator("details svg")).to_be_visible()
        context.close()
