"""The one description of a seizure's input: what the API, the page editor and an import accept.

`SeizureInput` is a nested serializer whose fields are built from the model fields (length,
choices, digits, limits) and whose rules are the models': each field's validators, each row's
`full_clean()` and `Seizure.clean()` for the rules across fields. It checks in two depths:

- without an agency in its context, the types only (the API parses a request this way before
  it calls a service, so a malformed request is refused before anything is looked up);
- with `context={"agency": ..., "current": seizure or None}`, the models' rules as well, and
  the operation and agencies named are looked up for that agency. The services validate
  through `clean_seizure_input`, which does this, as can a bulk import.

Errors have one shape, the API's: `{"field": ["..."], "items": [{}, {"quantity": ["..."]}]}`
(one entry per submitted row). Services raise them with dotted keys ("items.1.quantity",
`flatten_errors`), which `nest_errors` turns back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings

from cases.seizures import validators as v
from cases.seizures import visibility
from cases.seizures.fields import (
    INPUT_FIELDS,
    MAX_ROWS,
    ROW_COMPUTED,
    ROW_FIELDS,
    ROW_INPUT_FIELDS,
    ROW_LISTS,
    SCALAR_FIELDS,
    model_field,
)
from cases.seizures.models import ROW_MODELS, Seizure, SeizureIdentifier, SeizureItem, SeizurePerson
from members.models import Agency

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY
# The fields a seizure's own clean() reads and may normalise.
_CLEANED_ON_SEIZURE = (*SCALAR_FIELDS, "transit_countries")


# --- fields built from the model fields -------------------------------------------------------


def _max_length(model: type[models.Model], name: str) -> int:
    length = model_field(model, name).max_length
    if length is None:
        raise TypeError(f"{model.__name__}.{name} has no max_length")
    return length


def _text(model: type[models.Model], name: str, *, required: bool = False, **kwargs: Any) -> serializers.CharField:
    if not required:
        kwargs.setdefault("allow_blank", model_field(model, name).blank)
    return serializers.CharField(max_length=_max_length(model, name), required=required, **kwargs)


def _choice(model: type[models.Model], name: str, **kwargs: Any) -> serializers.ChoiceField:
    choices = model_field(model, name).choices
    if choices is None:
        raise TypeError(f"{model.__name__}.{name} has no choices")
    return serializers.ChoiceField(choices=choices, **kwargs)


def _limit(field: Any, kind: type[MinValueValidator] | type[MaxValueValidator]) -> Any:
    limits = [validator.limit_value for validator in field.validators if type(validator) is kind]
    if not limits:
        return None
    return max(limits) if kind is MinValueValidator else min(limits)


def _decimal(model: type[models.Model], name: str, **kwargs: Any) -> serializers.DecimalField:
    field = model_field(model, name, models.DecimalField)
    return serializers.DecimalField(
        max_digits=field.max_digits,
        decimal_places=field.decimal_places,
        min_value=_limit(field, MinValueValidator),
        **kwargs,
    )


def _integer(model: type[models.Model], name: str, **kwargs: Any) -> serializers.IntegerField:
    field = model_field(model, name)
    return serializers.IntegerField(
        min_value=_limit(field, MinValueValidator), max_value=_limit(field, MaxValueValidator), **kwargs
    )


def _rules(serializer: serializers.Field) -> bool:
    """Whether the models' rules apply (an agency in the context) or the types only."""
    return serializer.context.get("agency") is not None


def _messages(error: DjangoValidationError) -> dict[str, list[str]]:
    return {(NON_FIELD if key == "__all__" else key): value for key, value in error.message_dict.items()}


# --- rows -------------------------------------------------------------------------------------


