"""Statistics API (API.md "Statistics"): over visible seizures only, aggregated in the database.

Weights are decimal strings with three places ("734.000"), as every weight in the API;
`region_share` is a JSON number rounded half-up to three places (0.38 for 279 of 734 kg),
null for a year without seized weight.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.choices import DetectionMethod, Drug, SeizureStatus, TransportMode
from cases.stats.forms import GROUP_BY, OriginShareForm, SeizureStatsForm
from cases.stats.regions import regions
from cases.stats.selectors import origin_share, seizure_stats
from members.http import AuthenticatedRequest


def _errors(form) -> ValidationError:
    return ValidationError({field: [str(m) for m in messages] for field, messages in form.errors.items()})


SEIZURE_FILTER_PARAMETERS = [
    OpenApiParameter("drug", OpenApiTypes.STR, enum=Drug.values),
    OpenApiParameter("agency", OpenApiTypes.STR, description="Agency code."),
    OpenApiParameter("country", OpenApiTypes.STR, description="ISO 3166-1 alpha-2."),
    OpenApiParameter("origin_country", OpenApiTypes.STR),
    OpenApiParameter("destination_country", OpenApiTypes.STR),
    OpenApiParameter("transit_country", OpenApiTypes.STR),
    OpenApiParameter("transport_mode", OpenApiTypes.STR, enum=TransportMode.values),
    OpenApiParameter("detection_method", OpenApiTypes.STR, enum=DetectionMethod.values),
    OpenApiParameter("status", OpenApiTypes.STR, enum=SeizureStatus.values),
    OpenApiParameter("operation", OpenApiTypes.INT),
    OpenApiParameter("occurred_after", OpenApiTypes.DATETIME, description="A date or a date and time."),
    OpenApiParameter(
        "occurred_before", OpenApiTypes.DATETIME, description="A date (the whole day) or a date and time."
    ),
    OpenApiParameter("identifier", OpenApiTypes.STR, description="Matches the normalised value."),
    OpenApiParameter("q", OpenApiTypes.STR, description="Text search."),
]


class StatsRowSerializer(serializers.Serializer):
    key = serializers.JSONField(
        allow_null=True,
        help_text='The group: a drug, agency code, country, transport mode, month ("2025-03") or year (2025).',
    )
    seizures = serializers.IntegerField()
    weight_kg = serializers.DecimalField(
        max_digits=20, decimal_places=3, help_text="The sum of the items' kg equivalents (docs/statistics.md)."
    )
    tablets = serializers.DecimalField(max_digits=20, decimal_places=3, help_text="Tablets among the items.")
    items_without_weight = serializers.IntegerField(
        help_text="Items with neither a weight nor a conversion factor: not in weight_kg."
    )


class SeizureStatsSerializer(serializers.Serializer):
    group_by = serializers.ChoiceField(choices=GROUP_BY)
    rows = StatsRowSerializer(many=True)


class OriginShareRowSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    total_weight_kg = serializers.DecimalField(max_digits=20, decimal_places=3)
    region_weight_kg = serializers.DecimalField(max_digits=20, decimal_places=3)
    region_share = serializers.FloatField(allow_null=True, help_text="region / total, 3 decimals; null if total is 0.")


class OriginShareSerializer(serializers.Serializer):
    rows = OriginShareRowSerializer(many=True)


class SeizureStatsView(APIView):
    @extend_schema(
        summary="Seizures and weight grouped by one dimension (visible seizures only)",
        parameters=[
            OpenApiParameter("group_by", OpenApiTypes.STR, enum=list(GROUP_BY), required=True),
            *SEIZURE_FILTER_PARAMETERS,
        ],
        responses={
            200: SeizureStatsSerializer,
            400: inline_serializer("StatsError", {"group_by": serializers.ListField()}),
        },
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        form = SeizureStatsForm(request.query_params)
        if not form.is_valid():
            raise _errors(form)
        filters = form.filters()
        group_by = filters.pop("group_by")
        rows = seizure_stats(user=request.user, group_by=group_by, filters=filters)
        return Response(SeizureStatsSerializer({"group_by": group_by, "rows": rows}).data)


class OriginShareView(APIView):
    @extend_schema(
        summary="Share of a country's seized weight that came from a region, by year",
        description=(
            "A seizure in `country` counts for the region when its origin_country was a member of the "
            "region on the seizure date (membership dates from regions.csv)."
        ),
        parameters=[
            OpenApiParameter("country", OpenApiTypes.STR, required=True, description="ISO 3166-1 alpha-2, e.g. KR."),
            OpenApiParameter(
                "region",
                OpenApiTypes.STR,
                required=True,
                enum=sorted(regions()),
                description="A region code, e.g. ASEAN.",
            ),
        ],
        responses={200: OriginShareSerializer},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        form = OriginShareForm(request.query_params)
        if not form.is_valid():
            raise _errors(form)
        rows = origin_share(user=request.user, **form.cleaned_data)
        return Response(OriginShareSerializer({"rows": rows}).data)
