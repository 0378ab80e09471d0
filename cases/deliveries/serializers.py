"""Controlled delivery shapes of the API contract (../shared/API.md "Controlled deliveries").

Serializers only parse and render: every write goes through cases.deliveries.services.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.choices import DeliveryState, Drug, IdentifierKind, LegState, TransportMode, Unit
from cases.deliveries.models import ControlledDelivery, DeliveryEvent, DeliveryLeg
from cases.deliveries.places import find_place
from members.models import Agency


class DeliveryIdentifierSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=IdentifierKind.choices)
    value = serializers.CharField(max_length=200)
    normalized = serializers.CharField(read_only=True)


class ConsignmentSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=2000)
    drug = serializers.ChoiceField(choices=Drug.choices)
    estimated_quantity = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=Decimal("0.001"))
    unit = serializers.ChoiceField(choices=Unit.choices)
    identifiers: serializers.ListSerializer = serializers.ListSerializer(
        child=DeliveryIdentifierSerializer(), required=False, max_length=50
    )


class LegSerializer(serializers.ModelSerializer):
    agency: serializers.SlugRelatedField[Agency] = serializers.SlugRelatedField(
        slug_field="code", queryset=Agency.objects.filter(is_active=True)
    )
    from_place = serializers.CharField(
        max_length=10, help_text="UN/LOCODE (e.g. THLCH) or IATA airport code (e.g. BKK)"
    )
    to_place = serializers.CharField(max_length=10, help_text="UN/LOCODE (e.g. KRPUS) or IATA airport code (e.g. ICN)")
    transport_mode = serializers.ChoiceField(choices=TransportMode.choices)
    status = serializers.ChoiceField(choices=LegState.choices, read_only=True)
    from_place_name = serializers.SerializerMethodField()
    to_place_name = serializers.SerializerMethodField()
    eta_local = serializers.SerializerMethodField(help_text="The ETA on the clock of the leg's destination")

    class Meta:
        model = DeliveryLeg
        fields = [
            "seq",
            "agency",
            "from_place",
            "from_place_name",
            "to_place",
            "to_place_name",
            "transport_mode",
            "eta",
            "eta_local",
            "status",
            "handed_over_at",
        ]
        read_only_fields = ["seq", "handed_over_at"]

    def get_from_place_name(self, leg: DeliveryLeg) -> str | None:
        place = find_place(leg.from_place)
        return place.name if place else None

    def get_to_place_name(self, leg: DeliveryLeg) -> str | None:
        place = find_place(leg.to_place)
        return place.name if place else None

    def get_eta_local(self, leg: DeliveryLeg) -> str | None:
        place = find_place(leg.to_place)
        return place.local(leg.eta).isoformat() if place and leg.eta else None


class TimelineSerializer(serializers.ModelSerializer):
    agency = serializers.SerializerMethodField()
    by = serializers.SerializerMethodField()

    class Meta:
        model = DeliveryEvent
        fields = ["at", "agency", "by", "action", "notes"]

    def get_agency(self, event: DeliveryEvent) -> str | None:
        return event.agency.code if event.agency is not None else None

    def get_by(self, event: DeliveryEvent) -> str | None:
        return event.by.full_name if event.by is not None else None


class ControlledDeliverySerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True)
    operation = serializers.IntegerField(source="operation_id", allow_null=True, required=False)
    requesting_agency = serializers.CharField(source="requesting_agency.code", read_only=True)
    status = serializers.ChoiceField(choices=DeliveryState.choices, read_only=True)
    consignment = serializers.SerializerMethodField()
    legs = LegSerializer(many=True, read_only=True)
    seizures: serializers.ManyRelatedField = serializers.ManyRelatedField(
        child_relation=serializers.PrimaryKeyRelatedField(read_only=True), read_only=True
    )
    timeline = TimelineSerializer(source="events", many=True, read_only=True)

    class Meta:
        model = ControlledDelivery
        fields = [
            "id",
            "code",
            "operation",
            "requesting_agency",
            "status",
            "legal_basis",
            "consignment",
            "legs",
            "seizures",
            "timeline",
            "created_at",
        ]

    @extend_schema_field(ConsignmentSerializer)
    def get_consignment(self, delivery: ControlledDelivery) -> dict[str, Any]:
        return {
            "description": delivery.description,
            "drug": delivery.drug,
            "estimated_quantity": f"{delivery.estimated_quantity:.3f}",
            "unit": delivery.unit,
            "identifiers": delivery.identifiers,
        }


class DeliveryRequestSerializer(serializers.Serializer):
    operation = serializers.IntegerField(required=False, allow_null=True)
    legal_basis = serializers.CharField(max_length=2000)
    consignment = ConsignmentSerializer()
    legs: serializers.ListSerializer = serializers.ListSerializer(child=LegSerializer(), min_length=1, max_length=10)


class DeliveryRespondSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    notes = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class DeliveryHandoverSerializer(serializers.Serializer):
    seq = serializers.IntegerField(min_value=1, max_value=10)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class DeliveryCompleteSerializer(serializers.Serializer):
    seizures = serializers.ListField(
        child=serializers.IntegerField(min_value=1), max_length=500, required=False, default=list
    )
    notes = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class DeliveryAbortSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
