"""Counted units in every total: kg equivalents, tablets and items without weight.

A 40,000-tablet methamphetamine seizure counts 4 kg (100 mg a tablet, docs/statistics.md) in
the dashboard, the statistics API, the operation report (page, API, CSV), the CSV export and the
origin share; its tablets are shown beside; an item with no factor and no weight is counted
apart ("+ 1 item without weight"), never as 0 kg in silence. The summary and the live
aggregates agree on all four figures.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from cases.choices import Drug, Unit
from cases.operations.report import operation_report, report_csv
from cases.seizures import validators as v
from cases.seizures.summary import stats_differences, stats_rebuild
from cases.stats.selectors import dashboard, origin_share, seizure_stats
from tests.cases.seizures.conftest import make_operation
from tests.factories import SeizureFactory

pytestmark = pytest.mark.django_db


def test_conversion_factors_are_the_documented_ones():
    # docs/statistics.md: 100 mg an ATS tablet (methamphetamine, MDMA); 1 kg a litre of any drug.
    assert v.CONVERSION_FACTORS[("methamphetamine", "tablet")] == Decimal("0.0001")
    assert v.CONVERSION_FACTORS[("mdma", "tablet")] == Decimal("0.0001")
    for drug in Drug.values:
        assert v.CONVERSION_FACTORS[(drug, "l")] == Decimal("1")
        assert v.CONVERSION_FACTORS[(drug, "ml")] == Decimal("0.001")
    # No documented factor: tablets of anything but ATS.
    tablet_drugs = {drug for drug, unit in v.CONVERSION_FACTORS if unit == Unit.TABLET}
    assert tablet_drugs == {"methamphetamine", "mdma"}


@pytest.mark.parametrize(
    ("drug", "quantity", "unit", "net", "expected"),
    [
        ("heroin", "1500", "g", None, Decimal("1.500")),  # a mass: its weight
        ("heroin", "2", "kg", "1.9", Decimal("2.000")),  # the measured weight beats the net weight
        ("methamphetamine", "40000", "tablet", None, Decimal("4.000")),
        ("methamphetamine", "40000", "tablet", "3.612", Decimal("3.612")),  # weighed beats the factor
        ("mdma", "3", "tablet", None, Decimal("0.000")),  # 0.3 g rounds to the gram
        ("mdma", "7", "tablet", None, Decimal("0.001")),
        ("precursor", "12.5", "l", None, Decimal("12.500")),
        ("nps", "250", "ml", None, Decimal("0.250")),
        ("ketamine", "500", "tablet", None, None),  # no factor, no weight: none
    ],
)
def test_kg_equivalent_follows_weight_then_net_weight_then_factor(drug, quantity, unit, net, expected):
    weight = v.item_weight_kg(Decimal(quantity), unit)
    result = v.kg_equivalent(
        drug=drug,
        quantity=Decimal(quantity),
        unit=unit,
        weight_kg=weight,
        net_weight_kg=Decimal(net) if net else None,
    )
    assert result == expected


@pytest.fixture
def tablets_seizure(kcs):
    return SeizureFactory(
        agency=kcs,
        occurred_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2),
        items=[
            (Drug.METHAMPHETAMINE, Decimal("40000"), Unit.TABLET),
            (Drug.KETAMINE, Decimal("500"), Unit.TABLET),
        ],
    )


def test_a_tablet_seizure_counts_in_the_dashboard_and_statistics(tablets_seizure, kim):
    data = dashboard(user=kim)
    assert data.this_month["weight_kg"] == Decimal("4.000")
    assert data.this_month["tablets"] == Decimal("40500.000")
    assert data.this_month["items_without_weight"] == 1
    by_drug = {row["key"]: row for row in data.by_drug}
    assert (by_drug["methamphetamine"]["weight_kg"], by_drug["methamphetamine"]["tablets"]) == (
        Decimal("4.000"),
        Decimal("40000.000"),
    )
    assert (by_drug["ketamine"]["weight_kg"], by_drug["ketamine"]["items_without_weight"]) == (Decimal("0.000"), 1)
    for source in ("summary", "live"):
        rows = {row["key"]: row for row in seizure_stats(user=kim, group_by="drug", source=source)}
        assert rows["methamphetamine"]["tablets"] == Decimal("40000.000"), source
        assert rows["ketamine"]["items_without_weight"] == 1, source


def test_the_summary_holds_tablets_and_items_without_weight_exactly(tablets_seizure):
    assert stats_differences() == {}
    stats_rebuild()
    assert stats_differences() == {}


def test_the_dashboard_page_shows_tablets_and_items_without_weight(tablets_seizure, client_as, kim):
    html = client_as(kim).get(reverse("home")).content.decode()
    assert "40,500 tablets" in html
    assert "+ 1 item without weight" in html


def test_the_operation_report_adds_kg_equivalents_and_tablets(kcs, tcd, kim):
    operation = make_operation(lead="KCS", accepted=["TCD"])
    SeizureFactory(agency=tcd, operation=operation, items=[(Drug.METHAMPHETAMINE, Decimal("40000"), Unit.TABLET)])
    report = operation_report(operation=operation, user=kim)
    assert (report.seizures, report.weight_kg, report.tablets) == (1, Decimal("4.000"), Decimal("40000.000"))
    assert [(row["agency"], row["weight_kg"], row["tablets"]) for row in report.by_agency] == [
        ("TCD", Decimal("4.000"), Decimal("40000.000"))
    ]
    rows = list(csv.reader(io.StringIO(report_csv(report))))
    assert rows[0] == ["section", "key", "seizures", "weight_kg", "tablets", "items_without_weight"]
    assert ["total", "all", "1", "4", "40000", "0"] in rows
    assert ["agency", "TCD", "1", "4", "40000", "0"] in rows


def test_the_origin_share_counts_tablets_by_their_kg_equivalent(kcs, kim):
    when = dt.datetime(2023, 5, 1, 12, tzinfo=dt.UTC)
    SeizureFactory(agency=kcs, occurred_at=when, origin_country="TH", items=[("methamphetamine", "40000", "tablet")])
    SeizureFactory(agency=kcs, occurred_at=when, origin_country="CN", items=[("heroin", "6", "kg")])
    rows = {row["year"]: row for row in origin_share(user=kim, country="KR", region="ASEAN")}
    assert (rows[2023]["total_weight_kg"], rows[2023]["region_weight_kg"]) == (Decimal("10.000"), Decimal("4.000"))


def test_the_csv_export_carries_kg_equivalent_and_tablets(tablets_seizure, client_as, kim):
    response = client_as(kim).get(reverse("seizures:export"))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    row = next(r for r in rows if r["reference"] == tablets_seizure.reference)
    assert (row["total_weight_kg"], row["tablets"], row["items_without_weight"]) == ("4", "40500", "1")
