"""The seizure object of the REST contract, built from plain rows: what every seizure read answers.

`SeizureSerializer` parses input and documents the schema; the output of the list, the detail
and every write is built here from `values()` rows, in one query for the seizures and one per
kind of child row (items, identifiers, persons, shared_with) whatever the page size. Nested
ModelSerializers over model instances cost ~10× the CPU for the same JSON, which is most of a
list page at national scale (docs/performance.md). tests/cases/seizures/test_representation.py
pins that both give the same object, field for field.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from cases.seizures.models import Seizure, SeizureIdentifier, SeizureItem, SeizurePerson
from cases.seizures.selectors import operation_shown_to_agency

# The seizure's own columns, with the agency's code and the reporter's name joined in.
BASE_FIELDS = (
    "id",
    "reference",
    "agency_id",
    "agency__code",
    "status",
    "reported_by_id",
    "reported_by__full_name",
    "occurred_at",
    "location",
    "country",
    "transport_mode",
    "detection_method",
    "concealment",
    "origin_country",
    "transit_countries",
    "destination_country",
    "operation_id",
    "sharing",
    "total_weight_kg",
    "notes",
    "created_at",
    "updated_at",
)


def seizure_rows(queryset: QuerySet[Seizure]) -> QuerySet:
    """The queryset as base rows for `represent` (keeps its filters and order; paginates as is)."""
    return queryset.prefetch_related(None).values(*BASE_FIELDS)


def represent_queryset(queryset: QuerySet[Seizure], *, user) -> list[dict[str, Any]]:
    """Every seizure of the queryset as its API object (for one seizure or a short list)."""
    return represent(list(seizure_rows(queryset)), user=user)


def represent(rows: Iterable[dict[str, Any]], *, user) -> list[dict[str, Any]]:
    """The API objects of base rows (from `seizure_rows`), in their order, in four more queries.

    The joint operation is named only to readers that `operation_shown_to_agency` allows.
    """
    rows = list(rows)
    ids = [row["id"] for row in rows]
    if not ids:
        return []
    items: dict[int, list] = defaultdict(list)
    for seizure_id, drug, description, quantity, unit, weight in (
        SeizureItem.objects.filter(seizure_id__in=ids)
        .order_by("seizure_id", "position", "id")
        .values_list("seizure_id", "drug", "description", "quantity", "unit", "weight_kg")
    ):
        items[seizure_id].append(
            {
                "drug": drug,
                "description": description,
                "quantity": _decimal(quantity),
                "unit": unit,
                "weight_kg": _decimal(weight),
            }
        )
    identifiers: dict[int, list] = defaultdict(list)
    for seizure_id, kind, value, normalized in (
        SeizureIdentifier.objects.filter(seizure_id__in=ids)
        .order_by("seizure_id", "position", "id")
        .values_list("seizure_id", "kind", "value", "normalized")
    ):
        identifiers[seizure_id].append({"kind": kind, "value": value, "normalized": normalized})
    persons: dict[int, list] = defaultdict(list)
    for seizure_id, role, nationality, sex, birth_year in (
        SeizurePerson.objects.filter(seizure_id__in=ids)
        .order_by("seizure_id", "position", "id")
        .values_list("seizure_id", "role", "nationality", "sex", "birth_year")
    ):
        persons[seizure_id].append({"role": role, "nationality": nationality, "sex": sex, "birth_year": birth_year})
    shared: dict[int, list] = defaultdict(list)
    for seizure_id, code in (
        Seizure.shared_with.through.objects.filter(seizure_id__in=ids)
        .order_by("agency__code")
        .values_list("seizure_id", "agency__code")
    ):
        shared[seizure_id].append(code)

    reader_agency = getattr(user, "agency_id", None)
    zone = timezone.get_current_timezone()
    return [
        {
            "id": row["id"],
            "reference": row["reference"],
            "agency": row["agency__code"],
            "status": row["status"],
            "reported_by": (
                {"id": row["reported_by_id"], "full_name": row["reported_by__full_name"]}
                if row["reported_by_id"] is not None
                else None
            ),
            "occurred_at": _datetime(row["occurred_at"], zone),
            "location": row["location"],
            "country": row["country"],
            "transport_mode": row["transport_mode"],
            "detection_method": row["detection_method"],
            "concealment": row["concealment"],
            "origin_country": row["origin_country"],
            "transit_countries": list(row["transit_countries"] or []),
            "destination_country": row["destination_country"],
            "operation": (
                row["operation_id"]
                if operation_shown_to_agency(reader_agency, agency_id=row["agency_id"], sharing=row["sharing"])
                else None
            ),
            "sharing": row["sharing"],
            "shared_with": shared.get(row["id"], []),
            "items": items.get(row["id"], []),
            "identifiers": identifiers.get(row["id"], []),
            "persons": persons.get(row["id"], []),
            "total_weight_kg": _decimal(row["total_weight_kg"]),
            "notes": row["notes"],
            "created_at": _datetime(row["created_at"], zone),
            "updated_at": _datetime(row["updated_at"], zone),
        }
        for row in rows
    ]


def _decimal(value: Decimal | None) -> str | None:
    # As DRF's DecimalField(decimal_places=3) writes it: a string with three decimals.
    return None if value is None else f"{value:.3f}"


def _datetime(value: dt.datetime | None, zone) -> str | None:
    # As DRF's DateTimeField writes it: ISO 8601 in the reader's time zone, "Z" for UTC.
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
