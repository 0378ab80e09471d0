"""The API's shapes of evidence files and custody entries (API.md "Evidence and chain of custody")."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from cases.evidence.models import CustodyAction, CustodyEntry, Evidence, EvidenceKind, ItemPurity


class EvidenceUserSerializer(serializers.Serializer):
    """Who uploaded a file or recorded an entry: {id, full_name}."""

    id = serializers.IntegerField()
    full_name = serializers.CharField()


class EvidenceSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=EvidenceKind.choices)
    uploaded_by = EvidenceUserSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Evidence
        fields = [
            "id",
            "kind",
            "filename",
            "content_type",
            "size",
            "sha256",
            "description",
            "uploaded_by",
            "uploaded_at",
        ]
        read_only_fields = fields


class EvidenceFormSerializer(serializers.Serializer):
    """The fields of an upload beside its file (the file is read by cases.evidence.uploads)."""

    kind = serializers.ChoiceField(choices=EvidenceKind.choices)
    description = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class EvidenceUploadSerializer(EvidenceFormSerializer):
    """The multipart body of an upload, for the schema."""

    file = serializers.FileField(help_text="The file; its type is read from its content.")


class PurityListSerializer(serializers.ListSerializer):
    """DRF keys a list's row errors by index ({"0": {...}}); the contract answers a list, one
    object per row, empty for a row without errors (API.md "Errors")."""

    def to_internal_value(self, data: Any) -> Any:
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            rows: Any = exc.detail  # keyed by int index at run time (the stubs say str)
            if isinstance(data, list) and isinstance(rows, dict) and rows and all(isinstance(k, int) for k in rows):
                raise serializers.ValidationError([rows.get(index, {}) for index in range(len(data))]) from None
            raise


class PuritySerializer(serializers.ModelSerializer):
    item = serializers.IntegerField(
        min_value=1, max_value=32767, help_text="The item's number in the seizure (1-based)."
    )
    drug = serializers.CharField(read_only=True)
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100)

    class Meta:
        model = ItemPurity
        fields = ["item", "drug", "percent"]
        list_serializer_class = PurityListSerializer

    def to_representation(self, instance: ItemPurity) -> dict[str, Any]:
        return {"item": instance.position + 1, "drug": instance.drug, "percent": f"{instance.percent:.2f}"}


class EvidenceIdsField(serializers.ListField):
    """Ids of the files an entry links: written as a list, read from the prefetched relation."""

    def to_representation(self, data: Any) -> list[int]:
        return sorted(e.pk for e in data.all())


class CustodyEntrySerializer(serializers.ModelSerializer):
    action = serializers.ChoiceField(choices=CustodyAction.choices)
    recorded_by = EvidenceUserSerializer(read_only=True, allow_null=True)
    evidence = EvidenceIdsField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), required=False, default=list
    )
    purity = PuritySerializer(many=True, required=False, default=list, source="purities")

    class Meta:
        model = CustodyEntry
        fields = [
            "id",
            "action",
            "from_holder",
            "to_holder",
            "location",
            "at",
            "notes",
            "recorded_by",
            "recorded_at",
            "evidence",
            "purity",
        ]
        read_only_fields = ["id", "recorded_by", "recorded_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # The service's input: purity rows as {"item", "percent"}; the rules live in the service.
        attrs["purity"] = [{"item": row["item"], "percent": row["percent"]} for row in attrs.pop("purities", [])]
        return attrs
