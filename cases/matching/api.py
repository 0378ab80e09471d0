"""GET /api/v1/matches/ (API.md "Matches") and the one-click access request."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response

from cases.matching.selectors import get_match_for, match_list, match_row
from cases.matching.services import access_request_create
from crackdown.api.conventions import created
from members.http import AuthenticatedAPIView, AuthenticatedRequest


class MatchSeizureSerializer(serializers.Serializer):
    agency = serializers.CharField(help_text="Code of the agency that owns the seizure.")
    id = serializers.IntegerField(allow_null=True, help_text="null where the caller may not see the seizure.")
    reference = serializers.CharField(allow_null=True, help_text="null where the caller may not see the seizure.")


class MatchSerializer(serializers.Serializer):
    """Serialises a MatchRow (cases.matching.selectors): the hidden side carries its agency only."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    normalized = serializers.CharField()
    seizures = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    @extend_schema_field(MatchSeizureSerializer(many=True))
    def get_seizures(self, row) -> list[dict]:
        return [{"agency": side.agency_code, "id": side.id, "reference": side.reference} for side in row.sides]


class AccessRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    match = serializers.IntegerField(source="match_id")
    agency = serializers.CharField(source="requesting_agency.code", help_text="The requesting agency.")
    created_at = serializers.DateTimeField()
    granted_at = serializers.DateTimeField(allow_null=True)


class MatchListView(AuthenticatedAPIView, generics.GenericAPIView):
    serializer_class = MatchSerializer

    def get_queryset(self):
        return match_list(user=self.request.user)

    @extend_schema(
        summary="Matches involving the caller's agency",
        description="The other side's id and reference are null where the caller may not see that seizure.",
        responses=MatchSerializer(many=True),
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        # Queries: 1 page of matches with both sides' visibility as EXISTS (no per-row query).
        page = self.paginate_queryset(self.get_queryset())
        # The view keeps the default pagination class (settings.REST_FRAMEWORK): there is a page.
        assert page is not None
        rows = [match_row(match, user=request.user) for match in page]
        return self.get_paginated_response(MatchSerializer(rows, many=True).data)


class MatchAccessRequestView(AuthenticatedAPIView, generics.GenericAPIView):
    serializer_class = AccessRequestSerializer
    pagination_class = None

    @extend_schema(
        summary="Ask the owner of the hidden side of a match to share it",
        request=None,
        responses={201: AccessRequestSerializer, 403: None, 404: None, 409: None},
    )
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        match = get_match_for(request.user, pk)
        access_request = access_request_create(match=match, by=request.user)
        # An access request has no URL of its own: the match it asks about is listed at /matches/.
        return created(request, AccessRequestSerializer(access_request).data, "api-match-list")
