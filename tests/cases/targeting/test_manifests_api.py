"""Manifest lines in through the API: validated and normalised like seizures, idempotent by
reference, scored with reasons before the answer, never half-saved, invisible to others."""

from __future__ import annotations

from cases.targeting.models import ManifestIdentifier, ManifestLine
from tests.cases.targeting.conftest import cargo_line, passenger_line


def test_batch_is_stored_normalised_and_scored(kim, send, api_as):
    response = send(kim, [cargo_line("DEC-1"), passenger_line("PNR-1")])
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["created"] == 2 and body["updated"] == 0
    assert [line["reference"] for line in body["lines"]] == ["DEC-1", "PNR-1"]
    line = ManifestLine.objects.get(reference="DEC-1")
    assert line.agency.code == "KCS"
    assert line.consignee_normalized == "HAN RIVER IMPORT EXPORT"
    assert ManifestIdentifier.objects.get(line=line).normalized == "MSKU6043216"
    detail = api_as(kim).get(f"/api/v1/manifests/lines/{line.pk}/").json()
    assert detail["identifiers"] == [{"kind": "container", "value": "MSKU 604321-6", "normalized": "MSKU6043216"}]
    assert detail["traveller"] is None and detail["status"] == "new" and detail["result"] is None
    assert 0 <= detail["score"] <= 100


def test_known_reference_updates_its_line(kim, send):
    send(kim, [cargo_line("DEC-1")])
    response = send(kim, [cargo_line("DEC-1", goods_description="Printers"), cargo_line("DEC-2")])
    assert response.status_code == 201
    assert (response.json()["created"], response.json()["updated"]) == (1, 1)
    assert ManifestLine.objects.get(reference="DEC-1").goods_description == "Printers"
    assert ManifestLine.objects.count() == 2


def test_a_bad_line_saves_nothing_and_names_line_and_field(kim, send):
    lines = [
        cargo_line("DEC-1"),
        cargo_line("DEC-2", origin_country="XX", identifiers=[{"kind": "container", "value": "CSQU3054384"}]),
        cargo_line("DEC-1"),
    ]
    response = send(kim, lines)
    assert response.status_code == 400
    errors = response.json()["lines"]
    assert set(errors) == {"1", "2"}
    assert "origin_country" in errors["1"]
    assert "check digit" in errors["1"]["identifiers"][0]["value"][0]
    assert "reference" in errors["2"]
    assert ManifestLine.objects.count() == 0


def test_batch_size_is_bounded(kim, send):
    assert send(kim, []).status_code == 400
    response = send(kim, [cargo_line(f"DEC-{i}") for i in range(5001)])
    assert response.status_code == 400 and "lines" in response.json()


def test_agency_admin_cannot_send_manifests(lee, send):
    assert send(lee, [cargo_line()]).status_code == 403


def test_other_agency_gets_404_for_lines(kim, somchai, send, api_as):
    send(kim, [cargo_line("DEC-1")])
    line = ManifestLine.objects.get()
    thai = api_as(somchai)
    assert thai.get(f"/api/v1/manifests/lines/{line.pk}/").status_code == 404
    assert (
        thai.post(f"/api/v1/manifests/lines/{line.pk}/examine/", {"result": "nothing"}, format="json").status_code
        == 404
    )
    assert thai.get("/api/v1/manifests/lines/").json()["results"] == []


def test_queue_filters_and_order(kim, send, api_as, park):
    from tests.cases.targeting.test_rules_api import make_rule

    make_rule(park, condition={"field": "hs_code", "op": "prefix", "value": "09"}, points=40)
    send(
        kim, [cargo_line("DEC-1"), cargo_line("DEC-2", hs_code="0902", goods_description="Green tea"), passenger_line()]
    )
    client = api_as(kim)
    rows = client.get("/api/v1/manifests/lines/").json()["results"]
    assert rows[0]["reference"] == "DEC-2" and rows[0]["score"] == 40
    assert rows[0]["reasons"] == [{"source": "rule", "label": "rule “Tea”", "points": 40}]
    assert [r["reference"] for r in client.get("/api/v1/manifests/lines/?min_score=10").json()["results"]] == ["DEC-2"]
    assert [r["reference"] for r in client.get("/api/v1/manifests/lines/?kind=passenger").json()["results"]] == [
        "PNR-1"
    ]
    assert client.get("/api/v1/manifests/lines/?min_score=abc").status_code == 400
    assert client.get("/api/v1/manifests/lines/?eta_before=2000-01-01").json()["results"] == []


def test_examine_links_a_visible_seizure_only(kim, send, api_as):
    from tests.factories import SeizureFactory, agency

    send(kim, [cargo_line("DEC-1")])
    line = ManifestLine.objects.get()
    own = SeizureFactory(agency=agency("KCS"), status="submitted")
    hidden = SeizureFactory(agency=agency("TCD"), status="submitted", sharing="agency")
    client = api_as(kim)
    url = f"/api/v1/manifests/lines/{line.pk}/examine/"
    assert client.post(url, {"result": "found", "seizure": hidden.pk}, format="json").status_code == 400
    assert client.post(url, {"result": "maybe"}, format="json").status_code == 400
    response = client.post(url, {"result": "found", "seizure": own.pk, "notes": "Behind the panel"}, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["result"], response.json()["seizure"]) == (
        "examined",
        "found",
        own.pk,
    )


def test_a_traveller_of_the_wrong_json_types_is_refused_field_by_field(kim, send):
    """The schema's types hold: a number is not a country, a text is not a year, 0 is not a sex."""
    traveller = {"nationality": 0, "birth_year": "1990", "sex": 0}
    response = send(kim, [passenger_line("PNR-7", traveller=traveller)])
    assert response.status_code == 400
    errors = response.json()["lines"]["0"]["traveller"]
    assert set(errors) == {"nationality", "birth_year", "sex"}
    for bad in ({"birth_year": 1990.5}, {"birth_year": True}, {"sex": []}, {"nationality": ["LA"]}):
        assert send(kim, [passenger_line("PNR-8", traveller={"nationality": "LA", **bad})]).status_code == 400
    odd_kind = send(kim, [passenger_line("PNR-8", identifiers=[{"kind": {}, "value": "0"}])])
    assert odd_kind.status_code == 400 and "kind" in odd_kind.json()["lines"]["0"]["identifiers"][0]
    assert not ManifestLine.objects.filter(reference__in=["PNR-7", "PNR-8"]).exists()
    ok = send(kim, [passenger_line("PNR-9", traveller={"nationality": "", "birth_year": None, "sex": ""})])
    assert ok.status_code == 201, ok.json()


def test_offsets_postgresql_cannot_store_are_taken_in_utc(kim, send, api_as):
    """ISO 8601 allows offsets up to ±23:59; PostgreSQL's limit is ±15:59: never a 500."""
    import datetime as dt

    from django.utils import timezone

    eta = (timezone.now() + dt.timedelta(days=2)).replace(microsecond=0)
    far = eta.astimezone(dt.timezone(dt.timedelta(hours=22, minutes=32))).isoformat()
    response = send(kim, [cargo_line("DEC-22", eta=far)])
    assert response.status_code == 201, response.json()
    assert ManifestLine.objects.get(reference="DEC-22").eta == eta
    listed = api_as(kim).get("/api/v1/manifests/lines/", {"eta_after": "1449-07-10T04:01:13.502+22:32"})
    assert listed.status_code == 200
