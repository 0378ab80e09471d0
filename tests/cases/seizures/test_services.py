"""Seizure services: what they guarantee, called directly (the pages and the API both use them)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime

from cases.seizures import services
from cases.seizures.models import Seizure, SeizureIdentifier, SeizureItem, SeizureRevision, SeizureTransit
from crackdown.errors import Conflict, Forbidden
from tests.cases.seizures.conftest import make_operation, seizure_payload


def service_data(**overrides) -> dict:
    data = seizure_payload(**overrides)
    data["occurred_at"] = parse_datetime(data["occurred_at"])
    return data


def test_create_records_a_draft_with_reference_weights_and_history(kim):
    seizure = services.seizure_create(by=kim, data=service_data())
    assert seizure.status == "draft"
    assert seizure.reference.startswith("KCS-") and seizure.reference.endswith("-000001")
    assert seizure.country == "KR"
    # 12.5 kg of crystal and 3,000 MDMA tablets at 100 mg each (docs/statistics.md).
    assert seizure.total_weight_kg == Decimal("12.800")
    assert [i.weight_kg for i in seizure.items.all()] == [Decimal("12.500"), None]
    assert [i.kg_equivalent for i in seizure.items.all()] == [Decimal("12.500"), Decimal("0.300")]
    assert (seizure.tablets, seizure.items_without_weight) == (Decimal("3000"), 0)
    assert seizure.identifiers.get().normalized == "CSQU3054383"
    assert list(SeizureTransit.objects.filter(seizure=seizure).values_list("country", flat=True)) == ["MY"]
    assert SeizureRevision.objects.get(seizure=seizure).action == "created"


def test_grams_are_converted_and_total_is_null_without_any_kg_equivalent(kim):
    seizure = services.seizure_create(
        by=kim, data=service_data(items=[{"drug": "heroin", "quantity": "1500", "unit": "g"}])
    )
    assert seizure.total_weight_kg == Decimal("1.500")
    # Ketamine tablets have no documented conversion factor: no kg, counted as an item without weight.
    seizure = services.seizure_create(
        by=kim, data=service_data(items=[{"drug": "ketamine", "quantity": "10", "unit": "tablet"}])
    )
    assert seizure.total_weight_kg is None
    assert (seizure.tablets, seizure.items_without_weight) == (Decimal("10"), 1)


def test_a_weighed_net_mass_beats_the_conversion_factor(kim):
    seizure = services.seizure_create(
        by=kim,
        data=service_data(
            items=[
                {"drug": "methamphetamine", "quantity": "40000", "unit": "tablet", "net_weight_kg": "3.612"},
                {"drug": "ketamine", "quantity": "500", "unit": "tablet", "net_weight_kg": "0.150"},
            ]
        ),
    )
    assert [i.kg_equivalent for i in seizure.items.all()] == [Decimal("3.612"), Decimal("0.150")]
    assert seizure.total_weight_kg == Decimal("3.762")
    assert (seizure.tablets, seizure.items_without_weight) == (Decimal("40500"), 0)


def test_agency_admin_cannot_record_a_seizure(lee):
    with pytest.raises(Forbidden):
        services.seizure_create(by=lee, data=service_data())
    assert not Seizure.objects.exists()


def test_every_error_is_reported_and_nothing_is_saved(kim):
    data = service_data(
        transport_mode="boat",
        items=[{"drug": "heroin", "quantity": "1", "unit": "kg"}, {"drug": "heroin", "quantity": "-2", "unit": "kg"}],
        identifiers=[{"kind": "container", "value": "CSQU3054384"}],
    )
    with pytest.raises(ValidationError) as caught:
        services.seizure_create(by=kim, data=data)
    errors = caught.value.message_dict
    assert set(errors) == {"transport_mode", "items.1.quantity", "identifiers.0.value"}
    assert Seizure.objects.count() == SeizureItem.objects.count() == SeizureIdentifier.objects.count() == 0


def test_operation_must_be_accepted_by_the_agency(kim):
    invited_only = make_operation(lead="TCD", invited=["KCS"])
    with pytest.raises(ValidationError) as caught:
        services.seizure_create(by=kim, data=service_data(operation=invited_only, sharing="operation"))
    assert "operation" in caught.value.message_dict
    accepted = make_operation(lead="TCD", accepted=["KCS"])
    seizure = services.seizure_create(by=kim, data=service_data(operation=accepted, sharing="operation"))
    assert seizure.operation == accepted


def test_verified_seizure_changes_only_with_a_reason(kim, park):
    seizure = services.seizure_create(by=kim, data=service_data())
    services.seizure_submit(seizure=seizure, by=kim)
    services.seizure_verify(seizure=seizure, by=park)
    with pytest.raises(ValidationError) as caught:
        services.seizure_update(seizure=seizure, by=kim, data={"location": "Busan"})
    assert "amendment_reason" in caught.value.message_dict
    seizure = services.seizure_update(seizure=seizure, by=kim, data={"location": "Busan"}, amendment_reason="Typo")
    revision = SeizureRevision.objects.filter(seizure=seizure).last()
    assert (revision.action, revision.reason, revision.changes) == (
        "amended",
        "Typo",
        {"location": ["Incheon Port", "Busan"]},
    )


def test_state_machine_refuses_wrong_transitions(kim, park):
    seizure = services.seizure_create(by=kim, data=service_data())
    with pytest.raises(Conflict):
        services.seizure_verify(seizure=seizure, by=park)
    services.seizure_submit(seizure=seizure, by=kim)
    with pytest.raises(Conflict):
        services.seizure_submit(seizure=seizure, by=kim)
    with pytest.raises(Forbidden):
        services.seizure_verify(seizure=seizure, by=kim)
    with pytest.raises(Conflict):
        services.seizure_delete(seizure=seizure, by=kim)


def test_other_agency_cannot_write(kim, somchai):
    seizure = services.seizure_create(by=kim, data=service_data())
    for call in (
        lambda: services.seizure_update(seizure=seizure, by=somchai, data={"location": "x"}),
        lambda: services.seizure_submit(seizure=seizure, by=somchai),
        lambda: services.seizure_delete(seizure=seizure, by=somchai),
    ):
        with pytest.raises(Forbidden):
            call()
