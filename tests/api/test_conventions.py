"""API.md "Conventions": Location on every 201; ETag on seizures and operations, If-Match → 412."""

from __future__ import annotations

import pytest

from cases.operations.models import JointOperation
from cases.seizures.models import Seizure
from tests.factories import SeizureFactory

pytestmark = pytest.mark.django_db

SEIZURE = {
    "occurred_at": "2026-03-01T10:00:00+09:00",
    "transport_mode": "air_passenger",
    "detection_method": "xray",
    "items": [{"drug": "methamphetamine", "quantity": "1.5", "unit": "kg"}],
}


def test_a_created_seizure_is_at_its_location_with_the_same_etag(api_as, kim):
    client = api_as(kim)
    created = client.post("/api/v1/seizures/", SEIZURE, format="json")

    assert created.status_code == 201
    location = created["Location"]
    assert location == f"http://testserver/api/v1/seizures/{created.json()['id']}/"
    read = client.get(location)
    assert read.status_code == 200
    assert read["ETag"] == created["ETag"]


def test_a_stale_if_match_is_412_and_nothing_changes(api_as, kim):
    seizure = SeizureFactory(reported_by=kim, status="draft")
    client = api_as(kim)
    url = f"/api/v1/seizures/{seizure.pk}/"
    first = client.get(url)["ETag"]

    changed = client.patch(url, {"notes": "first change"}, format="json", HTTP_IF_MATCH=first)
    assert changed.status_code == 200
    assert changed["ETag"] != first

    stale = client.patch(url, {"notes": "lost update"}, format="json", HTTP_IF_MATCH=first)
    assert stale.status_code == 412
    assert "detail" in stale.json()
    assert Seizure.objects.get(pk=seizure.pk).notes == "first change"
    # Without If-Match the write goes on as before; "*" matches any version.
    assert client.patch(url, {"notes": "no precondition"}, format="json").status_code == 200
    assert client.patch(url, {"notes": "any version"}, format="json", HTTP_IF_MATCH="*").status_code == 200
    # A weak tag never matches (If-Match compares strongly).
    current = client.get(url)["ETag"]
    assert client.patch(url, {"notes": "weak"}, format="json", HTTP_IF_MATCH=f"W/{current}").status_code == 412


def test_operations_carry_etag_and_refuse_a_stale_if_match(api_as, park):
    client = api_as(park)
    created = client.post(
        "/api/v1/operations/",
        {"name": "Mekong Sweep", "starts_on": "2026-04-01", "ends_on": "2026-05-01"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    url = created["Location"]
    assert url.endswith(f"/api/v1/operations/{created.json()['id']}/")
    etag = client.get(url)["ETag"]
    assert etag == created["ETag"]

    assert client.patch(url, {"name": "Mekong Sweep II"}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    stale = client.patch(url, {"name": "Lost"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert JointOperation.objects.get(pk=created.json()["id"]).name == "Mekong Sweep II"


def test_every_other_201_has_a_location(api_as, kim, lee, platform_admin):
    alert = api_as(kim).post(
        "/api/v1/alerts/",
        {"recipients": ["TCD"], "kind": "lookout", "priority": "urgent", "title": "Watch MSCU1234565"},
        format="json",
    )
    assert alert.status_code == 201
    assert alert["Location"].endswith(f"/api/v1/alerts/{alert.json()['id']}/")

    user = api_as(lee).post(
        "/api/v1/users/",
        {"email": "new@kcs.test", "full_name": "New", "role": "officer", "password": "long-enough-pass-42"},
        format="json",
    )
    assert user.status_code == 201
    assert api_as(lee).get(user["Location"]).json()["email"] == "new@kcs.test"

    agency = api_as(platform_admin).post(
        "/api/v1/agencies/",
        {"code": "NEWA", "name": "New Agency", "country": "LA", "timezone": "Asia/Vientiane"},
        format="json",
    )
    assert agency.status_code == 201, agency.json()
    assert agency["Location"].endswith("/api/v1/agencies/NEWA/")
