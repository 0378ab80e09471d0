from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone


def cargo_line(reference: str = "DEC-1", **overrides: Any) -> dict[str, Any]:
    """An ordinary cargo line from China to Korea."""
    line = {
        "kind": "cargo",
        "reference": reference,
        "eta": (timezone.now() + dt.timedelta(days=2)).isoformat(),
        "transport_mode": "sea_container",
        "origin_country": "CN",
        "transit_countries": [],
        "destination_country": "KR",
        "loading_place": "CNSHA",
        "discharge_place": "KRPUS",
        "hs_code": "8471",
        "goods_description": "Laptop computers",
        "gross_weight_kg": "1200.5",
        "shipper": "Shanghai Bright Electronics Co., Ltd.",
        "consignee": "Han River Import Export Co., Ltd",
        "identifiers": [{"kind": "container", "value": "MSKU 604321-6"}],
    }
    line.update(overrides)
    return line


def passenger_line(reference: str = "PNR-1", **overrides: Any) -> dict[str, Any]:
    line = {
        "kind": "passenger",
        "reference": reference,
        "eta": (timezone.now() + dt.timedelta(days=1)).isoformat(),
        "transport_mode": "air_passenger",
        "origin_country": "LA",
        "transit_countries": ["TH"],
        "destination_country": "KR",
        "traveller": {"nationality": "LA", "birth_year": 2001, "sex": "m"},
        "identifiers": [{"kind": "flight", "value": "TG656"}, {"kind": "passport", "value": "P12345678"}],
    }
    line.update(overrides)
    return line


@pytest.fixture
def send(api_as):
    """POST a batch as the user; returns the response."""

    def post(user, lines):
        return api_as(user).post("/api/v1/manifests/", {"lines": lines}, format="json")

    return post
