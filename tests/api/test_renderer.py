"""The API's JSON renderer writes what DRF's own renderer writes, byte for byte."""

from __future__ import annotations

import datetime as dt
import enum
import json
import uuid
from collections import namedtuple
from decimal import Decimal

import pytest
from django.db import models
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy
from rest_framework import renderers
from rest_framework.utils.serializer_helpers import ReturnDict

from crackdown.api.renderers import JSONRenderer

SEOUL = dt.timezone(dt.timedelta(hours=9))


class Colour(str, enum.Enum):  # noqa: UP042 - its str() is its name, not its value
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


class Mode(models.TextChoices):
    SEA = "sea_container", "Sea container"


Point = namedtuple("Point", "x y")

PAYLOADS = [
    {"results": [{"id": 1, "weight_kg": "12.500", "transit": ["TH", "LA"], "operation": None}], "next": None},
    {"occurred_at": dt.datetime(2026, 3, 1, 9, 30, 0, 123456, tzinfo=dt.UTC)},
    {"occurred_at": dt.datetime(2026, 3, 1, 9, 30, tzinfo=SEOUL), "day": dt.date(2026, 3, 1)},
    {"at": dt.time(9, 30), "took": dt.timedelta(seconds=90), "id": uuid.UUID(int=7)},
    {"share": Decimal("0.250"), "ratio": 0.1, "big": 2**40, "yes": True},
    {"detail": gettext_lazy("Not found."), "errors": {"items": [gettext_lazy("This field is required.")]}},
    {"text": "서울 → Bangkok", "separators": "line\u2028paragraph\u2029end"},
    {1: "integer key", "nested": {2: [1, 2, 3]}},
    ReturnDict({"name": "KCS", "country": "KR"}, serializer=None),
    [{"a": []}, {}, "", 0],
    {"colour": Colour.RED, "level": Level.HIGH, "mode": Mode.SEA, Mode.SEA: "as a key"},
    {"query": MultiValueDict({"drug": ["heroin", "cocaine"]}), "point": Point(1, 2), "pair": (1, "a")},
]


@pytest.mark.parametrize("data", PAYLOADS)
def test_the_same_bytes_as_drf(data):
    assert JSONRenderer().render(data, "application/json") == renderers.JSONRenderer().render(data, "application/json")


def test_an_indent_asked_for_is_honoured():
    data = {"a": [1, {"b": "c"}]}
    indented = JSONRenderer().render(data, "application/json; indent=4")
    assert indented == renderers.JSONRenderer().render(data, "application/json; indent=4")
    assert b'\n    "a"' in indented


def test_what_orjson_cannot_write_is_still_written():
    data = {"huge": 2**70}
    assert JSONRenderer().render(data, "application/json") == b'{"huge":1180591620717411303424}'


def test_floats_are_the_same_numbers_and_nan_is_null():
    data = {"tiny": 1e-7, "huge": 1.5e300, "share": 0.003}
    ours = JSONRenderer().render(data, "application/json")
    assert json.loads(ours) == data
    assert ours == b'{"tiny":1e-7,"huge":1.5e+300,"share":0.003}'
    # DRF's strict JSON fails the request on NaN; the API writes null.
    assert JSONRenderer().render({"share": float("nan")}, "application/json") == b'{"share":null}'


def test_no_data_is_an_empty_body():
    assert JSONRenderer().render(None, "application/json") == b""


def test_the_api_answers_through_it(client):
    response = client.get("/api/v1/seizures/")
    assert response.status_code in (401, 403)
    assert type(response.accepted_renderer) is JSONRenderer
    assert response.json()["detail"]
