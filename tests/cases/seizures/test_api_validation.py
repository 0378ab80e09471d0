"""Every malformed input is a 400 naming the field, and nothing is saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.seizures.models import (
    Seizure,
    SeizureIdentifier,
    SeizureItem,
    SeizurePerson,
    SeizureRevision,
    SeizureTransit,
)
from crackdown.models import Counter
from tests.cases.seizures.conftest import seizure_payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/seizures/"
MODELS = (Seizure, SeizureItem, SeizureIdentifier, SeizurePerson, SeizureTransit, SeizureRevision)


def _counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in MODELS)


def _ident(kind: str, value: str) -> dict:
    return {"identifiers": [{"kind": kind, "value": value}]}


def _item(**fields) -> dict:
    item = {"drug": "heroin", "quantity": "1", "unit": "kg"} | fields
    return {"items": [{"drug": "cannabis", "quantity": "2", "unit": "kg"}, item]}


FUTURE = (timezone.now() + dt.timedelta(days=2)).isoformat()

BAD_INPUTS = [
    # (case, overrides, path of the error in the response)
    ("container check digit", _ident("container", "CSQU3054384"), ("identifiers", 0, "value")),
    ("container format", _ident("container", "CSQ3054383"), ("identifiers", 0, "value")),
    ("IMO check digit", _ident("vessel_imo", "IMO 9074728"), ("identifiers", 0, "value")),
    ("IMO length", _ident("vessel_imo", "907472"), ("identifiers", 0, "value")),
    ("air waybill check digit", _ident("air_waybill", "176-12345676"), ("identifiers", 0, "value")),
    ("air waybill length", _ident("air_waybill", "176-1234567"), ("identifiers", 0, "value")),
    ("flight number", _ident("flight", "12345"), ("identifiers", 0, "value")),
    ("phone number", _ident("phone", "0812"), ("identifiers", 0, "value")),
    ("unknown identifier kind", _ident("shoe_size", "42"), ("identifiers", 0, "kind")),
    ("country code", {"origin_country": "XX"}, ("origin_country",)),
    ("country code length", {"destination_country": "KOR"}, ("destination_country",)),
    ("seizure country", {"country": "ZZ"}, ("country",)),
    ("transit country", {"transit_countries": ["MY", "QQ"]}, ("transit_countries",)),
    ("duplicate transit", {"transit_countries": ["MY", "SG", "MY"]}, ("transit_countries",)),
    ("unknown transport mode", {"transport_mode": "submarine"}, ("transport_mode",)),
    ("unknown detection method", {"detection_method": "psychic"}, ("detection_method",)),
    ("unknown sharing", {"sharing": "everyone"}, ("sharing",)),
    ("unknown drug", _item(drug="sugar"), ("items", 1, "drug")),
    ("unknown unit", _item(unit="lb"), ("items", 1, "unit")),
    ("negative quantity", _item(quantity="-3"), ("items", 1, "quantity")),
    ("zero quantity", _item(quantity="0"), ("items", 1, "quantity")),
    ("implausible quantity", _item(quantity="250000", unit="kg"), ("items", 1, "quantity")),
    ("implausible tablets", _item(quantity="50000000", unit="tablet"), ("items", 1, "quantity")),
    ("quantity not a number", _item(quantity="lots"), ("items", 1, "quantity")),
    ("no items", {"items": []}, ("items",)),
    ("future occurrence", {"occurred_at": FUTURE}, ("occurred_at",)),
    ("occurrence before 1990", {"occurred_at": "1989-12-31T10:00:00+00:00"}, ("occurred_at",)),
    ("occurrence not a date", {"occurred_at": "yesterday"}, ("occurred_at",)),
    ("person nationality", {"persons": [{"role": "courier", "nationality": "XX"}]}, ("persons", 0, "nationality")),
    ("person role", {"persons": [{"role": "mastermind"}]}, ("persons", 0, "role")),
    ("unknown agency in shared_with", {"shared_with": ["NOPE"]}, ("shared_with",)),
    ("operation sharing without operation", {"sharing": "operation"}, ("operation",)),
    ("operation that does not exist", {"operation": 987654}, ("operation",)),
]


def _error_at(body, path):
    node = body
    for key in path:
        node = node[key]
    return node


@pytest.mark.parametrize(("case", "overrides", "path"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(kim, api_as, case, overrides, path):
    before = _counts()
    counters = list(Counter.objects.values_list("name", "value"))
    response = api_as(kim).post(URL, seizure_payload(**overrides), format="json")
    assert response.status_code == 400, response.content
    messages = _error_at(response.json(), path)
    assert isinstance(messages, list) and messages and all(isinstance(m, str) and m for m in messages)
    assert _counts() == before
    assert list(Counter.objects.values_list("name", "value")) == counters


def test_missing_required_fields_are_each_named(kim, api_as):
    response = api_as(kim).post(URL, {"location": "Incheon"}, format="json")
    assert response.status_code == 400
    assert {"occurred_at", "transport_mode", "detection_method", "items"} <= set(response.json())
    assert _counts() == (0,) * len(MODELS)


def test_bad_row_keeps_one_entry_per_row(kim, api_as):
    response = api_as(kim).post(URL, seizure_payload(**_ident("container", "CSQU3054384")) | _item(quantity="-1"))
    assert response.status_code == 400
    body = response.json()
    assert body["items"][0] == {} and "quantity" in body["items"][1]


def test_bad_patch_changes_nothing(kim, api_as):
    created = api_as(kim).post(URL, seizure_payload(), format="json").json()
    before = _counts()
    response = api_as(kim).patch(
        f"{URL}{created['id']}/",
        {"location": "Busan", "identifiers": [{"kind": "vessel_imo", "value": "1234568"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "value" in response.json()["identifiers"][0]
    assert _counts() == before
    seizure = Seizure.objects.get(pk=created["id"])
    assert seizure.location == "Incheon Port"
    assert list(seizure.identifiers.values_list("normalized", flat=True)) == ["CSQU3054383"]


@pytest.mark.parametrize(
    ("kind", "raw", "normalized"),
    [
        ("container", "csqu 305438-3", "CSQU3054383"),
        ("vessel_imo", "IMO 9074729", "9074729"),
        ("air_waybill", "176-12345675", "17612345675"),
        ("flight", "KE0652", "KE652"),
        ("phone", "+66 81 234 5678", "+66812345678"),
        ("company", "Golden Star Trading Co., Ltd.", "GOLDEN STAR TRADING"),
        ("passport", "m1234 5678", "M12345678"),
        ("bill_of_lading", "hdmu-123 456 789", "HDMU123456789"),
    ],
)
def test_identifiers_are_stored_raw_and_normalised(kim, api_as, kind, raw, normalized):
    response = api_as(kim).post(URL, seizure_payload(**_ident(kind, raw)), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["identifiers"] == [{"kind": kind, "value": raw, "normalized": normalized}]
