"""The lookout's API representation (API.md "Lookouts")."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.choices import IdentifierKind
from cases.lookouts.inputs import LookoutInput
from cases.lookouts.models import HitSource, Lookout, LookoutSharing, LookoutStatus, RetroStatus


class LookoutCreatorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()


class LookoutValueSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=IdentifierKind.choices)
    value = serializers.CharField()
    normalized = serializers.CharField(read_only=True)


class LookoutRetroSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=RetroStatus.choices, allow_blank=True)
    done = serializers.IntegerField(help_text="Values looked up so far.")
    total = serializers.IntegerField()


class LookoutSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    agency = serializers.CharField(source="agency.code", read_only=True)
    created_by = serializers.SerializerMethodField()
    title = serializers.CharField()
    reason = serializers.CharField()
    status = serializers.ChoiceField(choices=LookoutStatus.choices, read_only=True)
    expires_at = serializers.DateTimeField()
    sharing = serializers.ChoiceField(choices=LookoutSharing.choices)
    shared_with = serializers.SerializerMethodField()
    values = serializers.SerializerMethodField()
    hit_count = serializers.IntegerField(read_only=True)
    retro = serializers.SerializerMethodField(help_text="The retro-hunt over the past three years.")
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    @extend_schema_field(LookoutCreatorSerializer(allow_null=True))
    def get_created_by(self, lookout: Lookout) -> dict | None:
        user = lookout.created_by
        return {"id": user.pk, "full_name": user.full_name} if user else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_shared_with(self, lookout: Lookout) -> list[str]:
        return sorted(agency.code for agency in lookout.shared_with.all())

    @extend_schema_field(LookoutValueSerializer(many=True))
    def get_values(self, lookout: Lookout) -> list[dict]:
        return [{"kind": v.kind, "value": v.value, "normalized": v.normalized} for v in lookout.values.all()]

    @extend_schema_field(LookoutRetroSerializer)
    def get_retro(self, lookout: Lookout) -> dict:
        return {"status": lookout.retro_status, "done": lookout.retro_done, "total": lookout.retro_total}


class LookoutWriteSerializer(LookoutInput):
    """The request body of POST and PATCH (documented; the service validates with the agency)."""


class HitSeizureSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text="null where the lookout's reader may not see it.")
    reference = serializers.CharField(allow_null=True, help_text="null where the reader may not see it.")


class HitSerializer(serializers.Serializer):
    """Serialises a HitRow (cases.lookouts.selectors): a blind hit carries its agency and kind only."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    normalized = serializers.CharField()
    # The contract's field name; DRF takes declared fields out of the class attributes.
    source = serializers.ChoiceField(choices=HitSource.choices)  # type: ignore[assignment]
    agency = serializers.CharField(source="agency_code", help_text="The agency whose record hit.")
    seizure = serializers.SerializerMethodField()
    blind = serializers.BooleanField()
    access_requested = serializers.BooleanField()
    created_at = serializers.DateTimeField()

    @extend_schema_field(HitSeizureSerializer)
    def get_seizure(self, row) -> dict:
        return {"id": row.seizure_id, "reference": row.reference}


class HitAccessRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    seizure_agency = serializers.CharField(source="seizure.agency.code", help_text="The agency asked to share.")
    agency = serializers.CharField(source="requesting_agency.code", help_text="The requesting agency.")
    created_at = serializers.DateTimeField()
    granted_at = serializers.DateTimeField(allow_null=True)
