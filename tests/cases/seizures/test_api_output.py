"""The seizure object built from plain rows is the one SeizureSerializer describes, field for field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.seizures.api_output import represent, represent_queryset, seizure_rows
from cases.seizures.models import Seizure, SeizureIdentifier, SeizurePerson
from cases.seizures.selectors import with_details
from cases.seizures.serializers import SeizureSerializer
from tests.cases.seizures.conftest import make_operation
from tests.factories import SeizureFactory, agency

pytestmark = pytest.mark.django_db


def _without_operation(rows) -> list[dict]:
    """The objects less the operation, which depends on the reader (checked on its own below)."""
    return [{k: v for k, v in row.items() if k != "operation"} for row in rows]


def _serialized(queryset) -> list[dict]:
    """What the API answered when it serialised model instances with SeizureSerializer."""
    return _without_operation(SeizureSerializer(list(with_details(queryset)), many=True).data)


@pytest.fixture
def varied(kim, somchai):
    """Seizures that exercise every field: empty and full children, nulls, decimals, sharing."""
    operation = make_operation(lead="TCD", accepted=["KCS"])
    now = timezone.now().replace(microsecond=123456)
    plain = SeizureFactory(agency=agency("KCS"), occurred_at=now - dt.timedelta(days=2), reported_by=kim)
    rich = SeizureFactory(
        agency=agency("TCD"),
        reported_by=somchai,
        occurred_at=now - dt.timedelta(days=1, minutes=7),
        items=[
            ("heroin", Decimal("2.5"), "kg"),
            ("mdma", Decimal("1200"), "tablet"),
            ("cannabis", Decimal("350"), "g"),
        ],
        transit_countries=["LA", "VN"],
        location="Laem Chabang Port",
        concealment="Inside machine parts",
        notes="Two-line\nnote",
        operation=operation,
        sharing="operation",
    )
    SeizureIdentifier.objects.create(seizure=rich, kind="container", value="csqu 305438-3", normalized="CSQU3054383")
    SeizureIdentifier.objects.create(seizure=rich, kind="flight", value="KE0652", normalized="KE652", position=1)
    SeizurePerson.objects.create(seizure=rich, role="courier", nationality="TH", sex="m", birth_year=1988)
    SeizurePerson.objects.create(seizure=rich, role="consignee", position=1)
    rich.shared_with.set([agency("GDVC"), agency("BOC")])
    members_with_operation = SeizureFactory(agency=agency("TCD"), operation=operation, sharing="members")
    anonymous = SeizureFactory(agency=agency("KCS"), reported_by=None, total_weight_kg=None, items=[])
    return [plain, rich, members_with_operation, anonymous]


@pytest.mark.parametrize("nested", [True, False], ids=["children-as-json", "children-by-query"])
@pytest.mark.parametrize("zone", ["UTC", "Asia/Seoul", "Asia/Bangkok"])
def test_rows_equal_the_serializer_output(kim, varied, zone, nested):
    queryset = Seizure.objects.visible_to(kim).order_by("-occurred_at", "-id")
    with timezone.override(zone):
        rows = represent(list(seizure_rows(queryset, nested=nested)), user=kim)
        assert _without_operation(rows) == _serialized(queryset)
    assert len(rows) == 4


def test_operation_is_named_only_where_the_reader_may_know_it(kim, somchai, varied):
    """The owner and agencies that accepted the operation; never one outside it (GDVC, BOC)."""
    from tests.factories import UserFactory

    _plain, rich, members_with_operation, _anonymous = varied
    outsider = UserFactory(email="outsider@gdvc.test", agency=agency("GDVC"), role="officer")
    queryset = Seizure.objects.filter(pk__in=[rich.pk, members_with_operation.pk]).order_by("id")
    as_partner = {row["id"]: row["operation"] for row in represent_queryset(queryset, user=kim)}
    as_owner = {row["id"]: row["operation"] for row in represent_queryset(queryset, user=somchai)}
    as_outsider = {row["id"]: row["operation"] for row in represent_queryset(queryset, user=outsider)}
    linked = {rich.pk: rich.operation_id, members_with_operation.pk: members_with_operation.operation_id}
    assert as_partner == linked  # KCS accepted the operation
    assert as_owner == linked
    # GDVC sees `rich` because it is named in shared_with, but it is not in the operation.
    assert as_outsider == {rich.pk: None, members_with_operation.pk: None}


def test_children_keep_their_order_and_types(kim, varied):
    rich = varied[1]
    (row,) = represent_queryset(Seizure.objects.filter(pk=rich.pk), user=kim)
    assert [item["drug"] for item in row["items"]] == ["heroin", "mdma", "cannabis"]
    assert [item["weight_kg"] for item in row["items"]] == ["2.500", None, "0.350"]
    assert row["shared_with"] == ["BOC", "GDVC"]
    assert row["persons"][1] == {"role": "consignee", "nationality": "", "sex": "unknown", "birth_year": None}
    assert row["reported_by"]["full_name"] == "Somchai"
