"""The one description of a lookout's input, for the API and the pages.

Values are validated and normalised by the very code that normalises seizure identifiers
(`cases.seizures.validators.normalize_identifier`): a bad container check digit is refused
here as it is on a seizure, row by row. Errors have the API's shape:
`{"expires_at": ["..."], "values": [{}, {"value": ["..."]}]}`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.settings import api_settings

from cases.choices import IdentifierKind
from cases.lookouts.models import Lookout, LookoutSharing
from cases.seizures import validators as v
from cases.seizures.inputs import AgencyCodesField
from members.models import Agency

MAX_VALUES = 500


def one_year_from(now: dt.datetime) -> dt.datetime:
    """The same moment a year later (28 February for 29 February)."""
    try:
        return now.replace(year=now.year + 1)
    except ValueError:
        return now.replace(year=now.year + 1, day=28)


class LookoutValueInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=IdentifierKind.choices)
    value = serializers.CharField(max_length=200)
    normalized = serializers.CharField(read_only=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        value = attrs["value"].strip()
        try:
            normalized = v.normalize_identifier(attrs["kind"], value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"value": exc.messages}) from None
        return {"kind": attrs["kind"], "value": value, "normalized": normalized}


class LookoutInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    expires_at = serializers.DateTimeField(help_text=gettext_lazy("Required; at most one year ahead."))
    sharing = serializers.ChoiceField(choices=LookoutSharing.choices, required=False, default=LookoutSharing.MEMBERS)
    shared_with = AgencyCodesField(required=False, max_length=20, default=list)
    values: serializers.ListSerializer = serializers.ListSerializer(
        child=LookoutValueInput(), allow_empty=False, min_length=1, max_length=MAX_VALUES
    )

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError(_rows_as_list(exc.detail, data)) from None

    def validate_expires_at(self, value: dt.datetime) -> dt.datetime:
        now = timezone.now()
        if value <= now:
            raise serializers.ValidationError(_("The expiry must be in the future."))
        if value > one_year_from(now):
            raise serializers.ValidationError(_("A lookout expires within one year at most."))
        return value

    def validate_shared_with(self, value: list[Any]) -> list[Agency]:
        own: Agency = self.context["agency"]
        chosen = {entry.pk: entry for entry in value if isinstance(entry, Agency)}
        codes = sorted({entry.strip().upper() for entry in value if isinstance(entry, str)})
        if codes:
            found = {a.code: a for a in Agency.objects.active().filter(code__in=codes)}
            unknown = [code for code in codes if code not in found]
            if unknown:
                raise serializers.ValidationError(_("Unknown agency: %(codes)s.") % {"codes": ", ".join(unknown)})
            chosen.update({a.pk: a for a in found.values()})
        if own.pk in chosen:
            raise serializers.ValidationError(_("Your own agency always sees its lookouts; name other agencies."))
        return sorted(chosen.values(), key=lambda agency: agency.code)

    def validate_values(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        seen: set[tuple[str, str]] = set()
        errors: list[dict[str, list[str]]] = [{} for _row in rows]
        for index, row in enumerate(rows):
            key = (row["kind"], row["normalized"])
            if key in seen:
                errors[index] = {"value": [_("This value is listed twice.")]}
            seen.add(key)
        if any(errors):
            raise serializers.ValidationError(errors)
        return rows

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        current: Lookout | None = self.context.get("current")
        sharing = attrs.get("sharing", current.sharing if current else LookoutSharing.MEMBERS)
        if "shared_with" in attrs:
            named = attrs["shared_with"]
        else:
            named = list(current.shared_with.all()) if current else []
        if sharing == LookoutSharing.NAMED and not named:
            raise serializers.ValidationError({"shared_with": [_("Name at least one agency to share with.")]})
        return attrs


def _rows_as_list(detail: Any, data: Any) -> Any:
    """DRF reports a list's rows as {"0": {...}}; the contract wants one entry per row, in order."""
    if not isinstance(detail, dict):
        return detail
    result = dict(detail)
    rows = detail.get("values")
    if isinstance(rows, dict) and set(rows) == {api_settings.NON_FIELD_ERRORS_KEY}:
        # About the list as a whole ("at most 500"): its messages, as for any field.
        result["values"] = list(rows[api_settings.NON_FIELD_ERRORS_KEY])
    elif isinstance(rows, dict) and rows and all(str(k).isdigit() for k in rows):
        submitted = data.get("values") if isinstance(data, dict) else None
        size = max([int(k) + 1 for k in rows] + [len(submitted) if isinstance(submitted, list) else 0])
        result["values"] = [rows.get(str(i), rows.get(i, {})) for i in range(size)]
    return result


def clean_lookout_input(
    data: Any, *, agency: Agency, current: Lookout | None = None
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Validate a create payload (`current` None) or an update's keys; (cleaned, None) or (None, errors)."""
    serializer = LookoutInput(data=data, partial=current is not None, context={"agency": agency, "current": current})
    if serializer.is_valid():
        return dict(serializer.validated_data), None
    return None, _plain(serializer.errors)


def _plain(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {str(key): _plain(value) for key, value in detail.items()}
    if isinstance(detail, list | tuple):
        return [_plain(value) for value in detail]
    return str(detail)
