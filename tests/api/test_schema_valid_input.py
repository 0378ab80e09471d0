"""What the schemathesis run over the whole API (`--checks all`) found, kept fixed: the server
refuses what the OpenAPI schema refuses, and answers a wrong type with a 400, never a 500."""

from __future__ import annotations

import pytest
from rest_framework import fields

from crackdown.api import strict
from tests.cases.targeting.conftest import cargo_line


def test_strict_strings_wrap_drf_charfield():
    # The seam of crackdown/api/strict.py: fails when a DRF upgrade renames what it wraps.
    assert fields.CharField.to_internal_value is strict._to_internal_value
    assert fields.EmailField.to_internal_value is strict._to_internal_value


@pytest.mark.parametrize("value", [0, 1.5, True, {}, []])
def test_a_number_or_an_object_is_not_a_name(kim, api_as, value):
    response = api_as(kim).patch("/api/v1/me/", {"full_name": value}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["full_name"]
    kim.refresh_from_db()
    assert kim.full_name != str(value)


def test_a_string_is_still_a_name(kim, api_as):
    response = api_as(kim).patch("/api/v1/me/", {"full_name": "Kim Min-ji"}, format="json")
    assert response.status_code == 200 and response.json()["full_name"] == "Kim Min-ji"


@pytest.mark.parametrize("query", ["status=null", "status=", "mine=maybe"])
def test_lookout_list_refuses_an_unknown_filter_value(kim, api_as, query):
    response = api_as(kim).get(f"/api/v1/lookouts/?{query}")
    assert response.status_code == 400
    assert list(response.json()) == [query.split("=")[0]]


def test_lookout_list_filters_still_apply(kim, api_as):
    assert api_as(kim).get("/api/v1/lookouts/?status=active&mine=true").status_code == 200


@pytest.mark.parametrize("value", ["0", "-1", "1.5", str(2**63)])
def test_seizure_operation_filter_is_an_id(kim, api_as, value):
    response = api_as(kim).get(f"/api/v1/seizures/?operation={value}")
    assert response.status_code == 400
    assert list(response.json()) == ["operation"]


def test_transit_country_that_is_not_text_is_a_field_error(kim, api_as):
    line = cargo_line("DEC-1", transit_countries=[[None, None]])
    response = api_as(kim).post("/api/v1/manifests/", {"lines": [line]}, format="json")
    assert response.status_code == 400
    assert "transit_countries" in response.json()["lines"]["0"]


def test_line_alert_to_a_recipient_that_is_not_a_code_is_a_field_error(kim, api_as):
    api_as(kim).post("/api/v1/manifests/", {"lines": [cargo_line("DEC-1")]}, format="json")
    line = api_as(kim).get("/api/v1/manifests/lines/").json()["results"][0]
    response = api_as(kim).post(f"/api/v1/manifests/lines/{line['id']}/alert/", {"recipients": [{}]}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["recipients"]


@pytest.mark.parametrize("body", [{"notes": {}}, {"notes": None}, {"seizure": True}, {"seizure": "1"}])
def test_examination_refuses_wrong_types(kim, api_as, body):
    api_as(kim).post("/api/v1/manifests/", {"lines": [cargo_line("DEC-1")]}, format="json")
    line = api_as(kim).get("/api/v1/manifests/lines/").json()["results"][0]
    response = api_as(kim).post(
        f"/api/v1/manifests/lines/{line['id']}/examine/", {"result": "nothing", **body}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == list(body)


def test_a_row_that_is_not_an_object_is_reported_as_the_schema_says(kim, api_as):
    # {"persons": [["This field may not be null."]]}: checked against ValidationError by the
    # OpenAPI check every API answer in the tests goes through (tests/openapi_check.py).
    response = api_as(kim).post("/api/v1/seizures/", {"persons": [None]}, format="json")
    assert response.status_code == 400
    assert response.json()["persons"] == [["This field may not be null."]]


@pytest.mark.parametrize("path", ["/api/v1/seizures/", "/api/v1/seizures/export.csv"])
def test_a_seizure_filter_given_twice_is_refused(kim, api_as, path):
    response = api_as(kim).get(f"{path}?destination_country=KR&destination_country=TH")
    assert response.status_code == 400
    assert list(response.json()) == ["destination_country"]


@pytest.mark.parametrize("value", ["XX", "kr", "\x85ÝÝ"])
def test_a_country_filter_takes_an_iso_code(kim, api_as, value):
    response = api_as(kim).get("/api/v1/seizures/", {"transit_country": value})
    assert response.status_code == 400
    assert list(response.json()) == ["transit_country"]


@pytest.mark.parametrize("identifiers", [None, "", {}, [{"kind": "phone", "value": 821012345678}]])
def test_manifest_identifiers_of_the_wrong_type_are_refused(kim, api_as, identifiers):
    line = cargo_line("DEC-1", identifiers=identifiers)
    response = api_as(kim).post("/api/v1/manifests/", {"lines": [line]}, format="json")
    assert response.status_code == 400
    assert "identifiers" in response.json()["lines"]["0"]
