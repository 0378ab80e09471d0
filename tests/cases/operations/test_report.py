"""The after-action report counts only the linked seizures the reader may see, summed by the database."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from cases.choices import Drug, Unit
from cases.operations import services
from cases.operations.report import operation_report
from cases.seizures.models import Seizure
from tests.factories import SeizureFactory, agency


@pytest.fixture
def linked(operation, park, kim, niran, somchai, tan):
    """Four seizures linked to the operation; one (SC's, own-agency sharing) is hidden from KCS and TCD."""
    kcs_sea = SeizureFactory(
        agency=agency("KCS"),
        transport_mode="sea_container",
        items=[(Drug.METHAMPHETAMINE, Decimal("40"), Unit.KG), (Drug.KETAMINE, Decimal("500"), Unit.G)],
    )
    tcd_courier = SeizureFactory(
        agency=agency("TCD"),
        sharing="operation",
        transport_mode="express_courier",
        items=[(Drug.METHAMPHETAMINE, Decimal("2.5"), Unit.KG), (Drug.MDMA, Decimal("300"), Unit.TABLET)],
    )
    tcd_air = SeizureFactory(
        agency=agency("TCD"),
        sharing="members",
        transport_mode="air_passenger",
        items=[(Drug.HEROIN, Decimal("1.2"), Unit.KG)],
    )
    sc_hidden = SeizureFactory(
        agency=agency("SC"),
        sharing="agency",
        transport_mode="sea_container",
        items=[(Drug.COCAINE, Decimal("99"), Unit.KG)],
    )
    services.operation_link_seizure(operation=operation, seizure=kcs_sea, by=kim)
    services.operation_link_seizure(operation=operation, seizure=tcd_courier, by=somchai)
    services.operation_link_seizure(operation=operation, seizure=tcd_air, by=niran)
    services.operation_link_seizure(operation=operation, seizure=sc_hidden, by=tan)
    # Not linked: never counted.
    SeizureFactory(agency=agency("KCS"), items=[(Drug.METHAMPHETAMINE, Decimal("1000"), Unit.KG)])
    return {"kcs_sea": kcs_sea, "tcd_courier": tcd_courier, "tcd_air": tcd_air, "sc_hidden": sc_hidden}


def expected_totals(user, operation):
    """Recomputed in Python from the visible linked seizures, item by item."""
    seizures = list(Seizure.objects.visible_to(user).filter(operation=operation).prefetch_related("items"))
    by_drug: dict[str, Decimal] = {}
    for seizure in seizures:
        for item in seizure.items.all():
            by_drug[item.drug] = by_drug.get(item.drug, Decimal("0")) + (item.kg_equivalent or Decimal("0"))
    return len(seizures), sum((s.total_weight_kg for s in seizures), Decimal("0")), by_drug


def test_totals_equal_the_sum_of_the_visible_linked_seizures(park, operation, linked):
    report = operation_report(operation=operation, user=park)
    count, weight, by_drug = expected_totals(park, operation)
    # 300 MDMA tablets count 0.03 kg (100 mg each, docs/statistics.md).
    assert (report.seizures, report.weight_kg) == (count, weight) == (3, Decimal("44.230"))
    assert report.tablets == Decimal("300")
    assert {row["drug"]: row["weight_kg"] for row in report.by_drug} == by_drug
    assert "cocaine" not in by_drug


def test_a_hidden_linked_seizure_counts_only_for_its_own_agency(park, tan, operation, linked):
    assert operation_report(operation=operation, user=park).seizures == 3
    sc_report = operation_report(operation=operation, user=tan)
    # SC (observer, accepted) sees its own hidden seizure as well as the three the others see.
    assert sc_report.seizures == Seizure.objects.visible_to(tan).filter(operation=operation).count() == 4
    assert {row["drug"] for row in sc_report.by_drug} >= {"cocaine"}


def test_totals_by_agency_and_transport_mode(park, operation, linked):
    report = operation_report(operation=operation, user=park)
    assert {r["agency"]: (r["seizures"], r["weight_kg"]) for r in report.by_agency} == {
        "KCS": (1, Decimal("40.500")),
        "TCD": (2, Decimal("3.730")),
    }
    assert {r["transport_mode"]: r["seizures"] for r in report.by_transport_mode} == {
        "sea_container": 1,
        "express_courier": 1,
        "air_passenger": 1,
    }


def test_assignments_by_status(park, somchai, operation):
    first = services.assignment_create(operation=operation, agency=agency("TCD"), title="A", by=park)
    services.assignment_create(operation=operation, agency=agency("TCD"), title="B", by=park)
    services.assignment_update(assignment=first, status="done", outcome="Done", by=somchai)
    report = operation_report(operation=operation, user=park)
    assert report.assignments == {"open": 1, "acknowledged": 0, "in_progress": 0, "done": 1, "cancelled": 0}


def test_report_api_matches_the_contract(api_as, park, operation, linked):
    body = api_as(park).get(f"/api/v1/operations/{operation.pk}/report/").json()
    assert set(body) == {"operation", "totals", "assignments"}
    assert body["operation"]["code"] == operation.code
    assert set(body["totals"]) == {
        "seizures",
        "weight_kg",
        "tablets",
        "items_without_weight",
        "by_drug",
        "by_agency",
        "by_transport_mode",
    }
    assert body["totals"]["seizures"] == 3
    assert Decimal(body["totals"]["weight_kg"]) == Decimal("44.23")
    assert Decimal(body["totals"]["tablets"]) == Decimal("300")
    assert {r["drug"] for r in body["totals"]["by_drug"]} == {"methamphetamine", "ketamine", "mdma", "heroin"}


def test_report_csv_has_the_visible_totals(api_as, client_as, park, operation, linked):
    for response in (
        api_as(park).get(f"/api/v1/operations/{operation.pk}/report.csv"),
        client_as(park).get(f"/operations/{operation.pk}/report.csv"),
    ):
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert ["total", "all", "3", "44.23", "300", "0"] in rows
        assert not any(r[:2] == ["drug", "cocaine"] for r in rows)


def test_report_page_is_print_friendly(client_as, park, operation, linked):
    html = client_as(park).get(f"/operations/{operation.pk}/report/").content.decode()
    assert "44.23" in html
    assert 'class="actions"' in html  # hidden by the @media print rules
