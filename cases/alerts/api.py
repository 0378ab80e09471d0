"""/api/v1/alerts/…: parse, call one service or selector, render (API.md "Alerts")."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.alerts import permissions, selectors, services
from cases.alerts.serializers import AcknowledgeSerializer, AlertCreateSerializer, AlertSerializer
from cases.choices import AlertKind
from crackdown.api.conventions import created
from crackdown.errors import Forbidden

TAGS = ["alerts"]

LIST_PARAMETERS = [
    OpenApiParameter("box", OpenApiTypes.STR, enum=list(selectors.BOXES), description="inbox: to my agency; sent"),
    OpenApiParameter("unacknowledged", OpenApiTypes.BOOL, description="only alerts my agency has not acknowledged"),
    OpenApiParameter("kind", OpenApiTypes.STR, enum=AlertKind.values),
]

_TRUE = ("true", "1", "yes")
_FALSE = ("false", "0", "no", "")


def _list_filters(params) -> dict:
    errors: dict[str, list[str]] = {}
    box = params.get("box") or None
    if box is not None and box not in selectors.BOXES:
        errors["box"] = ["Choose inbox or sent."]
    raw = (params.get("unacknowledged") or "").lower()
    if raw not in _TRUE + _FALSE:
        errors["unacknowledged"] = ["Use true or false."]
    kind = params.get("kind") or None
    if kind is not None and kind not in AlertKind.values:
        errors["kind"] = [f"Unknown kind; one of {', '.join(AlertKind.values)}."]
    if errors:
        raise ValidationError(errors)
    return {"box": box, "unacknowledged": raw in _TRUE, "kind": kind}


@extend_schema_view(
    get=extend_schema(
        tags=TAGS, summary="Alerts to or from the caller's agency, newest first", parameters=LIST_PARAMETERS
    ),
    post=extend_schema(
        tags=TAGS,
        summary="Send a lookout, pre-arrival notice or controlled-delivery request (officers, coordinators)",
        request=AlertCreateSerializer,
        responses={201: AlertSerializer},
    ),
)
class AlertListCreate(generics.ListCreateAPIView):
    serializer_class = AlertSerializer

    def get_queryset(self):
        return selectors.alerts_for(self.request.user, **_list_filters(self.request.query_params))

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "viewer": self.request.user}

    def create(self, request: Request, *args, **kwargs) -> Response:
        # Refuse by role before reading the payload: an agency admin learns nothing from a 400.
        if not permissions.can_send_alerts(request.user):
            raise Forbidden("Only officers and coordinators send alerts.")
        payload = AlertCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            alert = services.alert_create(by=request.user, **payload.validated_data)
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict)
        alert = selectors.get_alert_for(request.user, alert.pk)
        return created(request, self.get_serializer(alert).data, "api-alert", alert.pk)


@extend_schema_view(get=extend_schema(tags=TAGS, summary="One alert"))
class AlertDetail(generics.RetrieveAPIView):
    serializer_class = AlertSerializer

    def get_object(self):
        return selectors.get_alert_for(self.request.user, self.kwargs["pk"])

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "viewer": self.request.user}


class AlertAcknowledge(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Acknowledge for the caller's agency (a user of a recipient agency; others get 404)",
        request=AcknowledgeSerializer,
        responses={200: AlertSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        alert = selectors.get_alert_for(request.user, pk)
        payload = AcknowledgeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.alert_acknowledge(alert=alert, by=request.user, outcome=payload.validated_data["outcome"])
        alert = selectors.get_alert_for(request.user, pk)
        return Response(AlertSerializer(alert, context={"viewer": request.user}).data)
