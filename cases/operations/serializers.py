"""Joint operation shapes of the API contract (../shared/API.md "Joint operations").

Serializers only parse and render: every write goes through cases.operations.services.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.choices import AssignmentStatus, Drug, OperationStatus, ParticipantRole, ParticipantStatus, TransportMode
from cases.operations.models import Assignment, JointOperation, OperationMessage, Participation
from members.models import Agency, User


class ParticipantSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.code", read_only=True)
    role = serializers.ChoiceField(choices=ParticipantRole.choices, read_only=True)
    status = serializers.ChoiceField(choices=ParticipantStatus.choices, read_only=True)

    class Meta:
        model = Participation
        fields = ["agency", "role", "status"]


class OperationSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=OperationStatus.choices, read_only=True)
    lead_agency = serializers.CharField(source="lead_agency.code", read_only=True)
    target_drugs = serializers.ListField(child=serializers.ChoiceField(choices=Drug.choices), required=False)
    transport_modes = serializers.ListField(
        child=serializers.ChoiceField(choices=TransportMode.choices), required=False
    )
    participants = ParticipantSerializer(source="participations", many=True, read_only=True)
    description = serializers.CharField(required=False, allow_blank=True)

    class Meta:
        model = JointOperation
        fields = [
            "id",
            "code",
            "name",
            "description",
            "status",
            "lead_agency",
            "starts_on",
            "ends_on",
            "target_drugs",
            "transport_modes",
            "participants",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]

    def validate(self, attrs):
        starts = attrs.get("starts_on", getattr(self.instance, "starts_on", None))
        ends = attrs.get("ends_on", getattr(self.instance, "ends_on", None))
        if starts and ends and ends < starts:
            raise serializers.ValidationError({"ends_on": ["The operation cannot end before it starts."]})
        return attrs


class InviteSerializer(serializers.Serializer):
    agencies = serializers.ListField(child=serializers.CharField(max_length=10), allow_empty=False, max_length=20)
    role = serializers.ChoiceField(
        choices=[ParticipantRole.PARTICIPANT, ParticipantRole.OBSERVER], default=ParticipantRole.PARTICIPANT
    )

    def validate_agencies(self, codes: list[str]) -> list[Agency]:
        codes = list(dict.fromkeys(c.strip().upper() for c in codes))
        agencies = list(Agency.objects.filter(code__in=codes))
        missing = sorted(set(codes) - {a.code for a in agencies})
        if missing:
            raise serializers.ValidationError(f"Unknown agency: {', '.join(missing)}.")
        return agencies


class RespondSerializer(serializers.Serializer):
    accept = serializers.BooleanField()


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    full_name = serializers.CharField(read_only=True)


class AssignmentSerializer(serializers.ModelSerializer):
    operation = serializers.IntegerField(source="operation_id", read_only=True)
    agency = serializers.SlugRelatedField(slug_field="code", queryset=Agency.objects.all())
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )
    status = serializers.ChoiceField(choices=AssignmentStatus.choices, read_only=True)
    outcome = serializers.CharField(read_only=True)
    created_by = UserRefSerializer(read_only=True, allow_null=True)
    instructions = serializers.CharField(required=False, allow_blank=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "operation",
            "agency",
            "assignee",
            "title",
            "instructions",
            "due_at",
            "status",
            "outcome",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]


class AssignmentUpdateSerializer(serializers.Serializer):
    """What the assigned agency changes (status, outcome, assignee); the lead may only cancel."""

    status = serializers.ChoiceField(choices=AssignmentStatus.choices, required=False)
    outcome = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )


class MessageSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    agency = serializers.CharField(source="agency.code", read_only=True)
    body = serializers.CharField(max_length=5000)

    class Meta:
        model = OperationMessage
        fields = ["id", "author", "agency", "body", "created_at"]
        read_only_fields = ["id", "created_at"]

    @extend_schema_field(UserRefSerializer(allow_null=True))
    def get_author(self, obj: OperationMessage):
        return {"id": obj.author.pk, "full_name": obj.author.full_name} if obj.author else None


class LinkSeizureSerializer(serializers.Serializer):
    seizure = serializers.IntegerField()


class ReportRowSerializer(serializers.Serializer):
    seizures = serializers.IntegerField()
    weight_kg = serializers.DecimalField(
        max_digits=16, decimal_places=3, help_text="The sum of the items' kg equivalents."
    )
    tablets = serializers.DecimalField(max_digits=16, decimal_places=3)
    items_without_weight = serializers.IntegerField(help_text="Items with no kg equivalent: not in weight_kg.")


class DrugRowSerializer(ReportRowSerializer):
    drug = serializers.ChoiceField(choices=Drug.choices)


class AgencyRowSerializer(ReportRowSerializer):
    agency = serializers.CharField()


class ModeRowSerializer(ReportRowSerializer):
    transport_mode = serializers.ChoiceField(choices=TransportMode.choices)


class ReportTotalsSerializer(ReportRowSerializer):
    by_drug = DrugRowSerializer(many=True)
    by_agency = AgencyRowSerializer(many=True)
    by_transport_mode = ModeRowSerializer(many=True)


# One count per assignment status, in the enum's order: the report counts every status.
AssignmentCountsSerializer = type(
    "AssignmentCountsSerializer",
    (serializers.Serializer,),
    {status: serializers.IntegerField() for status in AssignmentStatus.values},
)


class ReportSerializer(serializers.Serializer):
    operation = OperationSerializer()
    totals = ReportTotalsSerializer()
    assignments = AssignmentCountsSerializer()

    def to_representation(self, report):
        return super().to_representation(
            {
                "operation": report.operation,
                "totals": {
                    "seizures": report.seizures,
                    "weight_kg": report.weight_kg,
                    "tablets": report.tablets,
                    "items_without_weight": report.items_without_weight,
                    "by_drug": report.by_drug,
                    "by_agency": report.by_agency,
                    "by_transport_mode": report.by_transport_mode,
                },
                "assignments": report.assignments,
            }
        )
