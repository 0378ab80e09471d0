"""Statistics equal totals computed by hand; only visible seizures count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.factories import SeizureFactory, agency

pytestmark = pytest.mark.django_db


def at(year: int, month: int, day: int = 15) -> dt.datetime:
    return dt.datetime(year, month, day, 12, tzinfo=dt.UTC)


@pytest.fixture
def seizures(kcs, tcd, boc):
    """Four seizures visible to KCS, one Thai seizure KCS may not see."""
    return {
        "meth_sea": SeizureFactory(
            agency=kcs,
            occurred_at=at(2024, 3),
            transport_mode="sea_container",
            origin_country="TH",
            items=[("methamphetamine", Decimal("100"), "kg"), ("heroin", Decimal("2500"), "g")],
        ),
        "meth_air": SeizureFactory(
            agency=kcs,
            occurred_at=at(2024, 3, 20),
            transport_mode="air_passenger",
            origin_country="VN",
            items=[("methamphetamine", Decimal("1.5"), "kg")],
        ),
        "thai_shared": SeizureFactory(
            agency=tcd,
            occurred_at=at(2024, 5),
            transport_mode="sea_container",
            origin_country="MM",
            destination_country="KR",
            items=[("heroin", Decimal("20"), "kg")],
        ),
        "ketamine_tablets": SeizureFactory(
            agency=kcs,
            occurred_at=at(2025, 1),
            transport_mode="postal",
            origin_country="NL",
            items=[("ketamine", Decimal("500"), "tablet")],
        ),
        "thai_hidden": SeizureFactory(
            agency=tcd,
            sharing="agency",
            occurred_at=at(2024, 3),
            transport_mode="sea_container",
            origin_country="TH",
            items=[("methamphetamine", Decimal("999"), "kg")],
        ),
    }


def rows(api, user, **params):
    response = api(user).get("/api/v1/stats/seizures/", params)
    assert response.status_code == 200, response.content
    return {row["key"]: (row["seizures"], row["weight_kg"]) for row in response.json()["rows"]}


def test_by_drug_counts_a_two_drug_seizure_in_both_rows(seizures, api_as, kim):
    assert rows(api_as, kim, group_by="drug") == {
        "methamphetamine": (2, "101.500"),
        "heroin": (2, "22.500"),
        "ketamine": (1, "0.000"),
    }


def test_by_agency_transport_mode_and_origin(seizures, api_as, kim):
    assert rows(api_as, kim, group_by="agency") == {"KCS": (3, "104.000"), "TCD": (1, "20.000")}
    assert rows(api_as, kim, group_by="transport_mode") == {
        "sea_container": (2, "122.500"),
        "air_passenger": (1, "1.500"),
        "postal": (1, "0.000"),
    }
    assert rows(api_as, kim, group_by="origin_country") == {
        "TH": (1, "102.500"),
        "MM": (1, "20.000"),
        "VN": (1, "1.500"),
        "NL": (1, "0.000"),
    }


def test_by_month_and_year(seizures, api_as, kim):
    assert rows(api_as, kim, group_by="month") == {
        "2024-03": (2, "104.000"),
        "2024-05": (1, "20.000"),
        "2025-01": (1, "0.000"),
    }
    assert rows(api_as, kim, group_by="year") == {2024: (3, "124.000"), 2025: (1, "0.000")}


def test_filters_apply_and_drug_filter_weighs_only_that_drug(seizures, api_as, kim):
    assert rows(api_as, kim, group_by="agency", drug="heroin") == {"TCD": (1, "20.000"), "KCS": (1, "2.500")}
    assert rows(api_as, kim, group_by="year", transport_mode="sea_container", occurred_before="2024-03-31") == {
        2024: (1, "102.500")
    }
    assert rows(api_as, kim, group_by="drug", origin_country="vn") == {"methamphetamine": (1, "1.500")}


def test_the_owner_counts_its_hidden_seizure(seizures, api_as, somchai):
    assert rows(api_as, somchai, group_by="agency")["TCD"] == (2, "1019.000")


def test_outsider_counts_only_what_is_shared_with_members(seizures, api_as, maria):
    assert rows(api_as, maria, group_by="agency") == {"KCS": (3, "104.000"), "TCD": (1, "20.000")}


@pytest.mark.parametrize(
    "params",
    [
        {"group_by": "colour"},
        {},
        {"group_by": "drug", "drug": "chocolate"},
        {"group_by": "drug", "country": "XX"},
        {"group_by": "drug", "occurred_after": "yesterday"},
    ],
)
def test_bad_parameters_answer_400(api_as, kim, params):
    response = api_as(kim).get("/api/v1/stats/seizures/", params)

    assert response.status_code == 400


def test_anonymous_gets_401(api):
    assert api.get("/api/v1/stats/seizures/", {"group_by": "drug"}).status_code in (401, 403)


@pytest.mark.parametrize("group_by", ["drug", "agency", "month"])
def test_stats_are_one_query(seizures, api_as, kim, group_by, django_assert_num_queries):
    from django.db import connection

    client = api_as(kim)
    # Queries: the public rollup (drug, agency, month) and the agency's own unshared summary
    # rows, then the live read of what it sees beyond the summary (shared_with, operations); on
    # PostgreSQL also SAVEPOINT, SET LOCAL jit, SET LOCAL work_mem, RELEASE.
    with django_assert_num_queries(3 + (4 if connection.vendor == "postgresql" else 0)):
        client.get("/api/v1/stats/seizures/", {"group_by": group_by})


def test_agency_fixture_codes_exist():
    assert agency("KCS").country == "KR"
