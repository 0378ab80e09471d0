"""Seizure representations of the REST contract (API.md "Seizures").

Serializers parse types and enums; every rule about the seizure itself lives in
cases.seizures.services, which the views call with `to_service_data(validated_data)`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.choices import (
    DetectionMethod,
    Drug,
    IdentifierKind,
    PersonRole,
    SeizureStatus,
    Sex,
    Sharing,
    TransportMode,
    Unit,
)
from cases.seizures.models import Seizure, SeizureRevision


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    full_name = serializers.CharField(read_only=True)

    class Meta:
        ref_name = "SeizureReporter"


class SeizureItemSerializer(serializers.Serializer):
    drug = serializers.ChoiceField(choices=Drug.choices)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=Decimal("0.001"))
    unit = serializers.ChoiceField(choices=Unit.choices)
    weight_kg = serializers.DecimalField(max_digits=14, decimal_places=3, read_only=True, allow_null=True)


class SeizureIdentifierSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=IdentifierKind.choices)
    value = serializers.CharField(max_length=200)
    normalized = serializers.CharField(read_only=True)


class SeizurePersonSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=PersonRole.choices)
    nationality = serializers.CharField(max_length=2, required=False, allow_blank=True, default="")
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, default=Sex.UNKNOWN)
    birth_year = serializers.IntegerField(required=False, allow_null=True, min_value=1900, max_value=2100)


@extend_schema_field({"type": "array", "items": {"type": "string", "example": "TCD"}})
class AgencyCodesField(serializers.ListField):
    """Agency codes in and out; out of a prefetched many-to-many manager."""

    child = serializers.CharField(max_length=10)

    def to_representation(self, data):
        if hasattr(data, "all"):
            return [agency.code for agency in data.all()]
        return list(data)


class SeizureSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status = serializers.ChoiceField(choices=SeizureStatus.choices, read_only=True)
    reported_by = UserRefSerializer(read_only=True, allow_null=True)
    occurred_at = serializers.DateTimeField()
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    country = serializers.CharField(
        max_length=2, required=False, allow_blank=True, help_text="ISO 3166-1 alpha-2; default: the agency's country."
    )
    transport_mode = serializers.ChoiceField(choices=TransportMode.choices)
    detection_method = serializers.ChoiceField(choices=DetectionMethod.choices)
    concealment = serializers.CharField(max_length=300, required=False, allow_blank=True)
    origin_country = serializers.CharField(max_length=2, required=False, allow_blank=True)
    transit_countries = serializers.ListField(child=serializers.CharField(max_length=2), required=False, max_length=10)
    destination_country = serializers.CharField(max_length=2, required=False, allow_blank=True)
    operation = serializers.IntegerField(
        source="operation_id", required=False, allow_null=True, help_text="A joint operation your agency accepted."
    )
    sharing = serializers.ChoiceField(choices=Sharing.choices, required=False, default=Sharing.MEMBERS)
    shared_with = AgencyCodesField(required=False, max_length=20)
    items = SeizureItemSerializer(many=True, allow_empty=False, max_length=50)
    identifiers = SeizureIdentifierSerializer(many=True, required=False, max_length=50)
    persons = SeizurePersonSerializer(many=True, required=False, max_length=50)
    total_weight_kg = serializers.DecimalField(max_digits=14, decimal_places=3, read_only=True, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    amendment_reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Required to change a verified seizure.",
    )

    class Meta:
        model = Seizure
        fields = [
            "id",
            "reference",
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
            "notes",
            "created_at",
            "updated_at",
            "amendment_reason",
        ]
        read_only_fields = ["id", "reference", "created_at", "updated_at"]

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError(_rows_as_lists(exc.detail, data)) from None

    def to_service_data(self) -> tuple[dict[str, Any], str]:
        """The validated payload in the shape the services take, and the amendment reason."""
        data = dict(self.validated_data)
        reason = data.pop("amendment_reason", "")
        if "operation_id" in data:
            data["operation"] = data.pop("operation_id")
        return data, reason


def _rows_as_lists(detail, data) -> dict:
    """DRF reports nested rows as {"0": {...}}; the contract wants one entry per row, in order."""
    if not isinstance(detail, dict):
        return detail
    result = dict(detail)
    for field in ("items", "identifiers", "persons"):
        rows = detail.get(field)
        if isinstance(rows, dict) and set(rows) == {"non_field_errors"}:
            # About the list as a whole ("at least one item"): its messages, as for any field.
            result[field] = list(rows["non_field_errors"])
        elif isinstance(rows, dict) and rows and all(str(k).isdigit() for k in rows):
            submitted = data.get(field) if isinstance(data, dict) else None
            size = max([int(k) + 1 for k in rows] + [len(submitted) if isinstance(submitted, list) else 0])
            result[field] = [rows.get(str(i), rows.get(i, {})) for i in range(size)]
    return result


class SeizureHistorySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    by = serializers.SerializerMethodField()
    action = serializers.ChoiceField(choices=SeizureRevision.Action.choices)
    changes = serializers.JSONField(help_text='{"field": [old, new], ...}')
    reason = serializers.CharField(allow_blank=True)

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "id": {"type": "integer"},
                "full_name": {"type": "string"},
                "agency": {"type": "string", "nullable": True},
            },
        }
    )
    def get_by(self, entry) -> dict | None:
        return entry["by"]


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()

    class Meta:
        ref_name = "SeizureErrorDetail"
