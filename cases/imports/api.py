"""/api/v1/seizures/imports/: upload a file, follow its run, cancel it (API.md "Bulk import")."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, parsers, status
from rest_framework.response import Response

from cases.imports.permissions import can_import
from cases.imports.reading import FileRefused
from cases.imports.selectors import get_import_for, import_list
from cases.imports.serializers import SeizureImportSerializer, SeizureImportUploadSerializer
from cases.imports.services import import_cancel, import_confirm, import_create
from members.http import AuthenticatedAPIView, AuthenticatedRequest

REFUSED = OpenApiResponse(description='The file cannot be imported: `{"file": ["why"]}`.')


class SeizureImportListView(AuthenticatedAPIView, generics.GenericAPIView):
    serializer_class = SeizureImportSerializer
    parser_classes = [parsers.MultiPartParser, parsers.FormParser, parsers.JSONParser]

    def get_queryset(self):
        return import_list(user=self.request.user)

    @extend_schema(summary="Your agency's imports, newest first", responses=SeizureImportSerializer(many=True))
    def get(self, request: AuthenticatedRequest) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        return self.get_paginated_response(SeizureImportSerializer(page, many=True).data)

    @extend_schema(
        summary="Import seizures from a CSV or XLSX file (in the background)",
        request={"multipart/form-data": SeizureImportUploadSerializer},
        responses={202: SeizureImportSerializer, 400: REFUSED, 403: None},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        if not can_import(request.user):
            raise exceptions.PermissionDenied(_("Only officers and coordinators of a member agency import seizures."))
        upload = SeizureImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        try:
            seizure_import = import_create(
                by=request.user, upload=data["file"], dry_run=data["dry_run"], submit=data["submit"]
            )
        except FileRefused as exc:
            raise exceptions.ValidationError({exc.field: [exc.message]}) from None
        return Response(SeizureImportSerializer(seizure_import).data, status=status.HTTP_202_ACCEPTED)


class SeizureImportDetailView(AuthenticatedAPIView, generics.GenericAPIView):
    serializer_class = SeizureImportSerializer
    pagination_class = None

    @extend_schema(summary="An import's status and progress", responses={200: SeizureImportSerializer, 404: None})
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        return Response(SeizureImportSerializer(get_import_for(request.user, pk)).data)


class SeizureImportCancelView(AuthenticatedAPIView, generics.GenericAPIView):
    serializer_class = SeizureImportSerializer
    pagination_class = None

    @extend_schema(
        summary="Cancel a queued or running import (nothing of it is saved)",
        request=None,
        responses={200: SeizureImportSerializer, 404: None, 409: None},
    )
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        seizure_import = import_cancel(seizure_import=get_import_for(request.user, pk), by=request.user)
        return Response(SeizureImportSerializer(seizure_import).data)


class SeizureImportConfirmView(AuthenticatedAPIView, generics.GenericAPIView):
    serializer_class = SeizureImportSerializer
    pagination_class = None

    @extend_schema(
        summary="Run for real the file a dry run checked without errors (a new import, queued)",
        request=None,
        responses={202: SeizureImportSerializer, 404: None, 409: None},
    )
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        seizure_import = import_confirm(seizure_import=get_import_for(request.user, pk), by=request.user)
        return Response(SeizureImportSerializer(seizure_import).data, status=status.HTTP_202_ACCEPTED)
