"""/api/v1/controlled-deliveries/…: parse, call one service, render.

Access: `selectors.get_delivery_for` answers 404 for agencies not on the delivery; the
services answer 403 for a wrong agency or role and 409 for a wrong state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.deliveries import permissions, selectors, services
from cases.deliveries.serializers import (
    ControlledDeliverySerializer,
    DeliveryAbortSerializer,
    DeliveryCompleteSerializer,
    DeliveryHandoverSerializer,
    DeliveryRequestSerializer,
    DeliveryRespondSerializer,
)
from cases.operations.models import JointOperation
from cases.seizures.inputs import nest_errors
from crackdown.errors import Forbidden
from members.http import AuthenticatedAPIView, AuthenticatedRequest

TAGS = ["controlled deliveries"]


def _service_errors(call: Callable[[], Any], data: Any) -> Any:
    """Run a service; its ValidationError keyed "legs.0.eta" answers in the API's nested shape."""
    try:
        return call()
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise ValidationError(nest_errors(exc.message_dict, data if isinstance(data, dict) else None))
        raise


def _as_rows(errors: Any) -> Any:
    """DRF keys a list's row errors by index ({"0": {...}}); the contract answers a list per row."""
    if isinstance(errors, dict):
        if errors and all(str(key).isdigit() for key in errors):
            size = max(int(key) for key in errors) + 1
            return [_as_rows(errors.get(index, errors.get(str(index), {}))) for index in range(size)]
        return {key: _as_rows(value) for key, value in errors.items()}
    return errors


def _valid(serializer: Any) -> dict[str, Any]:
    if not serializer.is_valid():
        raise ValidationError(_as_rows(serializer.errors))
    return serializer.validated_data


@extend_schema_view(
    get=extend_schema(tags=TAGS, summary="Controlled deliveries your agency requested or is on"),
    post=extend_schema(
        tags=TAGS,
        request=DeliveryRequestSerializer,
        responses={201: ControlledDeliverySerializer},
        summary="Request a controlled delivery (coordinators)",
    ),
)
class DeliveryListCreate(AuthenticatedAPIView, generics.ListCreateAPIView):
    serializer_class = ControlledDeliverySerializer

    def get_queryset(self):
        return selectors.deliveries_visible_to(self.request.user)

    def create(self, request: Request, *args, **kwargs) -> Response:
        if not permissions.can_request(self.request.user):
            raise Forbidden("Only a coordinator requests a controlled delivery.")
        data = _valid(DeliveryRequestSerializer(data=request.data))
        operation = None
        if data.get("operation") is not None:
            operation = JointOperation.objects.visible_to(self.request.user).filter(pk=data["operation"]).first()
            if operation is None:
                raise ValidationError({"operation": ["No such joint operation."]})
        consignment = data["consignment"]
        delivery = _service_errors(
            lambda: services.delivery_request(
                by=self.request.user,
                operation=operation,
                legal_basis=data["legal_basis"],
                description=consignment["description"],
                drug=consignment["drug"],
                estimated_quantity=consignment["estimated_quantity"],
                unit=consignment["unit"],
                identifiers=consignment.get("identifiers", []),
                legs=[dict(leg) for leg in data["legs"]],
            ),
            request.data,
        )
        delivery = selectors.get_delivery_for(self.request.user, delivery.pk)
        response = Response(ControlledDeliverySerializer(delivery).data, status=status.HTTP_201_CREATED)
        response["Location"] = f"/api/v1/controlled-deliveries/{delivery.pk}/"
        return response


@extend_schema(tags=TAGS, summary="One controlled delivery with its legs and timeline")
class DeliveryDetail(AuthenticatedAPIView, generics.RetrieveAPIView):
    serializer_class = ControlledDeliverySerializer

    def get_object(self):
        return selectors.get_delivery_for(self.request.user, self.kwargs["pk"])


def _action_view(
    name: str,
    serializer_class: type | None,
    act: Callable[..., Any],
    allowed: Callable[[Any, Any], bool],
    summary: str,
) -> type[APIView]:
    @extend_schema(tags=TAGS, request=serializer_class, responses=ControlledDeliverySerializer, summary=summary)
    class View(APIView):
        def post(self, request: AuthenticatedRequest, pk: int) -> Response:
            delivery = selectors.get_delivery_for(request.user, pk)
            # Refuse by agency and role before reading the payload: who may not act learns nothing from a 400.
            if not allowed(request.user, delivery):
                raise Forbidden("Your agency or role may not do this on the controlled delivery.")
            data: dict[str, Any] = {}
            if serializer_class is not None:
                data = dict(_valid(serializer_class(data=request.data)))
            _service_errors(lambda: act(delivery=delivery, by=request.user, **data), request.data)
            return Response(ControlledDeliverySerializer(selectors.get_delivery_for(request.user, pk)).data)

    View.__name__ = View.__qualname__ = name
    return View


DeliveryRespond = _action_view(
    "DeliveryRespond",
    DeliveryRespondSerializer,
    services.delivery_respond,
    permissions.can_respond,
    "Accept or decline your agency's legs (a coordinator of an agency on the route)",
)
DeliveryDepart = _action_view(
    "DeliveryDepart",
    None,
    services.delivery_depart,
    permissions.is_requesting_coordinator,
    "accepted → in transit (requesting agency's coordinators)",
)
DeliveryHandover = _action_view(
    "DeliveryHandover",
    DeliveryHandoverSerializer,
    services.delivery_handover,
    permissions.can_respond,
    "Record a leg's handover (a coordinator of that leg's agency)",
)
DeliveryComplete = _action_view(
    "DeliveryComplete",
    DeliveryCompleteSerializer,
    services.delivery_complete,
    permissions.is_requesting_coordinator,
    "in transit → completed, with the resulting seizures (requesting agency's coordinators)",
)
DeliveryAbort = _action_view(
    "DeliveryAbort",
    DeliveryAbortSerializer,
    services.delivery_abort,
    permissions.is_requesting_coordinator,
    "Abort with a reason (requesting agency's coordinators)",
)
