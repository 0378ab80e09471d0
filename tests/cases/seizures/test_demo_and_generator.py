"""Demo data and the demo/benchmark generator: realistic, valid, deterministic, idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from cases.demo.generator import SeizureMaker
from cases.demo.profiles import ASEAN
from cases.demo.seizures import SHARED_CONTAINER, seed_seizures
from cases.seizures.models import Seizure, SeizureIdentifier, SeizureItem, SeizureRevision
from cases.seizures.validators import normalize_identifier, validate_occurred_at
from members.models import Agency

pytestmark = pytest.mark.django_db


def test_demo_seizures_are_seeded_once_with_the_stories_the_pages_show():
    created = seed_seizures()
    assert 300 <= created == Seizure.objects.count()
    assert seed_seizures() == 0
    assert Seizure.objects.count() == created

    assert Seizure.objects.values("agency").distinct().count() == Agency.objects.count()
    years = {d.year for d in Seizure.objects.dates("occurred_at", "year")}
    assert set(range(2019, timezone.now().year + 1)) <= years

    korea_2023 = SeizureItem.objects.filter(seizure__country="KR", seizure__occurred_at__year=2023)
    # In kg equivalents (the 5,000 yaba tablets count 0.5 kg), as the statistics add up.
    assert korea_2023.aggregate(kg=Sum("kg_equivalent"))["kg"] == Decimal("734.000")
    asean = korea_2023.filter(seizure__origin_country__in=ASEAN)
    assert asean.aggregate(kg=Sum("kg_equivalent"))["kg"] == Decimal("279.000")
    assert korea_2023.filter(unit="tablet").aggregate(n=Sum("quantity"))["n"] == Decimal("5000")

    shared = SeizureIdentifier.objects.filter(normalized=normalize_identifier("container", SHARED_CONTAINER))
    assert sorted(shared.values_list("seizure__agency__code", flat=True)) == ["KCS", "TCD"]

    # Totals and history are what the services would have written.
    for seizure in Seizure.objects.annotate(kg=Sum("items__kg_equivalent"))[:100]:
        assert seizure.total_weight_kg == seizure.kg
    assert SeizureRevision.objects.filter(action="created").count() == created


def test_generated_identifiers_and_quantities_pass_the_validators():
    now = timezone.now()
    maker = SeizureMaker(
        agencies=list(Agency.objects.all()), reporters={}, seed=7, start=now - dt.timedelta(days=2900), end=now
    )
    for _ in range(400):
        spec = maker.make()
        validate_occurred_at(spec.seizure["occurred_at"])
        for kind, value, normalized in spec.identifiers:
            assert normalize_identifier(kind, value) == normalized, (kind, value)
        assert spec.items
        for _drug, _description, quantity, unit, _net, _weight, _equivalent in spec.items:
            assert quantity > 0 and unit in ("kg", "g", "tablet", "l", "ml")


def test_generate_seizures_command_writes_complete_rows_with_unique_references():
    err = StringIO()
    call_command("generate_seizures", count=120, batch=50, stdout=StringIO(), stderr=err)
    assert Seizure.objects.count() == 120
    assert Seizure.objects.values("reference").distinct().count() == 120
    assert not Seizure.objects.filter(items__isnull=True).exists()
    assert "120/120" in err.getvalue()
    assert SeizureRevision.objects.filter(action="created").count() == 120
    call_command("generate_seizures", count=30, stdout=StringIO(), stderr=StringIO())
    assert Seizure.objects.values("reference").distinct().count() == 150
