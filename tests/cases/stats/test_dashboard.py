"""The home dashboard: this month against last, breakdowns, filters; visible seizures only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.stats.selectors import dashboard, month_start
from tests.factories import SeizureFactory

pytestmark = pytest.mark.django_db


def noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


@pytest.fixture
def arranged(kcs, tcd):
    today = timezone.localdate()
    this_month = min(noon(today), timezone.now())
    last_month = noon(month_start(today, 1) + dt.timedelta(days=3))
    return {
        "this": SeizureFactory(
            agency=kcs,
            occurred_at=this_month,
            transport_mode="air_cargo",
            origin_country="LA",
            transit_countries=["TH"],
            destination_country="KR",
            items=[("methamphetamine", Decimal("30"), "kg")],
        ),
        "last": SeizureFactory(
            agency=tcd,
            occurred_at=last_month,
            transport_mode="sea_container",
            origin_country="MM",
            destination_country="KR",
            items=[("heroin", Decimal("12"), "kg"), ("methamphetamine", Decimal("500"), "g")],
        ),
        "old": SeizureFactory(
            agency=kcs,
            occurred_at=noon(month_start(today, 5)),
            transport_mode="air_cargo",
            origin_country="LA",
            transit_countries=["TH"],
            destination_country="KR",
            items=[("methamphetamine", Decimal("10"), "kg")],
        ),
        "hidden": SeizureFactory(
            agency=tcd,
            sharing="agency",
            occurred_at=this_month,
            transport_mode="sea_container",
            items=[("methamphetamine", Decimal("777"), "kg")],
        ),
    }


NO_TABLETS = Decimal("0.000")


def test_dashboard_figures_equal_hand_totals(arranged, kim):
    data = dashboard(user=kim)

    assert data.this_month == {
        "seizures": 1,
        "weight_kg": Decimal("30.000"),
        "tablets": NO_TABLETS,
        "items_without_weight": 0,
    }
    assert data.last_month == {
        "seizures": 1,
        "weight_kg": Decimal("12.500"),
        "tablets": NO_TABLETS,
        "items_without_weight": 0,
    }
    assert data.totals == {
        "seizures": 3,
        "weight_kg": Decimal("52.500"),
        "tablets": NO_TABLETS,
        "items_without_weight": 0,
    }
    assert {r["key"]: (r["seizures"], r["weight_kg"]) for r in data.by_drug} == {
        "methamphetamine": (3, Decimal("40.500")),
        "heroin": (1, Decimal("12.000")),
    }
    assert {r["key"]: r["seizures"] for r in data.by_transport_mode} == {"air_cargo": 2, "sea_container": 1}
    assert {r["key"]: r["seizures"] for r in data.by_agency} == {"KCS": 2, "TCD": 1}
    assert [(r["label"], r["seizures"], r["weight_kg"]) for r in data.top_routes] == [
        ("LA → TH → KR", 2, Decimal("40.000")),
        ("MM → KR", 1, Decimal("12.500")),
    ]
    assert len(data.by_month) == 24
    assert sum(m["seizures"] for m in data.by_month) == 3


def test_the_owner_also_counts_its_hidden_seizure(arranged, somchai):
    data = dashboard(user=somchai)

    assert data.this_month == {
        "seizures": 2,
        "weight_kg": Decimal("807.000"),
        "tablets": NO_TABLETS,
        "items_without_weight": 0,
    }


def test_drug_filter_weighs_only_that_drug(arranged, kim):
    data = dashboard(user=kim, drug="heroin")

    assert data.totals == {
        "seizures": 1,
        "weight_kg": Decimal("12.000"),
        "tablets": NO_TABLETS,
        "items_without_weight": 0,
    }
    assert data.last_month == {
        "seizures": 1,
        "weight_kg": Decimal("12.000"),
        "tablets": NO_TABLETS,
        "items_without_weight": 0,
    }
    assert data.this_month == {
        "seizures": 0,
        "weight_kg": Decimal("0.000"),
        "tablets": NO_TABLETS,
        "items_without_weight": 0,
    }


def test_period_filter_bounds_the_breakdowns(arranged, kim):
    today = timezone.localdate()
    data = dashboard(user=kim, date_from=month_start(today, 6), date_to=month_start(today, 2))

    assert data.totals["seizures"] == 1
    assert [m["key"] for m in data.by_month][0] == month_start(today, 6).strftime("%Y-%m")


def test_home_page_shows_charts_and_tables_without_hidden_seizures(arranged, client_as, kim):
    response = client_as(kim).get(reverse("home"))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<svg") == 6  # five charts and the route map
    assert 'data-testid="table-drug"' in html
    # The route map's coordinates are digits too: look for the hidden 777 kg outside the map.
    map_start = html.index('data-testid="route-map"')
    assert "777" not in html[:map_start] + html[html.index("</figure>", map_start) :]
    assert "style=" not in html
    assert "LA → TH → KR" in html


def test_home_page_filters_and_rejects_bad_dates(arranged, client_as, kim):
    client = client_as(kim)

    assert client.get(reverse("home"), {"drug": "heroin"}).status_code == 200
    response = client.get(reverse("home"), {"date_from": "2025-05-01", "date_to": "2024-01-01"})
    assert response.status_code == 200
    assert "The end is before the start." in response.content.decode()


def test_platform_admin_sees_an_empty_dashboard(client_as, platform_admin):
    assert client_as(platform_admin).get(reverse("home")).status_code == 200


@pytest.mark.parametrize("extra", [1, 6])
def test_dashboard_query_count_is_fixed(kcs, tcd, kim, extra, django_assert_num_queries):
    from django.db import connection

    for n in range(extra):
        SeizureFactory(agency=[kcs, tcd][n % 2], origin_country=["TH", "VN", "LA"][n % 3])

    # Queries: headline; month × mode × agency cells; by drug; routes — each a read of a public
    # rollup, a read of the agency's own unshared summary rows and a live read of what it sees
    # beyond the summary (shared_with, operations; no boundary correction in UTC) — plus the
    # agencies named in the cells. On PostgreSQL also SAVEPOINT, SET LOCAL jit, SET LOCAL
    # work_mem, RELEASE.
    with django_assert_num_queries(13 + (4 if connection.vendor == "postgresql" else 0)):
        dashboard(user=kim)
