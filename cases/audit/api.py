"""GET /api/v1/audit/accesses/: the access audit for an agency's admins."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from cases.audit.forms import AuditFilterForm, plain_errors
from cases.audit.permissions import can_read_audit
from cases.audit.selectors import accesses_for
from cases.seizures.models import SeizureAccess
from crackdown.api.pagination import CursorPagination
from crackdown.errors import Forbidden
from members.http import AuthenticatedAPIView, AuthenticatedRequest
from members.models import Agency


class AuditUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    email = serializers.EmailField()


class AuditSeizureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()


class SeizureAccessSerializer(serializers.ModelSerializer):
    agency: serializers.SlugRelatedField[Agency] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    user = AuditUserSerializer(read_only=True, allow_null=True)
    seizure = AuditSeizureSerializer(
        read_only=True, allow_null=True, help_text="The seizure viewed; null for an export."
    )
    rows = serializers.IntegerField(read_only=True, help_text="Seizures of your agency the action covered.")
    action = serializers.ChoiceField(choices=SeizureAccess.Action.choices, read_only=True)

    class Meta:
        model = SeizureAccess
        fields = ["id", "at", "action", "agency", "user", "seizure", "rows"]
        read_only_fields = fields


class AccessAuditPagination(CursorPagination):
    ordering = ("-at", "-id")


class AccessAuditView(AuthenticatedAPIView):
    """Who of other agencies viewed, exported or reported on the caller's agency's seizures."""

    serializer_class = SeizureAccessSerializer
    pagination_class = AccessAuditPagination

    @extend_schema(
        operation_id="audit_accesses_list",
        parameters=[
            OpenApiParameter("agency", OpenApiTypes.STR, description="Code of the agency that accessed."),
            OpenApiParameter("action", OpenApiTypes.STR, enum=SeizureAccess.Action.values),
            OpenApiParameter("since", OpenApiTypes.DATE, description="From this day (UTC), inclusive."),
            OpenApiParameter("until", OpenApiTypes.DATE, description="To this day (UTC), inclusive."),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="1–200, default 50."),
        ],
        responses={
            200: SeizureAccessSerializer(many=True),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Invalid filter: {field: [messages]}."),
            401: OpenApiResponse(OpenApiTypes.OBJECT, description="No or bad token."),
            403: OpenApiResponse(OpenApiTypes.OBJECT, description="Not an admin of an agency."),
        },
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        if not can_read_audit(request.user):
            raise Forbidden(_("Only an admin of the agency reads its access audit."))
        form = AuditFilterForm(request.query_params, user=request.user)
        if not form.is_valid():
            return Response(plain_errors(form), status=400)
        filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(accesses_for(user=request.user, filters=filters), request, view=self)
        return paginator.get_paginated_response(SeizureAccessSerializer(page, many=True).data)
