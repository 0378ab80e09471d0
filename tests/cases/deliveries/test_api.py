"""A controlled delivery through the API: KCS requests TH → KR, TCD accepts and hands over,
KCS completes it with a seizure; agencies not on it see nothing, wrong agencies get 403."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.alerts.models import Alert, Delivery
from cases.deliveries.models import ControlledDelivery, DeliveryEvent, DeliveryLeg
from cases.deliveries.services import escalate_overdue_legs
from tests.cases.deliveries.conftest import th_to_kr
from tests.factories import SeizureFactory, agency

pytestmark = pytest.mark.django_db

BASE = "/api/v1/controlled-deliveries/"


def request_delivery(api_as, park, **changes) -> dict:
    payload = th_to_kr()
    payload.update(changes)
    response = api_as(park).post(BASE, payload, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_the_whole_journey(api_as, park, niran, hoa, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        created = api_as(park).post(BASE, th_to_kr(), format="json")
    assert created.status_code == 201
    body = created.json()
    assert created["Location"] == f"{BASE}{body['id']}/"
    assert body["code"].startswith(f"CD-{timezone.now().year}-")
    assert body["status"] == "requested" and body["requesting_agency"] == "KCS"
    assert body["consignment"]["identifiers"][0]["normalized"] == "CSQU3054383"
    legs = body["legs"]
    assert [(leg["agency"], leg["status"]) for leg in legs] == [("TCD", "pending"), ("KCS", "accepted")]
    assert legs[0]["to_place_name"] == "Suvarnabhumi Airport"
    assert legs[1]["eta_local"].endswith("+09:00")  # Incheon's clock
    # TCD is asked, by a flash alert.
    alert = Alert.objects.get(kind="controlled_delivery")
    assert alert.priority == "flash"
    assert list(Delivery.objects.filter(alert=alert).values_list("agency__code", flat=True)) == ["TCD"]

    pk = body["id"]
    # GDVC is not on it: it does not exist for them.
    assert api_as(hoa).get(f"{BASE}{pk}/").status_code == 404
    assert api_as(hoa).post(f"{BASE}{pk}/respond/", {"accept": True}, format="json").status_code == 404
    assert pk not in [d["id"] for d in api_as(hoa).get(BASE).json()["results"]]

    # KCS's own leg was accepted with the request; it cannot depart before TCD accepted.
    assert api_as(park).post(f"{BASE}{pk}/respond/", {"accept": True}, format="json").status_code == 409
    assert api_as(park).post(f"{BASE}{pk}/depart/").status_code == 409

    accepted = api_as(niran).post(f"{BASE}{pk}/respond/", {"accept": True}, format="json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert api_as(niran).post(f"{BASE}{pk}/respond/", {"accept": True}, format="json").status_code == 409

    # Only the requesting agency lets it go.
    assert api_as(niran).post(f"{BASE}{pk}/depart/").status_code == 403
    departed = api_as(park).post(f"{BASE}{pk}/depart/")
    assert departed.json()["status"] == "in_transit"
    assert departed.json()["legs"][0]["status"] == "in_transit"

    # A wrong-agency handover: KCS cannot hand over the Thai leg.
    assert api_as(park).post(f"{BASE}{pk}/handover/", {"seq": 1}, format="json").status_code == 403
    handed = api_as(niran).post(f"{BASE}{pk}/handover/", {"seq": 1}, format="json")
    assert handed.status_code == 200
    assert [leg["status"] for leg in handed.json()["legs"]] == ["handed_over", "in_transit"]
    assert handed.json()["legs"][0]["handed_over_at"]
    assert api_as(niran).post(f"{BASE}{pk}/handover/", {"seq": 1}, format="json").status_code == 409

    seizure = SeizureFactory(agency=agency("KCS"), status="submitted")
    assert api_as(niran).post(f"{BASE}{pk}/complete/", {"seizures": [seizure.pk]}, format="json").status_code == 403
    done = api_as(park).post(f"{BASE}{pk}/complete/", {"seizures": [seizure.pk]}, format="json")
    assert done.status_code == 200
    assert done.json()["status"] == "completed" and done.json()["seizures"] == [seizure.pk]
    actions = [step["action"] for step in done.json()["timeline"]]
    assert actions == ["requested", "accepted", "departed", "handed_over", "completed"]
    assert api_as(park).post(f"{BASE}{pk}/abort/", {"reason": "late"}, format="json").status_code == 409


def test_every_step_is_alerted_to_the_other_agencies(api_as, park, niran):
    pk = request_delivery(api_as, park)["id"]
    api_as(niran).post(f"{BASE}{pk}/respond/", {"accept": True}, format="json")
    api_as(park).post(f"{BASE}{pk}/depart/")
    recipients = [
        (
            alert.title.split(": ")[-1] if ":" in alert.title else alert.title,
            sorted(alert.deliveries.values_list("agency__code", flat=True)),
        )
        for alert in Alert.objects.filter(kind="controlled_delivery").order_by("id")
    ]
    # Requested → TCD; accepted by TCD → KCS; departed by KCS → TCD.
    assert [r[1] for r in recipients] == [["TCD"], ["KCS"], ["TCD"]]


def test_a_declined_leg_declines_the_delivery(api_as, park, niran):
    pk = request_delivery(api_as, park)["id"]
    declined = api_as(niran).post(f"{BASE}{pk}/respond/", {"accept": False, "notes": "No court order"}, format="json")
    assert declined.json()["status"] == "declined"
    assert declined.json()["legs"][0]["status"] == "declined"
    assert api_as(park).post(f"{BASE}{pk}/depart/").status_code == 409


def test_officers_cannot_request_or_steer(api_as, kim, park, somchai):
    assert api_as(kim).post(BASE, th_to_kr(), format="json").status_code == 403
    pk = request_delivery(api_as, park)["id"]
    assert api_as(somchai).post(f"{BASE}{pk}/respond/", {"accept": True}, format="json").status_code == 403
    assert api_as(kim).post(f"{BASE}{pk}/abort/", {"reason": "x"}, format="json").status_code == 403
    assert api_as(kim).get(f"{BASE}{pk}/").status_code == 200


def test_bad_input_is_refused_field_by_field_and_nothing_is_saved(api_as, park):
    payload = th_to_kr()
    payload["legs"][0]["to_place"] = "XXNOPE"
    payload["legs"][1]["from_place"] = "QQQ"
    payload["legs"][1]["eta"] = (timezone.now() + dt.timedelta(days=800)).isoformat()
    payload["consignment"]["identifiers"] = [{"kind": "container", "value": "CSQU3054384"}]
    response = api_as(park).post(BASE, payload, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert "to_place" in errors["legs"][0]
    assert set(errors["legs"][1]) == {"from_place", "eta"}
    assert "identifiers" in errors
    assert not ControlledDelivery.objects.exists() and not DeliveryLeg.objects.exists()
    assert not Alert.objects.exists()


def test_legs_must_not_arrive_before_the_leg_before(api_as, park):
    payload = th_to_kr()
    payload["legs"][1]["eta"] = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    response = api_as(park).post(BASE, payload, format="json")
    assert response.status_code == 400
    assert "eta" in response.json()["legs"][1]


def test_an_unknown_agency_or_no_leg_is_a_400(api_as, park):
    payload = th_to_kr()
    payload["legs"][0]["agency"] = "NOPE"
    assert "agency" in api_as(park).post(BASE, payload, format="json").json()["legs"][0]
    payload["legs"] = []
    assert "legs" in api_as(park).post(BASE, payload, format="json").json()


def test_an_overdue_leg_escalates_once_to_every_agency(api_as, park, niran):
    pk = request_delivery(api_as, park)["id"]
    api_as(niran).post(f"{BASE}{pk}/respond/", {"accept": True}, format="json")
    api_as(park).post(f"{BASE}{pk}/depart/")
    leg = DeliveryLeg.objects.get(delivery_id=pk, seq=1)
    # The clock is the task's argument: just before the 2-hour grace nothing happens, after it once.
    assert escalate_overdue_legs(now=leg.eta + dt.timedelta(hours=1, minutes=59)) == 0
    assert escalate_overdue_legs(now=leg.eta + dt.timedelta(hours=2, minutes=1)) == 1
    assert escalate_overdue_legs(now=leg.eta + dt.timedelta(hours=3)) == 0
    overdue = Alert.objects.filter(kind="controlled_delivery", title__contains="overdue").get()
    assert sorted(overdue.deliveries.values_list("agency__code", flat=True)) == ["KCS", "TCD"]
    assert DeliveryEvent.objects.filter(delivery_id=pk, action="overdue").count() == 1


def test_a_handed_over_leg_never_escalates(api_as, park, niran):
    pk = request_delivery(api_as, park)["id"]
    api_as(niran).post(f"{BASE}{pk}/respond/", {"accept": True}, format="json")
    api_as(park).post(f"{BASE}{pk}/depart/")
    api_as(niran).post(f"{BASE}{pk}/handover/", {"seq": 1}, format="json")
    leg = DeliveryLeg.objects.get(delivery_id=pk, seq=1)
    assert escalate_overdue_legs(now=leg.eta + dt.timedelta(hours=3)) == 0


def test_the_timeline_is_append_only(api_as, park):
    pk = request_delivery(api_as, park)["id"]
    event = DeliveryEvent.objects.filter(delivery_id=pk).first()
    event.notes = "rewritten"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        DeliveryEvent.objects.filter(delivery_id=pk).update(notes="x")
    with pytest.raises(TypeError):
        DeliveryEvent.objects.filter(delivery_id=pk).delete()


def test_the_demo_delivery_is_seeded_once_in_transit(settings):
    from cases.demo.deliveries import seed_deliveries
    from members import demo

    demo.seed_users()
    assert seed_deliveries() == 1
    assert seed_deliveries() == 0
    delivery = ControlledDelivery.objects.get()
    assert delivery.status == "in_transit"
    assert [leg.status for leg in delivery.legs.all()] == ["in_transit", "accepted"]
