"""The alert object of API.md, for the API and the webhook body."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.alerts.models import Alert, Delivery
from cases.alerts.selectors import deliveries_shown_to
from cases.choices import MANUAL_ALERT_KINDS, Priority


class AlertUserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()


class DeliverySerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.code")
    acknowledged_by = AlertUserRefSerializer(allow_null=True)

    class Meta:
        model = Delivery
        fields = ["agency", "status", "acknowledged_at", "acknowledged_by", "outcome"]
        read_only_fields = fields


class AlertSerializer(serializers.ModelSerializer):
    """Read shape. Context: `viewer` (a user) or `viewer_agency_id`, to choose the deliveries shown."""

    # Rendered in the caller's language (API.md "Language"); a webhook's in English. `notice`
    # and `params` let a receiving system render the alert itself (cases/alerts/texts.py).
    title = serializers.CharField(source="display_title")
    body = serializers.CharField(source="display_body")
    notice = serializers.CharField()
    params = serializers.JSONField()
    sender_agency = serializers.SerializerMethodField()
    seizure = serializers.IntegerField(source="seizure_id", allow_null=True)
    operation = serializers.IntegerField(source="operation_id", allow_null=True)
    deliveries = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = [
            "id",
            "kind",
            "priority",
            "title",
            "body",
            "notice",
            "params",
            "sender_agency",
            "seizure",
            "operation",
            "created_at",
            "ack_due_at",
            "deliveries",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_sender_agency(self, alert: Alert) -> str | None:
        agency = alert.sender_agency
        return agency.code if agency else None

    @extend_schema_field(DeliverySerializer(many=True))
    def get_deliveries(self, alert: Alert) -> list[dict]:
        viewer = self.context.get("viewer")
        if viewer is None:
            viewer = _AgencyViewer(self.context.get("viewer_agency_id"))
        # many=True makes a ListSerializer, whose data is a list; the stubs give every
        # Serializer(...).data the type of a single object's.
        return DeliverySerializer(deliveries_shown_to(viewer, alert), many=True).data  # type: ignore[return-value]


class _AgencyViewer:
    """Stands for "any user of this agency" when a webhook body is built."""

    def __init__(self, agency_id: int | None):
        self.agency_id = agency_id


class AlertCreateSerializer(serializers.Serializer):
    recipients = serializers.ListField(
        child=serializers.CharField(max_length=10), allow_empty=False, min_length=1, max_length=20
    )
    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in MANUAL_ALERT_KINDS])
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.ROUTINE)
    title = serializers.CharField(max_length=300)
    body = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    seizure = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    operation = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    ack_due_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class AcknowledgeSerializer(serializers.Serializer):
    outcome = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
