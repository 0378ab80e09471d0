"""Origin share: KR 2023, 279 kg of 734 kg from ASEAN origins → 0.380; membership dates count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.factories import SeizureFactory

pytestmark = pytest.mark.django_db


def seize(agency, when, origin, kg, **extra):
    return SeizureFactory(
        agency=agency, occurred_at=when, origin_country=origin, items=[("methamphetamine", Decimal(kg), "kg")], **extra
    )


def at(year, month, day=15):
    return dt.datetime(year, month, day, 12, tzinfo=dt.UTC)


def share(api, user, **params):
    response = api(user).get("/api/v1/stats/origin-share/", params)
    assert response.status_code == 200, response.content
    return {row["year"]: row for row in response.json()["rows"]}


def test_korea_2023_279_of_734_kg_from_asean(api_as, kim, kcs, tcd):
    seize(kcs, at(2023, 2), "TH", "200")
    seize(kcs, at(2023, 6), "VN", "79")
    seize(kcs, at(2023, 9), "CN", "300")
    seize(kcs, at(2023, 11), "MX", "155")
    seize(tcd, at(2023, 4), "LA", "500", country="TH")  # seized in Thailand: not Korea's
    seize(kcs, at(2022, 4), "TH", "10")

    rows = share(api_as, kim, country="KR", region="ASEAN")

    assert rows[2023] == {
        "year": 2023,
        "total_weight_kg": "734.000",
        "region_weight_kg": "279.000",
        "region_share": 0.38,
    }
    assert rows[2022]["region_share"] == 1.0
    assert list(rows) == [2022, 2023]


def test_timor_leste_counts_for_asean_only_from_2025_10_26(api_as, kim, kcs):
    seize(kcs, at(2025, 6), "TL", "40")  # before accession: not ASEAN
    seize(kcs, at(2025, 10, 25), "TL", "7")  # the day before: not ASEAN
    seize(kcs, at(2025, 10, 26), "TL", "3")  # accession day: ASEAN
    seize(kcs, at(2025, 11), "TL", "50")  # after: ASEAN

    row = share(api_as, kim, country="kr", region="asean")[2025]

    assert (row["total_weight_kg"], row["region_weight_kg"]) == ("100.000", "53.000")
    assert row["region_share"] == 0.53


def test_only_visible_seizures_count(api_as, kim, somchai, kcs, tcd):
    seize(kcs, at(2023, 2), "TH", "100")
    seize(tcd, at(2023, 3), "TH", "900", country="KR", sharing="agency")

    assert share(api_as, kim, country="KR", region="ASEAN")[2023]["total_weight_kg"] == "100.000"
    assert share(api_as, somchai, country="KR", region="ASEAN")[2023]["total_weight_kg"] == "1000.000"


@pytest.mark.parametrize(
    "params",
    [{"country": "KR"}, {"region": "ASEAN"}, {"country": "KR", "region": "EU"}, {"country": "ZZ", "region": "ASEAN"}],
)
def test_bad_parameters_answer_400(api_as, kim, params):
    assert api_as(kim).get("/api/v1/stats/origin-share/", params).status_code == 400
