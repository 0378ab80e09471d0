"""/api/v1/seizures/: thin views over the seizure selectors and services (API.md "Seizures")."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cases.seizures import services
from cases.seizures.api_output import represent, represent_queryset, row_queryset
from cases.seizures.export import export_response
from cases.seizures.filters import SeizureFilter
from cases.seizures.inputs import nest_errors
from cases.seizures.models import Seizure, SeizureAccess
from cases.seizures.selectors import get_seizure_for, seizure_history, seizure_list
from cases.seizures.serializers import DetailSerializer, SeizureHistorySerializer, SeizureSerializer
from crackdown.api.conventions import created, if_match, with_etag
from crackdown.api.pagination import CursorPagination
from crackdown.api.renderers import JSONRenderer
from members.http import AuthenticatedAPIView, AuthenticatedRequest


class SeizureCursorPagination(CursorPagination):
    ordering = ("-occurred_at", "-id")


class CSVRenderer(renderers.BaseRenderer):
    """Names text/csv for content negotiation and the schema; the view streams the body itself."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else str(data or "").encode()


def _errors(detail: str) -> OpenApiResponse:
    return OpenApiResponse(DetailSerializer, description=detail)


BAD_INPUT = OpenApiResponse(OpenApiTypes.OBJECT, description='Bad input: `{"field": ["message"]}`.')
NOT_FOUND = _errors("Absent or not visible to the caller.")
SEIZURE_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Seizure id.")
FORBIDDEN = _errors("Visible, but the caller may not do this.")
CONFLICT = _errors("The seizure's status does not allow this.")
UNAUTHENTICATED = _errors("No or bad credentials.")


def _field_errors(exc: DjangoValidationError, data) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(nest_errors(exc.message_dict, data if isinstance(data, dict) else {}))
    return exceptions.ValidationError({"detail": exc.messages})


# A POST that moves a seizure on: no body, the seizure back, 409 from the wrong state.
STATE_CHANGE: dict[str, Any] = {
    "parameters": [SEIZURE_ID],
    "request": None,
    "responses": {200: SeizureSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
}


@extend_schema_view(
    list=extend_schema(
        summary="Visible seizures, newest first",
        responses={
            200: SeizureSerializer(many=True),
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            404: _errors("Invalid cursor."),
        },
    ),
    create=extend_schema(
        summary="Record a draft seizure",
        responses={201: SeizureSerializer, 400: BAD_INPUT, 401: UNAUTHENTICATED, 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        parameters=[SEIZURE_ID], responses={200: SeizureSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND}
    ),
    partial_update=extend_schema(
        summary="Change a seizure (a verified one needs amendment_reason)",
        parameters=[SEIZURE_ID],
        responses={
            200: SeizureSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    ),
    destroy=extend_schema(
        summary="Delete a draft",
        parameters=[SEIZURE_ID],
        responses={204: None, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    ),
)
class SeizureViewSet(AuthenticatedAPIView, viewsets.GenericViewSet):
    serializer_class = SeizureSerializer
    pagination_class = SeizureCursorPagination
    filterset_class = SeizureFilter
    queryset = Seizure.objects.none()  # every read starts from visible_to(user) in the selectors

    def get_queryset(self):
        # The list reads plain rows a page at a time (cases.seizures.api_output).
        if self.action == "list":
            return seizure_list(user=self.request.user, paged=True, details=False, source=row_queryset())
        return seizure_list(user=self.request.user)

    def _representation(self, seizure: Seizure, *, code: int = status.HTTP_200_OK) -> Response:
        (row,) = represent_queryset(Seizure.objects.filter(pk=seizure.pk), user=self.request.user)
        if code == status.HTTP_201_CREATED:
            return with_etag(created(self.request, row, "api-seizure", seizure.pk), seizure)
        return with_etag(Response(row, status=code), seizure)

    def list(self, request: AuthenticatedRequest) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        # A paginated view: a page, never None.
        return self.get_paginated_response(represent(page or [], user=request.user))

    def create(self, request: AuthenticatedRequest) -> Response:
        serializer = SeizureSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, _reason = serializer.to_service_data()
        try:
            seizure = services.seizure_create(by=request.user, data=data)
        except DjangoValidationError as exc:
            raise _field_errors(exc, request.data) from None
        return self._representation(seizure, code=status.HTTP_201_CREATED)

    def retrieve(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        seizure = get_seizure_for(request.user, pk, details=False)
        services.seizure_record_access(seizure=seizure, user=request.user, action=SeizureAccess.Action.VIEW)
        return self._representation(seizure)

    def partial_update(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        seizure = get_seizure_for(request.user, pk, write=True)
        serializer = SeizureSerializer(seizure, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data, reason = serializer.to_service_data()
        try:
            with transaction.atomic():
                # A stale If-Match → 412, checked under the row lock the write then holds.
                if_match(request, Seizure.objects.all(), seizure.pk)
                seizure = services.seizure_update(seizure=seizure, by=request.user, data=data, amendment_reason=reason)
        except DjangoValidationError as exc:
            raise _field_errors(exc, request.data) from None
        return self._representation(seizure)

    def destroy(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        seizure = get_seizure_for(request.user, pk, write=True)
        services.seizure_delete(seizure=seizure, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="Submit a draft (partners on the route are alerted)", **STATE_CHANGE)
    @action(detail=True, methods=["post"])
    def submit(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        seizure = get_seizure_for(request.user, pk, write=True)
        return self._representation(services.seizure_submit(seizure=seizure, by=request.user))

    @extend_schema(summary="Verify a submitted seizure (a coordinator of the reporting agency)", **STATE_CHANGE)
    @action(detail=True, methods=["post"])
    def verify(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        seizure = get_seizure_for(request.user, pk)
        return self._representation(services.seizure_verify(seizure=seizure, by=request.user))

    @extend_schema(
        operation_id="seizures_history",
        filters=False,
        summary="Every recorded change, oldest first",
        parameters=[SEIZURE_ID],
        responses={200: SeizureHistorySerializer(many=True), 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def history(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        seizure = get_seizure_for(request.user, pk)
        return Response(SeizureHistorySerializer(seizure_history(seizure, user=request.user), many=True).data)

    @extend_schema(
        operation_id="seizures_export",
        filters=True,
        summary="The filtered seizures as CSV, streamed (one row per seizure)",
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV, one row per seizure."),
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
        },
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="export.csv",
        pagination_class=None,
        renderer_classes=[JSONRenderer, CSVRenderer],
    )
    def export(self, request: AuthenticatedRequest) -> StreamingHttpResponse:
        return export_response(self.filter_queryset(self.get_queryset()), user=request.user)
