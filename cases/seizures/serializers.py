"""Seizure representations of the REST contract (API.md "Seizures").

`SeizureSerializer` is the input description (cases.seizures.inputs) with the fields the API
only answers; it parses a request's types, documents the schema, and serialises a seizure the
way cases.seizures.api_output builds it from rows. The models' rules run in the services.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.choices import SeizureStatus
from cases.seizures.fields import SEIZURE_FIELDS, model_field
from cases.seizures.inputs import IdentifierInput, ItemInput, PersonInput, SeizureInput, row_list
from cases.seizures.models import Seizure, SeizureItem, SeizureRevision
from members.models import Agency


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    full_name = serializers.CharField(read_only=True)

    class Meta:
        ref_name = "SeizureReporter"


def _answered_decimal(model: type[models.Model], name: str) -> serializers.DecimalField:
    field = model_field(model, name, models.DecimalField)
    return serializers.DecimalField(
        max_digits=field.max_digits, decimal_places=field.decimal_places, read_only=True, allow_null=True
    )


class SeizureItemSerializer(ItemInput):
    answered = True
    weight_kg = _answered_decimal(SeizureItem, "weight_kg")
    kg_equivalent = _answered_decimal(SeizureItem, "kg_equivalent")


class SeizureIdentifierSerializer(IdentifierInput):
    answered = True
    normalized = serializers.CharField(read_only=True)


class SeizurePersonSerializer(PersonInput):
    answered = True


class SeizureSerializer(SeizureInput):
    agency: serializers.SlugRelatedField[Agency] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status = serializers.ChoiceField(choices=SeizureStatus.choices, read_only=True)
    reported_by = UserRefSerializer(read_only=True, allow_null=True)
    items = row_list(SeizureItemSerializer, allow_empty=False)
    identifiers = row_list(SeizureIdentifierSerializer, required=False)
    persons = row_list(SeizurePersonSerializer, required=False)
    total_weight_kg = _answered_decimal(Seizure, "total_weight_kg")
    tablets = _answered_decimal(Seizure, "tablets")
    items_without_weight = serializers.IntegerField(read_only=True)
    amendment_reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Required to change a verified seizure.",
    )

    class Meta(SeizureInput.Meta):
        fields = (*SEIZURE_FIELDS, "amendment_reason")
        read_only_fields = ["id", "reference", "created_at", "updated_at"]

    def to_service_data(self) -> tuple[dict[str, Any], str]:
        """The validated payload in the shape the services take, and the amendment reason."""
        data = dict(self.validated_data)
        reason = data.pop("amendment_reason", "")
        return data, reason


class HistoryActorSerializer(serializers.Serializer):
    """Who made a change: null for the system (an import, a migration)."""

    id = serializers.IntegerField()
    full_name = serializers.CharField()
    agency = serializers.CharField(allow_null=True, help_text="The agency code of the user, if any.")


@extend_schema_field(
    {
        "type": "object",
        "description": "Each changed field: `[old value, new value]` (the values as the API writes them).",
        "additionalProperties": {"type": "array", "minItems": 2, "maxItems": 2, "items": {}},
    }
)
class ChangesField(serializers.JSONField):
    pass


class SeizureHistorySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    by = serializers.SerializerMethodField()
    action = serializers.ChoiceField(choices=SeizureRevision.Action.choices)
    changes = ChangesField()
    reason = serializers.CharField(allow_blank=True)

    @extend_schema_field(HistoryActorSerializer(allow_null=True))
    def get_by(self, entry) -> dict | None:
        return entry["by"]


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()

    class Meta:
        ref_name = "SeizureErrorDetail"
