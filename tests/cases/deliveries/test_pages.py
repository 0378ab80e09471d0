"""The controlled delivery pages: a request with an error keeps every typed field and says
which leg is wrong; the board offers each agency only its own moves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.deliveries.models import ControlledDelivery

pytestmark = pytest.mark.django_db


def form_data(**changes) -> dict:
    eta = timezone.localtime() + dt.timedelta(days=2)
    data = {
        "legal_basis": "MoU KCS–TCD 2019",
        "description": "Frozen durian, methamphetamine in the lining",
        "drug": "methamphetamine",
        "estimated_quantity": "40",
        "unit": "kg",
        "identifier_kind": "container",
        "identifier_value": "csqu 305438-3",
        "legs-TOTAL_FORMS": "3",
        "legs-INITIAL_FORMS": "0",
        "legs-MIN_NUM_FORMS": "0",
        "legs-MAX_NUM_FORMS": "10",
        "legs-0-agency": "TCD",
        "legs-0-from_place": "THLCH",
        "legs-0-to_place": "bkk",
        "legs-0-transport_mode": "land_vehicle",
        "legs-0-eta": eta.strftime("%Y-%m-%dT%H:%M"),
        "legs-1-agency": "KCS",
        "legs-1-from_place": "BKK",
        "legs-1-to_place": "ICN",
        "legs-1-transport_mode": "air_cargo",
        "legs-1-eta": (eta + dt.timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M"),
    }
    data.update(changes)
    return data


def test_a_coordinator_requests_a_delivery_from_the_page(client_as, park):
    response = client_as(park).post("/controlled-deliveries/new/", form_data())
    delivery = ControlledDelivery.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/controlled-deliveries/{delivery.pk}/"
    assert [leg.to_place for leg in delivery.legs.all()] == ["BKK", "ICN"]
    page = client_as(park).get(response["Location"]).content.decode()
    assert "Suvarnabhumi Airport" in page and "Asia/Seoul" in page


def test_an_unknown_place_is_shown_on_its_leg_and_nothing_is_lost(client_as, park):
    response = client_as(park).post("/controlled-deliveries/new/", form_data(**{"legs-1-to_place": "ZZZZZ"}))
    assert response.status_code == 200
    assert not ControlledDelivery.objects.exists()
    legs = response.context["legs"]
    assert "to_place" in legs.forms[1].errors
    page = response.content.decode()
    assert 'value="ZZZZZ"' in page and "Frozen durian" in page and 'value="csqu 305438-3"' in page


def test_officers_may_not_open_the_request_form(client_as, kim):
    assert client_as(kim).get("/controlled-deliveries/new/").status_code == 403


def test_the_thai_coordinator_accepts_and_hands_over_from_the_board(client, park, niran):
    client.force_login(park)
    client.post("/controlled-deliveries/new/", form_data())
    delivery = ControlledDelivery.objects.get()
    client.force_login(niran)
    board = client.get(f"/controlled-deliveries/{delivery.pk}/")
    assert board.context["can_respond"] and not board.context["can_depart"]
    client.post(f"/controlled-deliveries/{delivery.pk}/respond/", {"accept": "1"})
    client.force_login(park)
    client.post(f"/controlled-deliveries/{delivery.pk}/depart/")
    client.force_login(niran)
    board = client.get(f"/controlled-deliveries/{delivery.pk}/")
    assert [row["can_hand_over"] for row in board.context["legs"]] == [True, False]
    client.post(f"/controlled-deliveries/{delivery.pk}/handover/", {"seq": "1"})
    delivery.refresh_from_db()
    assert [leg.status for leg in delivery.legs.all()] == ["handed_over", "in_transit"]
