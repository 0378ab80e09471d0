"""The lookouts API (API.md "Lookouts"): rules, sharing, bad input, hits, deconfliction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.alerts.models import Alert, Delivery
from cases.lookouts.models import Lookout, LookoutRevision, LookoutValue
from cases.matching.models import AccessRequest
from members.models import Role
from tests.factories import UserFactory, agency

pytestmark = pytest.mark.django_db


def _body(**overrides):
    body = {
        "title": "Reefer CSQU",
        "reason": "Informant NIGHTJAR says meth in reefer",
        "expires_at": (timezone.now() + dt.timedelta(days=30)).isoformat(),
        "sharing": "members",
        "values": [{"kind": "container", "value": "CSQU3054383"}],
    }
    body.update(overrides)
    return body


def _alerts_to(code, kind):
    return list(Alert.objects.filter(kind=kind, pk__in=Delivery.objects.filter(agency__code=code).values("alert_id")))


def test_create_normalises_values_and_records_history(api_as, somchai):
    response = api_as(somchai).post(
        "/api/v1/lookouts/", _body(values=[{"kind": "container", "value": "csqu 305438-3"}]), format="json"
    )

    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["agency"] == "TCD"
    assert data["status"] == "active"
    assert data["created_by"]["full_name"] == "Somchai"
    assert data["values"] == [{"kind": "container", "value": "csqu 305438-3", "normalized": "CSQU3054383"}]
    assert data["hit_count"] == 0
    assert LookoutRevision.objects.filter(lookout_id=data["id"], action="created").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"values": [{"kind": "container", "value": "CSQU3054384"}]}, "values"),  # bad check digit
        ({"values": [{"kind": "spaceship", "value": "X1"}]}, "values"),
        ({"values": []}, "values"),
        ({"values": [{"kind": "passport", "value": f"M{n:07d}"} for n in range(501)]}, "values"),
        ({"expires_at": (timezone.now() - dt.timedelta(hours=1)).isoformat()}, "expires_at"),
        ({"expires_at": (timezone.now() + dt.timedelta(days=370)).isoformat()}, "expires_at"),
        ({"expires_at": None}, "expires_at"),
        ({"sharing": "named", "shared_with": ["XXX"]}, "shared_with"),
        ({"sharing": "named", "shared_with": ["TCD"]}, "shared_with"),
        ({"sharing": "named", "shared_with": []}, "shared_with"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_input_is_400_field_by_field_and_nothing_saved(api_as, somchai, overrides, field):
    response = api_as(somchai).post("/api/v1/lookouts/", _body(**overrides), format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Lookout.objects.exists()
    assert not LookoutValue.objects.exists()


def test_a_bad_value_is_reported_on_its_row(api_as, somchai):
    values = [{"kind": "container", "value": "CSQU3054383"}, {"kind": "container", "value": "CSQU3054384"}]
    response = api_as(somchai).post("/api/v1/lookouts/", _body(values=values), format="json")

    assert response.status_code == 400
    rows = response.json()["values"]
    assert rows[0] == {}
    assert "value" in rows[1]


def test_sharing_decides_who_sees_and_only_the_owner_writes(api_as, somchai, kim, maria, lee):
    members = api_as(somchai).post("/api/v1/lookouts/", _body(), format="json").json()
    named = (
        api_as(somchai)
        .post("/api/v1/lookouts/", _body(title="Named", sharing="named", shared_with=["KCS"]), format="json")
        .json()
    )
    own = api_as(somchai).post("/api/v1/lookouts/", _body(title="Own", sharing="agency"), format="json").json()

    assert api_as(kim).get(f"/api/v1/lookouts/{named['id']}/").status_code == 200
    assert api_as(maria).get(f"/api/v1/lookouts/{named['id']}/").status_code == 404
    assert api_as(kim).get(f"/api/v1/lookouts/{own['id']}/").status_code == 404
    assert api_as(maria).get(f"/api/v1/lookouts/{members['id']}/").status_code == 200
    listed = {row["id"] for row in api_as(kim).get("/api/v1/lookouts/").json()["results"]}
    assert listed == {members["id"], named["id"]}
    # Another agency sees it but does not write it; an agency admin does not create.
    assert api_as(kim).patch(f"/api/v1/lookouts/{members['id']}/", {"title": "x"}, format="json").status_code == 403
    assert api_as(kim).post(f"/api/v1/lookouts/{members['id']}/withdraw/").status_code == 403
    assert api_as(lee).post("/api/v1/lookouts/", _body(), format="json").status_code == 403


def test_patch_keeps_history_and_withdraw_ends(api_as, somchai):
    client = api_as(somchai)
    lookout = client.post("/api/v1/lookouts/", _body(), format="json").json()

    response = client.patch(
        f"/api/v1/lookouts/{lookout['id']}/",
        {"title": "Reefer CSQU and phone", "values": [{"kind": "phone", "value": "+66 81 234 5678"}]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["values"][0]["normalized"] == "+66812345678"
    revision = LookoutRevision.objects.get(lookout_id=lookout["id"], action="updated")
    assert revision.changes["title"] == ["Reefer CSQU", "Reefer CSQU and phone"]

    assert client.post(f"/api/v1/lookouts/{lookout['id']}/withdraw/").json()["status"] == "withdrawn"
    assert client.post(f"/api/v1/lookouts/{lookout['id']}/withdraw/").status_code == 409
    assert client.patch(f"/api/v1/lookouts/{lookout['id']}/", {"title": "y"}, format="json").status_code == 409


def test_acceptance_hit_blind_hit_and_access_request(api_as, record, somchai, kim, tcd):
    """TCD watches CSQU3054383 (shared with members); KCS submits `csqu 305438-3`."""
    lookout = api_as(somchai).post("/api/v1/lookouts/", _body(), format="json").json()

    shown = record(kim, [("container", "csqu 305438-3")])
    hidden = record(kim, [("container", "CSQU 305438 3")], sharing="agency")

    assert len(_alerts_to("TCD", "lookout_hit")) == 2
    hits = api_as(somchai).get(f"/api/v1/lookouts/{lookout['id']}/hits/").json()["results"]
    by_seizure = {hit["seizure"]["id"]: hit for hit in hits}
    assert by_seizure[shown.pk]["seizure"] == {"id": shown.pk, "reference": shown.reference}
    assert by_seizure[shown.pk]["blind"] is False
    [blind] = [hit for hit in hits if hit["blind"]]
    assert blind["seizure"] == {"id": None, "reference": None}
    assert (blind["agency"], blind["kind"], blind["source"]) == ("KCS", "container", "seizure")
    assert api_as(somchai).get(f"/api/v1/lookouts/{lookout['id']}/").json()["hit_count"] == 2

    response = api_as(somchai).post(f"/api/v1/lookouts/{lookout['id']}/hits/{blind['id']}/request-access/")
    assert response.status_code == 201
    request = AccessRequest.objects.get()
    assert (request.seizure_id, request.requesting_agency, request.match_id) == (hidden.pk, tcd, None)
    assert any(hidden.reference in alert.title for alert in _alerts_to("KCS", "message"))
    # The visible one needs no access.
    shown_hit = by_seizure[shown.pk]["id"]
    assert api_as(somchai).post(f"/api/v1/lookouts/{lookout['id']}/hits/{shown_hit}/request-access/").status_code == 409


def test_deconfliction_names_only_the_other_agency(api_as, somchai):
    gdvc_officer = UserFactory(email="an@gdvc.test", full_name="Nguyen An", agency=agency("GDVC"), role=Role.OFFICER)
    api_as(somchai).post("/api/v1/lookouts/", _body(), format="json")
    response = api_as(gdvc_officer).post(
        "/api/v1/lookouts/",
        _body(title="Hai Phong reefer", reason="Source LOTUS", values=[{"kind": "container", "value": "CSQU3054383"}]),
        format="json",
    )
    assert response.status_code == 201

    [at_tcd] = _alerts_to("TCD", "deconfliction")
    [at_gdvc] = _alerts_to("GDVC", "deconfliction")
    assert "GDVC" in at_tcd.title and "Nguyen An" in at_tcd.body
    assert "Hai Phong" not in at_tcd.title + at_tcd.body and "LOTUS" not in at_tcd.title + at_tcd.body
    assert "TCD" in at_gdvc.title and "Somchai" in at_gdvc.body
    assert "Reefer CSQU" not in at_gdvc.title + at_gdvc.body and "NIGHTJAR" not in at_gdvc.title + at_gdvc.body


def test_lookout_list_and_hits_have_a_constant_number_of_queries(api_as, record, somchai, kim):
    client = api_as(somchai)
    lookout = client.post("/api/v1/lookouts/", _body(), format="json").json()
    record(kim, [("container", "CSQU3054383")])

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = (count("/api/v1/lookouts/"), count(f"/api/v1/lookouts/{lookout['id']}/hits/"))
    for n in range(3):
        client.post("/api/v1/lookouts/", _body(title=f"More {n}"), format="json")
        record(kim, [("container", "CSQU3054383")], sharing="agency")
    after = (count("/api/v1/lookouts/"), count(f"/api/v1/lookouts/{lookout['id']}/hits/"))
    assert before == after


def test_another_agency_reads_a_shared_lookout_but_not_its_hits(api_as, record, somchai, kim, maria):
    lookout = api_as(somchai).post("/api/v1/lookouts/", _body(), format="json").json()
    record(kim, [("container", "CSQU3054383")])

    assert api_as(maria).get(f"/api/v1/lookouts/{lookout['id']}/").status_code == 200
    assert api_as(maria).get(f"/api/v1/lookouts/{lookout['id']}/hits/").json()["results"] == []
    assert len(api_as(somchai).get(f"/api/v1/lookouts/{lookout['id']}/hits/").json()["results"]) == 1
