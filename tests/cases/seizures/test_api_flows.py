"""The seizure API end to end: create, submit, verify, amend, delete, history, access audit."""

from __future__ import annotations

import pytest

from cases.seizures.models import Seizure, SeizureAccess, SeizureItem, SeizureRevision
from tests.cases.seizures.conftest import make_operation, seizure_payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/seizures/"


def test_officer_records_submits_and_coordinator_verifies(kim, park, api_as):
    response = api_as(kim).post(URL, seizure_payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert body["agency"] == "KCS"
    assert body["reference"].startswith("KCS-")
    assert body["reported_by"] == {"id": kim.pk, "full_name": "Kim"}
    assert body["country"] == "KR"
    assert body["total_weight_kg"] == "12.800"
    assert [i["weight_kg"] for i in body["items"]] == ["12.500", None]
    assert [i["kg_equivalent"] for i in body["items"]] == ["12.500", "0.300"]
    assert (body["tablets"], body["items_without_weight"]) == ("3000.000", 0)
    assert body["identifiers"] == [{"kind": "container", "value": "csqu 305438-3", "normalized": "CSQU3054383"}]
    assert body["transit_countries"] == ["MY"]

    submitted = api_as(kim).post(f"{URL}{body['id']}/submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert api_as(kim).post(f"{URL}{body['id']}/submit/").status_code == 409
    assert api_as(kim).post(f"{URL}{body['id']}/verify/").status_code == 403
    verified = api_as(park).post(f"{URL}{body['id']}/verify/")
    assert verified.status_code == 200 and verified.json()["status"] == "verified"
    assert api_as(park).post(f"{URL}{body['id']}/verify/").status_code == 409


def test_amending_a_verified_seizure_needs_a_reason_and_is_in_the_history(kim, park, api_as):
    pk = api_as(kim).post(URL, seizure_payload(), format="json").json()["id"]
    api_as(kim).post(f"{URL}{pk}/submit/")
    api_as(park).post(f"{URL}{pk}/verify/")

    refused = api_as(kim).patch(f"{URL}{pk}/", {"location": "Busan New Port"}, format="json")
    assert refused.status_code == 400
    assert "amendment_reason" in refused.json()
    assert Seizure.objects.get(pk=pk).location == "Incheon Port"

    amended = api_as(kim).patch(
        f"{URL}{pk}/",
        {"location": "Busan New Port", "amendment_reason": "Wrong port in the first report"},
        format="json",
    )
    assert amended.status_code == 200, amended.json()
    assert amended.json()["status"] == "verified"

    history = api_as(park).get(f"{URL}{pk}/history/").json()
    assert [h["action"] for h in history] == ["created", "submitted", "verified", "amended"]
    assert history[-1]["changes"] == {"location": ["Incheon Port", "Busan New Port"]}
    assert history[-1]["reason"] == "Wrong port in the first report"
    assert history[-1]["by"]["full_name"] == "Kim"


def test_patch_replaces_nested_lists_whole_and_recomputes_total(kim, api_as):
    pk = api_as(kim).post(URL, seizure_payload(), format="json").json()["id"]
    response = api_as(kim).patch(
        f"{URL}{pk}/", {"items": [{"drug": "heroin", "quantity": "2500", "unit": "g"}]}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [(i["drug"], i["weight_kg"]) for i in body["items"]] == [("heroin", "2.500")]
    assert body["total_weight_kg"] == "2.500"
    assert len(body["identifiers"]) == 1  # absent keys are untouched
    assert SeizureItem.objects.filter(seizure_id=pk).count() == 1


def test_draft_is_deleted_but_a_submitted_seizure_is_not(kim, api_as):
    draft = api_as(kim).post(URL, seizure_payload(), format="json").json()["id"]
    assert api_as(kim).delete(f"{URL}{draft}/").status_code == 204
    assert not Seizure.objects.filter(pk=draft).exists()
    submitted = api_as(kim).post(URL, seizure_payload(), format="json").json()["id"]
    api_as(kim).post(f"{URL}{submitted}/submit/")
    assert api_as(kim).delete(f"{URL}{submitted}/").status_code == 409
    assert Seizure.objects.filter(pk=submitted).exists()


def test_put_is_not_allowed(kim, api_as):
    pk = api_as(kim).post(URL, seizure_payload(), format="json").json()["id"]
    assert api_as(kim).put(f"{URL}{pk}/", seizure_payload(), format="json").status_code == 405


def test_partner_view_is_recorded_but_own_view_is_not(kim, somchai, api_as):
    pk = api_as(kim).post(URL, seizure_payload(), format="json").json()["id"]
    api_as(kim).post(f"{URL}{pk}/submit/")
    assert api_as(kim).get(f"{URL}{pk}/").status_code == 200
    assert not SeizureAccess.objects.exists()
    assert api_as(somchai).get(f"{URL}{pk}/").status_code == 200
    access = SeizureAccess.objects.get()
    assert (access.user, access.agency.code, access.action) == (somchai, "TCD", "view")


def test_seizure_in_an_accepted_operation_is_linked(kim, api_as):
    operation = make_operation(lead="KCS", accepted=["TCD"])
    response = api_as(kim).post(
        URL, seizure_payload(operation=operation.pk, sharing="operation", shared_with=["GDVC"]), format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["operation"] == operation.pk
    assert response.json()["shared_with"] == ["GDVC"]


def test_operation_not_accepted_is_refused_on_the_operation_field(kim, api_as):
    foreign = make_operation(lead="TCD", invited=["KCS"])
    before = Seizure.objects.count()
    response = api_as(kim).post(URL, seizure_payload(operation=foreign.pk), format="json")
    assert response.status_code == 400
    assert "operation" in response.json()
    assert Seizure.objects.count() == before


def test_every_action_writes_one_revision(kim, park, api_as):
    pk = api_as(kim).post(URL, seizure_payload(), format="json").json()["id"]
    api_as(kim).patch(f"{URL}{pk}/", {"notes": "Dog alerted first"}, format="json")
    api_as(kim).post(f"{URL}{pk}/submit/")
    api_as(park).post(f"{URL}{pk}/verify/")
    actions = list(SeizureRevision.objects.filter(seizure_id=pk).values_list("action", flat=True))
    assert actions == ["created", "updated", "submitted", "verified"]