# One row of a list: its model's full_clean() gives the rule and computes the rest. (Comments,
# not docstrings, on the serializers: the API schema would print a docstring as a description.)
class _RowInput(serializers.ModelSerializer):
    rows: str
    # An answer's row also holds the fields the services compute (weight_kg, normalized).
    answered = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields = ROW_FIELDS[cls.rows] if cls.answered else ROW_INPUT_FIELDS[cls.rows]
        cls.Meta = type("Meta", (), {"model": ROW_MODELS[cls.rows], "fields": fields})  # type: ignore[misc,assignment]

    def run_validation(self, data: Any = serializers.empty) -> Any:
        # A checker of many payloads (InputChecker) passes a cache in the context: a row equal
        # to one already checked answers as that one did (the answer depends only on the row,
        # the agency and the depth, which a checker holds fixed), without a model instance and
        # its full_clean() again. Rows of plain cells only; anything else is checked as usual.
        cache: dict[tuple, tuple[dict[str, Any] | None, Any]] | None = self.context.get("row_cache")
        key = _row_key(self.rows, self.root.partial, data) if cache is not None else None
        if cache is None or key is None:
            return super().run_validation(data)
        answer = cache.get(key)
        if answer is None:
            try:
                answer = (super().run_validation(data), None)
            except serializers.ValidationError as exc:
                answer = (None, exc.detail)
            if len(cache) >= ROW_CACHE_SIZE:
                cache.clear()
            cache[key] = answer
        value, detail = answer
        if value is None:
            raise serializers.ValidationError(detail)
        return dict(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not _rules(self):
            return attrs
        row = ROW_MODELS[self.rows](**attrs)
        try:
            row.full_clean(exclude=["seizure", *ROW_COMPUTED], validate_unique=False, validate_constraints=False)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(_messages(exc)) from None
        return {name: getattr(row, name) for name in ROW_FIELDS[self.rows]}


# Rows an InputChecker remembers; a bulk import's items and parties repeat (four drugs, a few
# companies), its container numbers mostly do not. Bounded, so the worker's memory stays flat.
ROW_CACHE_SIZE = 1000
_PLAIN = (str, int, float, bool, type(None))


def _row_key(rows: str, partial: bool, data: Any) -> tuple | None:
    """A hashable key for a row of plain cells; None for anything else."""
    if type(data) is not dict or not all(type(value) in _PLAIN for value in data.values()):
        return None
    return (rows, partial, *sorted(data.items()))


class ItemInput(_RowInput):
    rows = "items"
    drug = _choice(SeizureItem, "drug")
    description = _text(SeizureItem, "description", default="")
    quantity = _decimal(SeizureItem, "quantity")
    unit = _choice(SeizureItem, "unit")
    net_weight_kg = _decimal(SeizureItem, "net_weight_kg", required=False, allow_null=True)


class IdentifierInput(_RowInput):
    rows = "identifiers"
    kind = _choice(SeizureIdentifier, "kind")
    value = _text(SeizureIdentifier, "value", required=True)


class PersonInput(_RowInput):
    rows = "persons"
    role = _choice(SeizurePerson, "role")
    nationality = _text(SeizurePerson, "nationality", default="")
    sex = _choice(SeizurePerson, "sex", required=False, default=model_field(SeizurePerson, "sex").default)
    birth_year = _integer(SeizurePerson, "birth_year", required=False, allow_null=True)


def row_list(row: type[_RowInput], *, required: bool = True, **kwargs: Any) -> serializers.ListSerializer:
    """A list of at most MAX_ROWS rows: what `row(many=True, ...)` builds, its arguments typed.

    As `many=True` does, `required` is the child's too.
    """
    return serializers.ListSerializer(child=row(required=required), required=required, max_length=MAX_ROWS, **kwargs)


# --- relations --------------------------------------------------------------------------------


class OperationField(serializers.IntegerField):
    """A joint operation by id; a caller holding the operation itself (a page form) may pass it."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, models.Model):
            return data.pk
        return super().to_internal_value(data)

    def to_representation(self, value: Any) -> int:
        return super().to_representation(getattr(value, "pk", value))


@extend_schema_field({"type": "array", "items": {"type": "string", "example": "TCD"}})
class AgencyCodesField(serializers.ListField):
    """Agency codes in and out; out of a prefetched many-to-many manager. A caller holding the
    agencies themselves (a page form) may pass them."""

    child = serializers.CharField(max_length=_max_length(Agency, "code"))

    def run_child_validation(self, data: list[Any]) -> list[Any]:
        agencies = [entry for entry in data if isinstance(entry, Agency)]
        codes = super().run_child_validation([entry for entry in data if not isinstance(entry, Agency)])
        return [*agencies, *codes]

    def to_representation(self, data: Any) -> list[str]:
        if hasattr(data, "all"):
            return [agency.code for agency in data.all()]
        return list(data)


# --- the seizure ------------------------------------------------------------------------------


# A seizure's writable fields with their rows; see the module's docstring for the depths.
class SeizureInput(serializers.ModelSerializer):
    external_reference = _text(
        Seizure,
        "external_reference",
        required=False,
        help_text="Your agency's own case number; unique within your agency.",
    )
    occurred_at = serializers.DateTimeField()
    location = _text(Seizure, "location")
    country = _text(Seizure, "country", help_text="ISO 3166-1 alpha-2; default: the agency's country.")
    transport_mode = _choice(Seizure, "transport_mode")
    detection_method = _choice(Seizure, "detection_method")
    concealment = _text(Seizure, "concealment")
    origin_country = _text(Seizure, "origin_country")
    transit_countries = serializers.ListField(
        child=serializers.CharField(max_length=_max_length(Seizure, "origin_country")),
        required=False,
        max_length=v.MAX_TRANSITS,
    )
    destination_country = _text(Seizure, "destination_country")
    operation = OperationField(required=False, allow_null=True, help_text="A joint operation your agency accepted.")
    sharing = _choice(Seizure, "sharing", required=False, default=model_field(Seizure, "sharing").default)
    shared_with = AgencyCodesField(required=False, max_length=20)
    items = row_list(ItemInput, allow_empty=False)
    identifiers = row_list(IdentifierInput, required=False)
    persons = row_list(PersonInput, required=False)
    notes = _text(Seizure, "notes")

    class Meta:
        model = Seizure
        fields = INPUT_FIELDS

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError(rows_as_lists(exc.detail, data)) from None

    def _field_rule(self, name: str, value: Any) -> Any:
        if _rules(self):
            try:
                model_field(Seizure, name).run_validators(value)
            except DjangoValidationError as exc:
                raise serializers.ValidationError(exc.messages) from None
        return value

    def validate_external_reference(self, value: str) -> str:
        """Trimmed; unique within the agency (a bulk import that matched the row by it says
        so with `external_reference_checked` in the context and is not asked again)."""
        value = (value or "").strip()
        if not _rules(self) or not value or self.context.get("external_reference_checked"):
            return value
        current = self.context.get("current")
        taken = Seizure.objects.filter(agency=self.context["agency"], external_reference=value)
        if current is not None:
            taken = taken.exclude(pk=current.pk)
        if taken.exists():
            raise serializers.ValidationError(_("Another seizure of your agency has this external reference."))
        return value

    def validate_occurred_at(self, value: Any) -> Any:
        return self._field_rule("occurred_at", value)

    def validate_country(self, value: Any) -> Any:
        return self._field_rule("country", value)

    def validate_origin_country(self, value: Any) -> Any:
        return self._field_rule("origin_country", value)

    def validate_destination_country(self, value: Any) -> Any:
        return self._field_rule("destination_country", value)

    def validate_transit_countries(self, value: Any) -> Any:
        return self._field_rule("transit_countries", value)

    def validate_operation(self, value: int | None) -> Any:
        """One the agency leads or has accepted (and not cancelled); anything else is one answer."""
        if not _rules(self) or value is None:
            return value
        current = self.context.get("current")
        if current is not None and value == current.operation_id:
            return current.operation
        operation = visibility.linkable_operations(self.context["agency"].pk).filter(pk=value).first()
        if operation is None:
            raise serializers.ValidationError(_("Choose a joint operation your agency has accepted."))
        return operation

    def validate_shared_with(self, value: list[Any]) -> list[Any]:
        """The agencies named, without the seizure's own, by code."""
        if not _rules(self):
            return value
        own = self.context["agency"]
        chosen = {entry.pk: entry for entry in value if isinstance(entry, Agency)}
        codes = sorted({entry.upper() for entry in value if isinstance(entry, str)})
        if codes:
            found = {a.code: a for a in Agency.objects.active().filter(code__in=codes)}
            unknown = [code for code in codes if code not in found]
            if unknown:
                raise serializers.ValidationError(_("Unknown agency: %(codes)s.") % {"codes": ", ".join(unknown)})
            chosen.update({a.pk: a for a in found.values()})
        chosen.pop(own.pk, None)
        return sorted(chosen.values(), key=lambda agency: agency.code)

    def validate_identifiers(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not _rules(self):
            return rows
        seen: set[tuple[str, str]] = set()
        errors: list[dict[str, list[str]]] = [{} for _row in rows]
        for index, row in enumerate(rows):
            key = (row["kind"], row["normalized"])
            if key in seen:
                errors[index] = {"value": [_("This identifier is listed twice.")]}
            seen.add(key)
        if any(errors):
            raise serializers.ValidationError(errors)
        return rows

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Seizure.clean() on the values the seizure will have: rules across fields, stored forms."""
        if not _rules(self):
            return attrs
        current: Seizure | None = self.context.get("current")
        seizure = Seizure(agency=self.context["agency"])
        if current is not None:
            for name in _CLEANED_ON_SEIZURE:
                setattr(seizure, name, getattr(current, name))
            seizure.operation = current.operation
        for name in _CLEANED_ON_SEIZURE:
            if name in attrs:
                setattr(seizure, name, attrs[name])
        if "operation" in attrs:
            seizure.operation = attrs["operation"]
        try:
            seizure.clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(_messages(exc)) from None
        for name in _CLEANED_ON_SEIZURE:
            if name in attrs or (current is None and name == "country"):
                attrs[name] = getattr(seizure, name)
        return attrs


# --- the one entry for services and imports ----------------------------------------------------


def clean_seizure_input(
    data: Any, *, agency: Any, current: Seizure | None = None, external_reference_checked: bool = False
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Validate a create payload (`current` None) or an update's keys against the models' rules.

    Returns (cleaned data, None) or (None, errors in the API's shape). Cleaned data holds the
    keys given (all required ones for a create), in their stored form: the operation and the
    shared_with agencies as model instances, each row as a dict of its model's fields with
    the computed ones (weight_kg, normalized). Looks up only the operation, agency codes and
    whether the external reference is taken (not when the caller, a bulk import, has checked
    it for a whole file: `external_reference_checked`).
    """
    context = {"agency": agency, "current": current, "external_reference_checked": external_reference_checked}
    serializer = SeizureInput(data=data, partial=current is not None, context=context)
    if serializer.is_valid():
        return dict(serializer.validated_data), None
    return None, _plain(serializer.errors)


class InputChecker:
    """`clean_seizure_input` for many payloads of one agency (a bulk import's rows).

    The description is built once per kind (create, update) and run on each payload through
    DRF's public `run_validation`: building a nested serializer costs more than checking a
    row with it. Rows of items, identifiers and persons equal to one checked before answer
    from a bounded cache (`_RowInput.run_validation`). The answers are clean_seizure_input's,
    payload for payload.
    """

    def __init__(self, *, agency: Any, external_reference_checked: bool = False) -> None:
        self._context: dict[str, Any] = {
            "agency": agency,
            "current": None,
            "external_reference_checked": external_reference_checked,
            "row_cache": {},
        }
        self._create = SeizureInput(context=self._context)
        self._update = SeizureInput(partial=True, context=self._context)

    def clean(
        self, data: Any, *, current: Seizure | None = None
    ) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        serializer = self._create if current is None else self._update
        self._context["current"] = current
        try:
            return dict(serializer.run_validation(data)), None
        except serializers.ValidationError as exc:
            return None, _plain(exc.detail)
        finally:
            self._context["current"] = None


def _plain(detail: Any) -> Any:
    if isinstance(detail, Mapping):
        return {str(key): _plain(value) for key, value in detail.items()}
    if isinstance(detail, list | tuple):
        return [_plain(value) for value in detail]
    return str(detail)


def rows_as_lists(detail: Any, data: Any) -> Any:
    """DRF reports nested rows as {"0": {...}}; the contract wants one entry per row, in order."""
    if not isinstance(detail, dict):
        return detail
    result = dict(detail)
    for field in ROW_LISTS:
        rows = detail.get(field)
        if isinstance(rows, dict) and set(rows) == {NON_FIELD}:
            # About the list as a whole ("at least one item"): its messages, as for any field.
            result[field] = list(rows[NON_FIELD])
        elif isinstance(rows, dict) and rows and all(str(k).isdigit() for k in rows):
            submitted = data.get(field) if isinstance(data, dict) else None
            size = max([int(k) + 1 for k in rows] + [len(submitted) if isinstance(submitted, list) else 0])
            result[field] = [rows.get(str(i), rows.get(i, {})) for i in range(size)]
    return result


def flatten_errors(errors: dict[str, Any]) -> dict[str, list[str]]:
    """{"items": [{}, {"quantity": [..]}]} as {"items.1.quantity": [..]}: a ValidationError's dict."""
    flat: dict[str, list[str]] = {}
    for key, value in errors.items():
        if isinstance(value, list) and any(isinstance(row, dict) for row in value):
            for index, row in enumerate(value):
                for sub, messages in (row or {}).items():
                    flat[f"{key}.{index}.{sub}"] = list(messages)
        elif isinstance(value, dict):
            for sub, messages in value.items():
                flat[f"{key}.{sub}"] = list(messages) if isinstance(messages, list) else [str(messages)]
        else:
            flat[key] = list(value) if isinstance(value, list) else [str(value)]
    return flat


def nest_errors(message_dict: dict[str, list[str]], data: dict | None = None) -> dict[str, Any]:
    """Turn {"items.1.quantity": [..]} into the API's shape {"items": [{}, {"quantity": [..]}]}.

    `data` (the submitted payload) gives each list its length so that every row has an entry.
    """
    nested: dict[str, Any] = {}
    for key, messages in message_dict.items():
        parts = key.split(".")
        if len(parts) != 3 or not parts[1].isdigit():
            nested[key] = list(messages)
            continue
        field, index, sub = parts[0], int(parts[1]), parts[2]
        rows = nested.get(field)
        if not isinstance(rows, list) or (rows and not isinstance(rows[0], dict)):
            rows = []
            nested[field] = rows
        size = len((data or {}).get(field) or []) if isinstance((data or {}).get(field), list) else 0
        while len(rows) < max(index + 1, size):
            rows.append({})
        rows[index].setdefault(sub, []).extend(messages)
    return nested


__all__ = [
    "AgencyCodesField",
    "IdentifierInput",
    "InputChecker",
    "ItemInput",
    "OperationField",
    "PersonInput",
    "SeizureInput",
    "clean_seizure_input",
    "flatten_errors",
    "nest_errors",
    "row_list",
    "rows_as_lists",
]
