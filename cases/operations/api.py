"""/api/v1/operations/… and /api/v1/assignments/…: parse, call one service, render.

Access: `selectors.get_operation_for` answers 404 for what the caller's agency was never
invited to; the services and `permissions.require_board` answer 403 for what its role or
answer does not allow; wrong states answer 409 (crackdown.api.exceptions).
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, renderers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.operations import permissions, selectors, services
from cases.operations import report as report_module
from cases.operations.models import Assignment, OperationMessage
from cases.operations.serializers import (
    AssignmentSerializer,
    AssignmentUpdateSerializer,
    InviteSerializer,
    LinkSeizureSerializer,
    MessageSerializer,
    OperationSerializer,
    ReportSerializer,
    RespondSerializer,
)
from cases.seizures.models import Seizure
from crackdown.api.pagination import CursorPagination
from crackdown.api.renderers import JSONRenderer
from crackdown.errors import Forbidden
from members.http import AuthenticatedAPIView, AuthenticatedRequest

TAGS = ["operations"]


class MessagePagination(CursorPagination):
    ordering = ("-created_at", "-id")


@extend_schema_view(
    get=extend_schema(tags=TAGS, summary="Operations the caller's agency leads or was invited to"),
    post=extend_schema(tags=TAGS, summary="Create an operation led by the caller's agency (coordinators)"),
)
class OperationListCreate(AuthenticatedAPIView, generics.ListCreateAPIView):
    serializer_class = OperationSerializer

    def get_queryset(self):
        return selectors.operations_visible_to(self.request.user)

    def create(self, request: Request, *args, **kwargs) -> Response:
        # Refuse by role before looking at the payload: an officer learns nothing from a 400.
        if not permissions.can_create_operation(self.request.user):
            raise Forbidden("Only a coordinator creates a joint operation.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        operation = services.operation_create(by=self.request.user, **serializer.validated_data)
        operation = selectors.get_operation_for(self.request.user, operation.pk)
        return Response(self.get_serializer(operation).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(tags=TAGS, summary="One operation"),
    patch=extend_schema(tags=TAGS, summary="Change the plan (lead coordinators; 409 once closed or cancelled)"),
)
class OperationDetail(AuthenticatedAPIView, generics.RetrieveUpdateAPIView):
    serializer_class = OperationSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return selectors.get_operation_for(self.request.user, self.kwargs["pk"])

    def update(self, request: Request, *args, **kwargs) -> Response:
        operation = self.get_object()
        permissions.require_lead_coordinator(self.request.user, operation)
        serializer = self.get_serializer(operation, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.operation_update(operation=operation, by=self.request.user, **serializer.validated_data)
        return Response(self.get_serializer(selectors.get_operation_for(self.request.user, operation.pk)).data)


class _OperationAction(APIView):
    """POST …/{id}/<action>/ → the operation as it is afterwards."""

    def _done(self, request: AuthenticatedRequest, pk: int) -> Response:
        return Response(OperationSerializer(selectors.get_operation_for(request.user, pk)).data)


@extend_schema(tags=TAGS, request=InviteSerializer, responses=OperationSerializer, summary="Invite agencies")
class OperationInvite(_OperationAction):
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        operation = selectors.get_operation_for(request.user, pk)
        permissions.require_lead_coordinator(request.user, operation)
        serializer = InviteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.operation_invite(operation=operation, by=request.user, **serializer.validated_data)
        return self._done(request, pk)


@extend_schema(tags=TAGS, request=RespondSerializer, responses=OperationSerializer, summary="Accept or decline")
class OperationRespond(_OperationAction):
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        operation = selectors.get_operation_for(request.user, pk)
        serializer = RespondSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.operation_respond(operation=operation, accept=serializer.validated_data["accept"], by=request.user)
        return self._done(request, pk)


def _lifecycle_view(service, summary: str):
    @extend_schema(tags=TAGS, request=None, responses=OperationSerializer, summary=summary)
    class View(_OperationAction):
        def post(self, request: AuthenticatedRequest, pk: int) -> Response:
            operation = selectors.get_operation_for(request.user, pk)
            service(operation=operation, by=request.user)
            return self._done(request, pk)

    View.__name__ = View.__qualname__ = f"Operation{service.__name__.split('_')[-1].title()}"
    return View


OperationActivate = _lifecycle_view(services.operation_activate, "planned → active (lead coordinators)")
OperationClose = _lifecycle_view(services.operation_close, "active → closed (lead coordinators)")
OperationCancel = _lifecycle_view(services.operation_cancel, "planned|active → cancelled (lead coordinators)")


@extend_schema_view(
    get=extend_schema(tags=TAGS, summary="Assignments of the operation (accepted participants)"),
    post=extend_schema(tags=TAGS, summary="Assign work to an accepted participant (lead coordinators)"),
)
class OperationAssignments(AuthenticatedAPIView, generics.ListCreateAPIView):
    serializer_class = AssignmentSerializer

    def get_operation(self):
        operation = selectors.get_operation_for(self.request.user, self.kwargs["pk"])
        permissions.require_board(self.request.user, operation)
        return operation

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        return selectors.operation_assignments(self.get_operation())

    def create(self, request: Request, *args, **kwargs) -> Response:
        operation = self.get_operation()
        permissions.require_lead_coordinator(self.request.user, operation)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assignment = services.assignment_create(operation=operation, by=self.request.user, **serializer.validated_data)
        return Response(self.get_serializer(assignment).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(tags=TAGS, summary="One assignment"),
    patch=extend_schema(
        tags=TAGS,
        request=AssignmentUpdateSerializer,
        summary="The assigned agency moves it on (status, outcome, assignee); the lead may cancel",
    ),
)
class AssignmentDetail(AuthenticatedAPIView, generics.RetrieveUpdateAPIView):
    serializer_class = AssignmentSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return selectors.get_assignment_for(self.request.user, self.kwargs["pk"])

    def update(self, request: Request, *args, **kwargs) -> Response:
        assignment = self.get_object()
        serializer = AssignmentUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "assignee" not in data:
            data["assignee"] = services.UNCHANGED
        assignment = services.assignment_update(assignment=assignment, by=self.request.user, **data)
        return Response(AssignmentSerializer(assignment).data)


@extend_schema_view(
    get=extend_schema(tags=TAGS, summary="The operation's message thread, newest first"),
    post=extend_schema(tags=TAGS, summary="Post to the thread (accepted participants and observers)"),
)
class OperationMessages(AuthenticatedAPIView, generics.ListCreateAPIView):
    serializer_class = MessageSerializer
    pagination_class = MessagePagination

    def get_operation(self):
        operation = selectors.get_operation_for(self.request.user, self.kwargs["pk"])
        permissions.require_board(self.request.user, operation)
        return operation

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return OperationMessage.objects.none()
        return selectors.operation_messages(self.get_operation())

    def create(self, request: Request, *args, **kwargs) -> Response:
        operation = self.get_operation()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = services.message_post(
            operation=operation, body=serializer.validated_data["body"], by=self.request.user
        )
        return Response(self.get_serializer(message).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS, responses=ReportSerializer, summary="After-action report over the seizures you may see")
class OperationReport(APIView):
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        operation = selectors.get_operation_for(request.user, pk)
        permissions.require_board(request.user, operation)
        report = report_module.operation_report(operation=operation, user=request.user)
        return Response(ReportSerializer(report).data)


class CSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, str | bytes):
            return data
        # Errors (403/404) reach here as dicts: say them plainly.
        return str(data.get("detail", data) if isinstance(data, dict) else data)


@extend_schema(
    tags=TAGS,
    responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The report as CSV")},
    summary="After-action report as CSV",
)
class OperationReportCSV(APIView):
    # JSON first: errors (401/403/404) answer in the contract's {"detail"} shape; the report
    # itself is an HttpResponse in CSV whatever was negotiated.
    renderer_classes = [JSONRenderer, CSVRenderer]

    def get(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        operation = selectors.get_operation_for(request.user, pk)
        permissions.require_board(request.user, operation)
        report = report_module.operation_report(operation=operation, user=request.user)
        response = HttpResponse(report_module.report_csv(report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{operation.code}-report.csv"'
        return response


def _own_seizure(request: AuthenticatedRequest) -> Seizure:
    serializer = LinkSeizureSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    try:
        return Seizure.objects.visible_to(request.user).get(pk=serializer.validated_data["seizure"])
    except Seizure.DoesNotExist:
        raise ValidationError({"seizure": ["No such seizure."]})


@extend_schema(
    tags=TAGS,
    request=LinkSeizureSerializer,
    responses=OperationSerializer,
    summary="Link one of your agency's seizures (agencies that accepted)",
)
class OperationLinkSeizure(_OperationAction):
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        operation = selectors.get_operation_for(request.user, pk)
        permissions.require_board(request.user, operation)
        services.operation_link_seizure(operation=operation, seizure=_own_seizure(request), by=request.user)
        return self._done(request, pk)


@extend_schema(
    tags=TAGS,
    request=LinkSeizureSerializer,
    responses=OperationSerializer,
    summary="Take one of your agency's seizures out of the operation",
)
class OperationUnlinkSeizure(_OperationAction):
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        operation = selectors.get_operation_for(request.user, pk)
        permissions.require_board(request.user, operation)
        services.operation_unlink_seizure(operation=operation, seizure=_own_seizure(request), by=request.user)
        return self._done(request, pk)
