"""The seizure's field lists, written once: the API object, what a caller may write, the rows.

The serializers, the output builder (api_output.py), the services, the page forms and the
CSV export take their fields from here; the rules of each field live on the models.
"""

from __future__ import annotations

from typing import Any, TypeVar, overload

from django.db import models

FieldT = TypeVar("FieldT", bound=models.Field)

# The seizure object of the API, in the contract's order (docs/api.md, /api/schema/).
SEIZURE_FIELDS = (
    "id",
    "reference",
    "external_reference",
    "agency",
    "status",
    "reported_by",
    "occurred_at",
    "location",
    "country",
    "transport_mode",
    "detection_method",
    "concealment",
    "origin_country",
    "transit_countries",
    "destination_country",
    "operation",
    "sharing",
    "shared_with",
    "items",
    "identifiers",
    "persons",
    "total_weight_kg",
    "tablets",
    "items_without_weight",
    "notes",
    "created_at",
    "updated_at",
)
# Set by the services, never by a caller.
READ_ONLY_FIELDS = (
    "id",
    "reference",
    "agency",
    "status",
    "reported_by",
    "total_weight_kg",
    "tablets",
    "items_without_weight",
    "created_at",
    "updated_at",
)
# Lists of rows, each replaced whole when present in an update.
ROW_LISTS = ("items", "identifiers", "persons")
# What a caller writes, in the contract's order.
INPUT_FIELDS = tuple(name for name in SEIZURE_FIELDS if name not in READ_ONLY_FIELDS)
# Plain columns of the seizure among them (no list, no relation).
SCALAR_FIELDS = tuple(
    name for name in INPUT_FIELDS if name not in (*ROW_LISTS, "transit_countries", "operation", "shared_with")
)

# Each row of a list as the API writes it; the inputs are those the services do not compute.
ROW_FIELDS = {
    "items": ("drug", "description", "quantity", "unit", "net_weight_kg", "weight_kg", "kg_equivalent"),
    "identifiers": ("kind", "value", "normalized"),
    "persons": ("role", "nationality", "sex", "birth_year"),
}
ROW_COMPUTED = ("weight_kg", "kg_equivalent", "normalized")
ROW_INPUT_FIELDS = {
    rows: tuple(name for name in names if name not in ROW_COMPUTED) for rows, names in ROW_FIELDS.items()
}
# Most rows one list may hold.
MAX_ROWS = 50


@overload
def model_field(model: type[models.Model], name: str) -> models.Field[Any, Any]: ...
@overload
def model_field(model: type[models.Model], name: str, kind: type[FieldT]) -> FieldT: ...
def model_field(model: type[models.Model], name: str, kind: type[models.Field] = models.Field) -> models.Field:
    """The forward field `name` of a model, by its name or attname (what these lists name).

    `kind` names the field's class where a caller reads what only that class has (a decimal
    field's digits); a declaration that changes class fails loudly.
    """
    field = model._meta.get_field(name)
    if not isinstance(field, kind):
        raise TypeError(f"{model.__name__}.{name} is not a {kind.__name__} of its own")
    return field
