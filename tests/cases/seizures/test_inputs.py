"""The one input description of a seizure (cases.seizures.inputs) and the model rules behind it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cases.seizures.inputs import SeizureInput, clean_seizure_input, flatten_errors, nest_errors
from cases.seizures.models import Seizure, SeizureIdentifier, SeizureItem, SeizurePerson
from tests.cases.seizures.conftest import make_operation, seizure_payload
from tests.factories import SeizureFactory, agency

pytestmark = pytest.mark.django_db


def test_a_payload_comes_back_clean_in_its_stored_form(kcs):
    operation = make_operation(lead="KCS")
    data = seizure_payload(
        country="",
        origin_country="th",
        transit_countries=["my"],
        operation=operation.pk,
        sharing="operation",
        shared_with=["tcd", "KCS"],
        persons=[{"role": "courier", "nationality": "vn"}],
    )
    clean, errors = clean_seizure_input(data, agency=kcs)
    assert errors is None
    assert (clean["country"], clean["origin_country"], clean["transit_countries"]) == ("KR", "TH", ["MY"])
    assert clean["operation"] == operation
    assert [a.code for a in clean["shared_with"]] == ["TCD"]  # never the seizure's own agency
    assert clean["items"][0] == {
        "drug": "methamphetamine",
        "description": "Crystal",
        "quantity": Decimal("12.500"),
        "unit": "kg",
        "net_weight_kg": None,
        "weight_kg": Decimal("12.500"),
        "kg_equivalent": Decimal("12.500"),
    }
    assert clean["identifiers"] == [{"kind": "container", "value": "csqu 305438-3", "normalized": "CSQU3054383"}]
    assert clean["persons"] == [{"role": "courier", "nationality": "VN", "sex": "unknown", "birth_year": None}]


def test_every_problem_comes_back_at_once_in_the_api_shape(kcs):
    data = seizure_payload(
        transport_mode="boat",
        origin_country="XX",
        items=[
            {"drug": "heroin", "quantity": "1", "unit": "kg"},
            {"drug": "heroin", "quantity": "250000", "unit": "kg"},
        ],
        identifiers=[{"kind": "container", "value": "CSQU3054384"}],
    )
    clean, errors = clean_seizure_input(data, agency=kcs)
    assert clean is None
    assert set(errors) == {"transport_mode", "origin_country", "items", "identifiers"}
    assert errors["items"][0] == {} and list(errors["items"][1]) == ["quantity"]
    assert list(errors["identifiers"][0]) == ["value"]
    flat = flatten_errors(errors)
    assert set(flat) == {"transport_mode", "origin_country", "items.1.quantity", "identifiers.0.value"}
    assert nest_errors(flat, data) == errors


def test_an_update_checks_the_rules_on_the_values_the_seizure_will_have(kcs):
    current = SeizureFactory(agency=kcs, origin_country="TH", transit_countries=["MY"])
    _clean, errors = clean_seizure_input({"origin_country": "MY"}, agency=kcs, current=current)
    assert errors == {"transit_countries": ["The origin country cannot also be a transit country."]}
    clean, errors = clean_seizure_input({"location": "Busan"}, agency=kcs, current=current)
    assert errors is None and clean == {"location": "Busan"}


def test_without_an_agency_only_the_types_are_checked():
    good_types = seizure_payload(origin_country="XX", identifiers=[{"kind": "container", "value": "CSQU3054384"}])
    assert SeizureInput(data=good_types).is_valid()
    bad_types = seizure_payload(items=[{"drug": "heroin", "quantity": "-1", "unit": "kg"}])
    serializer = SeizureInput(data=bad_types)
    assert not serializer.is_valid()
    assert list(serializer.errors) == ["items"]


def test_listing_an_identifier_twice_is_refused_on_the_second_row(kcs):
    twice = [{"kind": "container", "value": "CSQU3054383"}, {"kind": "container", "value": "csqu 305438 3"}]
    _clean, errors = clean_seizure_input(seizure_payload(identifiers=twice), agency=kcs)
    assert errors == {"identifiers": [{}, {"value": ["This identifier is listed twice."]}]}


def test_the_rows_carry_their_own_rules():
    item = SeizureItem(drug="heroin", quantity=Decimal("1500"), unit="g")
    item.full_clean(exclude=["seizure"])
    assert item.weight_kg == Decimal("1.500")
    with pytest.raises(ValidationError) as caught:
        SeizureItem(drug="heroin", quantity=Decimal("250000"), unit="kg").full_clean(exclude=["seizure"])
    assert set(caught.value.message_dict) == {"quantity"}
    identifier = SeizureIdentifier(kind="vessel_imo", value=" IMO 9074729 ")
    identifier.full_clean(exclude=["seizure", "normalized"])
    assert (identifier.value, identifier.normalized) == ("IMO 9074729", "9074729")
    with pytest.raises(ValidationError) as caught:
        SeizurePerson(role="courier", nationality="XX", birth_year=1850).full_clean(exclude=["seizure"])
    assert set(caught.value.message_dict) == {"nationality", "birth_year"}


def test_a_seizure_without_a_country_takes_its_agencys():
    seizure = Seizure(agency=agency("TCD"), country="", sharing="members")
    seizure.clean()
    assert seizure.country == "TH"


@pytest.mark.parametrize(
    ("field", "value"),
    [("transport_mode", "submarine"), ("detection_method", "psychic")],
)
def test_the_database_refuses_an_unknown_choice(field, value):
    seizure = SeizureFactory(agency=agency("KCS"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Seizure.objects.filter(pk=seizure.pk).update(**{field: value})


def test_the_database_refuses_an_impossible_birth_year():
    seizure = SeizureFactory(agency=agency("KCS"))
    with pytest.raises(IntegrityError), transaction.atomic():
        SeizurePerson.objects.create(seizure=seizure, role="courier", birth_year=1066)
