"""/api/v1/…/evidence/ and …/custody/: thin views over the evidence selectors and services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, parsers, status
from rest_framework.request import Request
from rest_framework.response import Response

from cases.evidence import services
from cases.evidence.downloads import INTEGRITY_FAILED, download_response
from cases.evidence.files import ALLOWED_TYPES
from cases.evidence.models import CustodyEntry, Evidence
from cases.evidence.selectors import custody_of, evidence_of, get_custody_entry, get_evidence_for
from cases.evidence.serializers import (
    CustodyEntrySerializer,
    EvidenceFormSerializer,
    EvidenceSerializer,
    EvidenceUploadSerializer,
)
from cases.evidence.uploads import use_evidence_handlers
from cases.seizures.selectors import get_seizure_for
from crackdown.api.pagination import CursorPagination
from crackdown.errors import Conflict
from members.http import AuthenticatedAPIView, AuthenticatedRequest

SEIZURE_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Seizure id.")
EVIDENCE_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Evidence file id.")
BAD_INPUT = OpenApiResponse(OpenApiTypes.OBJECT, description='Bad input: `{"field": ["message"]}`.')
NOT_FOUND = OpenApiResponse(OpenApiTypes.OBJECT, description="Absent or not visible to the caller.")
FORBIDDEN = OpenApiResponse(OpenApiTypes.OBJECT, description="Visible, but the caller may not do this.")


def _field_errors(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(exc.message_dict)
    return exceptions.ValidationError({"detail": exc.messages})


class EvidencePagination(CursorPagination):
    ordering = ("uploaded_at", "id")


class CustodyPagination(CursorPagination):
    ordering = ("at", "id")


class SeizureEvidenceView(AuthenticatedAPIView):
    """A seizure's evidence files: list, and upload one (multipart, streamed, hashed, sniffed)."""

    parser_classes = [parsers.MultiPartParser]
    pagination_class = EvidencePagination

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
        # Before authentication: a session's CSRF check reads request.POST, hence the files.
        if request.method == "POST":
            use_evidence_handlers(request)
        return super().initialize_request(request, *args, **kwargs)

    @extend_schema(
        operation_id="seizures_evidence_list",
        parameters=[SEIZURE_ID],
        responses={200: EvidenceSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request: AuthenticatedRequest, pk: str) -> Response:
        seizure = get_seizure_for(request.user, pk, details=False)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(evidence_of(seizure), request, view=self)
        return paginator.get_paginated_response(EvidenceSerializer(page, many=True).data)

    @extend_schema(
        operation_id="seizures_evidence_create",
        parameters=[SEIZURE_ID],
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={
            201: EvidenceSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            413: OpenApiResponse(OpenApiTypes.OBJECT, description="Above the size limit (25 MB by default)."),
            415: OpenApiResponse(OpenApiTypes.OBJECT, description="A type outside the allowed list."),
        },
    )
    def post(self, request: AuthenticatedRequest, pk: str) -> Response:
        seizure = get_seizure_for(request.user, pk, write=True, details=False)
        files = request.FILES.getlist("file")
        form = EvidenceFormSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            rows = services.evidence_upload(
                seizure=seizure,
                by=request.user,
                files=files,
                kind=form.validated_data["kind"],
                description=form.validated_data["description"],
            )
        except DjangoValidationError as exc:
            raise _field_errors(exc) from None
        finally:
            for file in files:
                file.close()
        evidence = Evidence.objects.select_related("uploaded_by").get(pk=rows[0].pk)
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


class EvidenceDetailView(AuthenticatedAPIView):
    """One evidence file: read it, or delete it while its seizure is a draft."""

    @extend_schema(
        operation_id="evidence_retrieve",
        parameters=[EVIDENCE_ID],
        responses={200: EvidenceSerializer, 404: NOT_FOUND},
    )
    def get(self, request: AuthenticatedRequest, pk: str) -> Response:
        return Response(EvidenceSerializer(get_evidence_for(request.user, pk)).data)

    @extend_schema(
        operation_id="evidence_destroy",
        parameters=[EVIDENCE_ID],
        responses={
            204: None,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: OpenApiResponse(OpenApiTypes.OBJECT, description="The seizure is submitted or verified."),
        },
    )
    def delete(self, request: AuthenticatedRequest, pk: str) -> Response:
        evidence = get_evidence_for(request.user, pk, write=True)
        services.evidence_delete(evidence=evidence, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EvidenceDownloadView(AuthenticatedAPIView):
    """The file's bytes, checked against the SHA-256 recorded at upload (sent as Repr-Digest)."""

    @extend_schema(
        operation_id="evidence_download",
        parameters=[EVIDENCE_ID],
        responses={
            # Served with the type read from the bytes at upload: one of the allowed types.
            **{(200, content_type): OpenApiTypes.BINARY for content_type in sorted(ALLOWED_TYPES)},
            404: NOT_FOUND,
            409: OpenApiResponse(OpenApiTypes.OBJECT, description="The stored file no longer matches its hash."),
        },
    )
    def get(self, request: AuthenticatedRequest, pk: str) -> HttpResponse | StreamingHttpResponse:
        evidence = get_evidence_for(request.user, pk)
        if not services.evidence_check_download(evidence=evidence, by=request.user):
            raise Conflict(INTEGRITY_FAILED)
        return download_response(evidence)


class SeizureCustodyView(AuthenticatedAPIView):
    """A seizure's chain of custody: read it, append an entry (never change one)."""

    pagination_class = CustodyPagination
    serializer_class = CustodyEntrySerializer

    @extend_schema(
        operation_id="seizures_custody_list",
        parameters=[SEIZURE_ID],
        responses={200: CustodyEntrySerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request: AuthenticatedRequest, pk: str) -> Response:
        seizure = get_seizure_for(request.user, pk, details=False)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(custody_of(seizure), request, view=self)
        return paginator.get_paginated_response(CustodyEntrySerializer(page, many=True).data)

    @extend_schema(
        operation_id="seizures_custody_create",
        parameters=[SEIZURE_ID],
        request=CustodyEntrySerializer,
        responses={201: CustodyEntrySerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request: AuthenticatedRequest, pk: str) -> Response:
        seizure = get_seizure_for(request.user, pk, write=True, details=False)
        serializer = CustodyEntrySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            entry = services.custody_record(seizure=seizure, by=request.user, data=serializer.validated_data)
        except DjangoValidationError as exc:
            raise _field_errors(exc) from None
        return Response(
            CustodyEntrySerializer(get_custody_entry(seizure, entry.pk)).data, status=status.HTTP_201_CREATED
        )


class CustodyEntryView(AuthenticatedAPIView):
    """One custody entry. It has no PATCH, PUT or DELETE: the record is append-only (405)."""

    @extend_schema(
        operation_id="seizures_custody_retrieve",
        parameters=[SEIZURE_ID, OpenApiParameter("entry", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={200: CustodyEntrySerializer, 404: NOT_FOUND},
    )
    def get(self, request: AuthenticatedRequest, pk: str, entry: str) -> Response:
        seizure = get_seizure_for(request.user, pk, details=False)
        found: CustodyEntry = get_custody_entry(seizure, entry)
        return Response(CustodyEntrySerializer(found).data)
