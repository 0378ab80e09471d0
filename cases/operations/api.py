"""/api/v1/operations/… and /api/v1/assignments/…: parse, call one service, render.

Access: `selectors.get_operation_for` answers 404 for what the caller's agency was never
invited to; the services and `permissions.require_board` answer 403 for what its role or
answer does not allow; wrong states answer 409 (crackdown.api.exceptions).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, renderers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.operations import permissions, selectors, services
from cases.operations import report as report_module
from cases.operations.models import Assignment, JointOperation, OperationMessage
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
from crackdown.api.conventions import created, if_match, with_etag
from crackdown.api.pagination import CursorPagination
from crackdown.api.renderers import JSONRenderer
from crackdown.errors import Forbidden
from members.http import AuthenticatedAPIView, AuthenticatedRequest

TAGS = ["operations"]
_M = TypeVar("_M", bound=Model)


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
        return with_etag(
            created(request, self.get_serializer(operation).data, "api-operation", operation.pk), operation
        )


# One object by id through its access-checked lookup; no PUT, a change is always partial.
class _Detail(AuthenticatedAPIView, generics.RetrieveUpdateAPIView[_M]):
    http_method_names = ["get", "patch", "head", "options"]
    lookup: Callable[[Any, Any], _M]

    def get_object(self) -> _M:
        return type(self).lookup(self.request.user, self.kwargs["pk"])


@extend_schema_view(
    get=extend_schema(tags=TAGS, summary="One operation"),
    patch=extend_schema(tags=TAGS, summary="Change the plan (lead coordinators; 409 once closed or cancelled)"),
)
class OperationDetail(_Detail[JointOperation]):
    serializer_class = OperationSerializer
    lookup = staticmethod(selectors.get_operation_for)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        operation = self.get_object()
        return with_etag(Response(self.get_serializer(operation).data), operation)

    def update(self, request: Request, *args, **kwargs) -> Response:
        operation = self.get_object()
        permissions.require_lead_coordinator(self.request.user, operation)
        serializer = self.get_serializer(operation, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            # A stale If-Match → 412, checked under the row lock the write then holds.
            if_match(request, JointOperation.objects.all(), operation.pk)
            services.operation_update(operation=operation, by=self.request.user, **serializer.validated_data)
        operation = selectors.get_operation_for(self.request.user, operation.pk)
        return with_etag(Response(self.get_serializer(operation).data), operation)


class _OperationAction(APIView):
    """POST …/{id}/<action>/ → the operation as it is afterwards."""

    def _done(self, request: AuthenticatedRequest, pk: int) -> Response:
        operation = selectors.get_operation_for(request.user, pk)
        return with_etag(Response(OperationSerializer(operation).data), operation)


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


# A list on an operation's board: its rows are seen by the agencies that accepted. (A comment,
# not a docstring: drf-spectacular would print a docstring into each subclass's schema.)
class _BoardList(AuthenticatedAPIView, generics.ListCreateAPIView):
    def get_operation(self) -> JointOperation:
        return selectors.get_board_for(self.request.user, self.kwargs["pk"])

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return super().get_queryset()
        return self.board_rows(self.get_operation())

    def board_rows(self, operation: JointOperation) -> QuerySet:
        raise NotImplementedError

    def check_post(self, operation: JointOperation) -> None:
        """Refuse by role before reading the payload: who may not post learns nothing from a 400."""

    def board_post(self, operation: JointOperation, data: dict[str, Any]) -> Model:
        raise NotImplementedError

    def create(self, request: Request, *args, **kwargs) -> Response:
        operation = self.get_operation()
        self.check_post(operation)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = self.board_post(operation, serializer.validated_data)
        return created(request, self.get_serializer(row).data, *self.location(operation, row))

    def location(self, operation: JointOperation, row: Model) -> tuple[str, int]:
        """The URL name and argument of a new row's Location."""
        raise NotImplementedError


@extend_schema_view(
    get=extend_schema(tags=TAGS, summary="Assignments of the operation (accepted participants)"),
    post=extend_schema(tags=TAGS, summary="Assign work to an accepted participant (lead coordinators)"),
)
class OperationAssignments(_BoardList):
    serializer_class = AssignmentSerializer
    queryset = Assignment.objects.none()  # what the schema generator sees; requests use board_rows

    def board_rows(self, operation: JointOperation) -> QuerySet:
        return selectors.operation_assignments(operation)

    def check_post(self, operation: JointOperation) -> None:
        permissions.require_lead_coordinator(self.request.user, operation)

    def board_post(self, operation: JointOperation, data: dict[str, Any]) -> Model:
        return services.assignment_create(operation=operation, by=self.request.user, **data)

    def location(self, operation: JointOperation, row: Model) -> tuple[str, int]:
        return "api-assignment", row.pk


@extend_schema_view(
    get=extend_schema(tags=TAGS, summary="One assignment"),
    patch=extend_schema(
        tags=TAGS,
        request=AssignmentUpdateSerializer,
        summary="The assigned agency moves it on (status, outcome, assignee); the lead may cancel",
    ),
)
class AssignmentDetail(_Detail[Assignment]):
    serializer_class = AssignmentSerializer
    lookup = staticmethod(selectors.get_assignment_for)

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
class OperationMessages(_BoardList):
    serializer_class = MessageSerializer
    pagination_class = MessagePagination
    queryset = OperationMessage.objects.none()  # what the schema generator sees; requests use board_rows

    def board_rows(self, operation: JointOperation) -> QuerySet:
        return selectors.operation_messages(operation)

    def board_post(self, operation: JointOperation, data: dict[str, Any]) -> Model:
        return services.message_post(operation=operation, body=data["body"], by=self.request.user)

    def location(self, operation: JointOperation, row: Model) -> tuple[str, int]:
        # A message has no URL of its own: the thread it was posted to.
        return "api-operation-messages", operation.pk


@extend_schema(tags=TAGS, responses=ReportSerializer, summary="After-action report over the seizures you may see")
class OperationReport(APIView):
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        operation = selectors.get_board_for(request.user, pk)
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
        operation = selectors.get_board_for(request.user, pk)
        report = report_module.operation_report(operation=operation, user=request.user)
        return report_module.report_csv_response(report)


def _own_seizure(request: AuthenticatedRequest) -> Seizure:
    serializer = LinkSeizureSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    try:
        return Seizure.objects.visible_to(request.user).get(pk=serializer.validated_data["seizure"])
    except Seizure.DoesNotExist:
        raise ValidationError({"seizure": ["No such seizure."]})


def _link_view(name: str, service: Callable[..., Seizure], summary: str) -> type[APIView]:
    @extend_schema(tags=TAGS, request=LinkSeizureSerializer, responses=OperationSerializer, summary=summary)
    class View(_OperationAction):
        def post(self, request: AuthenticatedRequest, pk: int) -> Response:
            operation = selectors.get_board_for(request.user, pk)
            service(operation=operation, seizure=_own_seizure(request), by=request.user)
            return self._done(request, pk)

    View.__name__ = View.__qualname__ = name
    return View


OperationLinkSeizure = _link_view(
    "OperationLinkSeizure",
    services.operation_link_seizure,
    "Link one of your agency's seizures (agencies that accepted)",
)
OperationUnlinkSeizure = _link_view(
    "OperationUnlinkSeizure",
    services.operation_unlink_seizure,
    "Take one of your agency's seizures out of the operation",
)
