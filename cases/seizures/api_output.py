"""The seizure object of the REST contract, built from plain rows: what every seizure read answers.

`SeizureSerializer` parses input and documents the schema; the output of the list, the detail
and every write is built here from `values()` rows. On PostgreSQL the child rows (items,
identifiers, persons, shared_with) come inside the seizure query as JSON built by the database,
so a page is one query; elsewhere they take one query per kind, whatever the page size. Nested
ModelSerializers over model instances cost ~10× the CPU for the same JSON, which was most of a
list page at national scale (docs/performance.md). tests/cases/seizures/test_api_output.py
pins that both paths and the serializer give the same object, field for field.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from decimal import Decimal
from operator import itemgetter
from typing import Any

import orjson
from django.db import models
from django.db.models import QuerySet, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils import timezone

from cases.seizures.fields import ROW_FIELDS, ROW_LISTS, SEIZURE_FIELDS, model_field
from cases.seizures.models import ROW_MODELS, Seizure, SeizureQuerySet
from cases.seizures.visibility import AcceptedOperations, operation_shown_to_agency
from crackdown.db import postgresql
from members.models import Agency

# Fields of the API object that come from another row or as JSON (see `_row_expressions`).
_JOINED: dict[str, tuple[str, ...]] = {
    "agency": ("agency_id", "agency__code"),
    "reported_by": ("reported_by_id", "reported_by__full_name"),
}
_AS_JSON = ("transit_countries", "shared_with", *ROW_LISTS)
# The seizure's own columns, with the agency's code and the reporter's name joined in.
BASE_FIELDS = tuple(
    column
    for name in SEIZURE_FIELDS
    if name not in _AS_JSON
    for column in _JOINED.get(name, (model_field(Seizure, name).attname,))
)
# Fields the API answers as the database gives them (text and the id).
_AS_STORED = tuple(
    name
    for name in SEIZURE_FIELDS
    if name not in _AS_JSON
    and name not in _JOINED
    and (
        model_field(Seizure, name).primary_key
        or isinstance(model_field(Seizure, name), models.CharField | models.TextField)
    )
)


def nested_in_sql() -> bool:
    """Whether the database builds the child rows as JSON inside the seizure query (PostgreSQL)."""
    return postgresql()


@functools.cache
def _child_rows_sql() -> dict[str, RawSQL]:
    """PostgreSQL: each seizure's items, identifiers, persons and shared_with as JSON arrays of
    arrays (column order fixed here and read back in `represent`), decimals as text."""
    seizure = Seizure._meta.db_table

    def rows_of(model, columns: str, *, order: str = "c.position, c.id", join: str = "") -> RawSQL:
        table = model._meta.db_table
        sql = (
            f"(SELECT json_agg({columns} ORDER BY {order})::text FROM {table} c {join}"  # noqa: S608 - our names
            f' WHERE c.seizure_id = "{seizure}"."id")'
        )
        return RawSQL(sql, [], output_field=TextField())  # noqa: S611 - no parameter, no input

    def columns(rows: str) -> str:
        fields = [model_field(ROW_MODELS[rows], name) for name in ROW_FIELDS[rows]]
        # Decimals as text: JSON numbers would lose the three places the API answers.
        return ", ".join(
            f"c.{f.column}::text" if isinstance(f, models.DecimalField) else f"c.{f.column}" for f in fields
        )

    return {
        **{f"{rows}_json": rows_of(ROW_MODELS[rows], f"json_build_array({columns(rows)})") for rows in ROW_LISTS},
        "shared_json": rows_of(
            Seizure.shared_with.through,
            "a.code",
            order="a.code",
            join=f"JOIN {Agency._meta.db_table} a ON a.id = c.agency_id",
        ),
    }


def seizure_rows(queryset: QuerySet[Seizure], *, nested: bool | None = None) -> QuerySet:
    """The queryset as base rows for `represent` (keeps its filters and order; paginates as is).

    With `nested` (the default on PostgreSQL) each row also carries its child rows as JSON,
    so a page of any size is one query.
    """
    return queryset.prefetch_related(None).values(*BASE_FIELDS, **_row_expressions(nested))


def row_queryset(*, nested: bool | None = None) -> SeizureQuerySet:
    """All seizures as base rows for `represent`, to filter, order and page (the list's start).

    The same rows as `seizure_rows(Seizure.objects.all())`, its columns resolved once: a
    values() with the child-row subqueries cost ~0.7 ms to set up on every list request.
    """
    return _row_template(nested_in_sql() if nested is None else nested).all()


@functools.cache
def _row_template(nested: bool) -> SeizureQuerySet:
    # Never evaluated: each caller gets a clone (`row_queryset`).
    return Seizure.objects.values(*BASE_FIELDS, **_row_expressions(nested))


def _row_expressions(nested: bool | None) -> dict[str, Any]:
    # The transit countries as the database's JSON text, decoded by orjson in `represent`: Django's
    # JSONField decodes each row with the json module, twice the time for a list of ISO codes.
    expressions: dict[str, Any] = {"transit_json": Cast("transit_countries", TextField())}
    if nested_in_sql() if nested is None else nested:
        expressions |= _child_rows_sql()
    return expressions


def represent_queryset(queryset: QuerySet[Seizure], *, user) -> list[dict[str, Any]]:
    """Every seizure of the queryset as its API object (for one seizure or a short list)."""
    return represent(list(seizure_rows(queryset)), user=user)


def represent(rows: Iterable[dict[str, Any]], *, user) -> list[dict[str, Any]]:
    """The API objects of base rows (from `seizure_rows`), in their order.

    Rows without their children as JSON get them in four more queries, whatever their number.
    The joint operation is named only to readers that `operation_shown_to_agency` allows (one
    more query, for the reader's accepted operations, when another agency's row has one).
    """
    rows = list(rows)
    if not rows:
        return []
    if "items_json" in rows[0]:
        children = _children_from_json(rows)
    else:
        children = _children_from_queries([row["id"] for row in rows])
    no_children: tuple[list, list, list, list] = ([], [], [], [])
    reader_agency = getattr(user, "agency_id", None)
    accepted = AcceptedOperations(reader_agency)
    zone = timezone.get_current_timezone()
    loads = orjson.loads
    stored = itemgetter(*_AS_STORED)
    # Keys in the contract's order; zip(strict=True) would double the cost of a row here.
    template = dict.fromkeys(SEIZURE_FIELDS)
    objects = []
    for row in rows:
        items, identifiers, persons, shared = children.get(row["id"], no_children)
        seizure = template.copy()
        seizure.update(zip(_AS_STORED, stored(row), strict=False))
        seizure["agency"] = row["agency__code"]
        if row["reported_by_id"] is not None:
            seizure["reported_by"] = {"id": row["reported_by_id"], "full_name": row["reported_by__full_name"]}
        seizure["occurred_at"] = _datetime(row["occurred_at"], zone)
        seizure["transit_countries"] = loads(row["transit_json"]) if row["transit_json"] else []
        if operation_shown_to_agency(
            reader_agency, agency_id=row["agency_id"], operation_id=row["operation_id"], accepted=accepted
        ):
            seizure["operation"] = row["operation_id"]
        seizure["shared_with"] = shared
        seizure["items"] = items
        seizure["identifiers"] = identifiers
        seizure["persons"] = persons
        seizure["total_weight_kg"] = _decimal(row["total_weight_kg"])
        seizure["tablets"] = _decimal(row["tablets"])
        seizure["items_without_weight"] = row["items_without_weight"]
        seizure["created_at"] = _datetime(row["created_at"], zone)
        seizure["updated_at"] = _datetime(row["updated_at"], zone)
        objects.append(seizure)
    return objects


Children = dict[int, tuple[list, list, list, list]]  # seizure id -> (items, identifiers, persons, shared_with)


def _row_maker(rows: str):
    names = ROW_FIELDS[rows]
    return lambda values: dict(zip(names, values, strict=False))


_item, _identifier, _person = (_row_maker(rows) for rows in ROW_LISTS)


def _children_from_json(rows: list[dict[str, Any]]) -> Children:
    loads = orjson.loads
    return {
        row["id"]: (
            [_item(c) for c in loads(row["items_json"] or b"[]")],
            [_identifier(c) for c in loads(row["identifiers_json"] or b"[]")],
            [_person(c) for c in loads(row["persons_json"] or b"[]")],
            loads(row["shared_json"] or b"[]"),
        )
        for row in rows
    }


def _children_from_queries(ids: list[int]) -> Children:
    children: Children = {pk: ([], [], [], []) for pk in ids}
    for index, rows in enumerate(ROW_LISTS):
        model, names = ROW_MODELS[rows], ROW_FIELDS[rows]
        decimals = [isinstance(model_field(model, name), models.DecimalField) for name in names]
        for seizure_id, *values in (
            model._default_manager.filter(seizure_id__in=ids)
            .order_by("seizure_id", "position", "id")
            .values_list("seizure_id", *names)
        ):
            cells = [_decimal(value) if decimal else value for value, decimal in zip(values, decimals, strict=True)]
            children[seizure_id][index].append(dict(zip(names, cells, strict=True)))
    for seizure_id, code in (
        Seizure.shared_with.through.objects.filter(seizure_id__in=ids)
        .order_by("agency__code")
        .values_list("seizure_id", "agency__code")
    ):
        children[seizure_id][3].append(code)
    return children


def _decimal(value: Decimal | None) -> str | None:
    # As DRF's DecimalField(decimal_places=3) writes it: a string with three decimals.
    return None if value is None else f"{value:.3f}"


def _datetime(value: dt.datetime | None, zone) -> str | None:
    # As DRF's DateTimeField writes it: ISO 8601 in the reader's time zone, "Z" for UTC.
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
