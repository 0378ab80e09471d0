"""/api/v1/lookouts/: thin views over the lookout selectors and services (API.md "Lookouts")."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response

from cases.lookouts import services
from cases.lookouts.models import Hit, Lookout, LookoutStatus, LookoutValue
from cases.lookouts.selectors import get_hit_for, get_lookout_for, hit_queryset, hit_row, lookout_list
from cases.lookouts.serializers import (
    HitAccessRequestSerializer,
    HitSerializer,
    LookoutSerializer,
    LookoutWriteSerializer,
)
from cases.seizures.inputs import nest_errors
from members.http import AuthenticatedAPIView, AuthenticatedRequest

BAD_INPUT = OpenApiResponse(OpenApiTypes.OBJECT, description='Bad input: `{"field": ["message"]}`.')
LOOKOUT_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Lookout id.")


def _field_errors(exc: DjangoValidationError, data) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(nest_errors(exc.message_dict, data if isinstance(data, dict) else {}))
    return exceptions.ValidationError({"detail": exc.messages})


def _with_details(qs):
    return qs.prefetch_related("shared_with", Prefetch("values", queryset=LookoutValue.objects.order_by("position")))


def _represent(lookout: Lookout, *, user, code: int = status.HTTP_200_OK) -> Response:
    fresh = _with_details(Lookout.objects.select_related("agency", "created_by")).get(pk=lookout.pk)
    return Response(LookoutSerializer(fresh).data, status=code)


class LookoutFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=LookoutStatus.choices, required=False)
    mine = serializers.BooleanField(required=False)


class LookoutListView(AuthenticatedAPIView, generics.GenericAPIView):
    serializer_class = LookoutSerializer
    queryset = Lookout.objects.none()  # every read starts from visible_to(user) in the selectors

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Lookout.objects.none()
        # An unknown status or `mine` is refused (400), not read as "no filter".
        filters = LookoutFilterSerializer(data=self.request.query_params.dict())
        filters.is_valid(raise_exception=True)
        chosen = filters.validated_data
        return _with_details(lookout_list(user=self.request.user, status=chosen.get("status"), mine=chosen.get("mine")))

    @extend_schema(
        summary="Lookouts of the caller's agency and those shared with it, newest first",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=LookoutStatus.values),
            OpenApiParameter("mine", OpenApiTypes.BOOL, description="Only the own agency's (true) or others' (false)."),
        ],
        responses={200: LookoutSerializer(many=True)},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        return self.get_paginated_response(LookoutSerializer(page, many=True).data)

    @extend_schema(
        summary="Create a lookout for the caller's agency (officers and coordinators)",
        request=LookoutWriteSerializer,
        responses={201: LookoutSerializer, 400: BAD_INPUT, 403: None},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        try:
            lookout = services.lookout_create(by=request.user, data=request.data)
        except DjangoValidationError as exc:
            raise _field_errors(exc, request.data) from None
        return _represent(lookout, user=request.user, code=status.HTTP_201_CREATED)


class LookoutDetailView(AuthenticatedAPIView, generics.GenericAPIView):
    serializer_class = LookoutSerializer
    pagination_class = None

    @extend_schema(summary="A lookout", parameters=[LOOKOUT_ID], responses={200: LookoutSerializer, 404: None})
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        return _represent(get_lookout_for(request.user, pk), user=request.user)

    @extend_schema(
        summary="Change a lookout (its agency's officers and coordinators); `values` replace the list",
        parameters=[LOOKOUT_ID],
        request=LookoutWriteSerializer(partial=True),
        responses={200: LookoutSerializer, 400: BAD_INPUT, 403: None, 404: None, 409: None},
    )
    def patch(self, request: AuthenticatedRequest, pk: int) -> Response:
        lookout = get_lookout_for(request.user, pk)
        try:
            lookout = services.lookout_update(lookout=lookout, by=request.user, data=request.data)
        except DjangoValidationError as exc:
            raise _field_errors(exc, request.data) from None
        return _represent(lookout, user=request.user)


class LookoutWithdrawView(AuthenticatedAPIView, generics.GenericAPIView):
    serializer_class = LookoutSerializer
    pagination_class = None

    @extend_schema(
        summary="Withdraw an active lookout",
        parameters=[LOOKOUT_ID],
        request=None,
        responses={200: LookoutSerializer, 403: None, 404: None, 409: None},
    )
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        lookout = get_lookout_for(request.user, pk)
        return _represent(services.lookout_withdraw(lookout=lookout, by=request.user), user=request.user)


class LookoutHitListView(AuthenticatedAPIView, generics.GenericAPIView):
    serializer_class = HitSerializer
    queryset = Hit.objects.none()  # the hits are read through the selectors

    @extend_schema(
        summary="A lookout's hits, newest first; blind where the reader may not see the seizure",
        parameters=[LOOKOUT_ID],
        responses={200: HitSerializer(many=True), 404: None},
    )
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        lookout = get_lookout_for(request.user, pk)
        # Queries: 1 page of hits with the reader's visibility and access requests as EXISTS.
        page = self.paginate_queryset(hit_queryset(lookout, user=request.user))
        assert page is not None
        rows = [hit_row(hit, lookout=lookout) for hit in page]
        return self.get_paginated_response(HitSerializer(rows, many=True).data)


class HitAccessRequestView(AuthenticatedAPIView, generics.GenericAPIView):
    serializer_class = HitAccessRequestSerializer
    pagination_class = None

    @extend_schema(
        summary="Ask the owner of a blind hit's seizure to share it (the access request of matches)",
        parameters=[LOOKOUT_ID, OpenApiParameter("hit", OpenApiTypes.INT, OpenApiParameter.PATH)],
        request=None,
        responses={201: HitAccessRequestSerializer, 403: None, 404: None, 409: None},
    )
    def post(self, request: AuthenticatedRequest, pk: int, hit: int) -> Response:
        lookout = get_lookout_for(request.user, pk)
        access_request = services.hit_access_request(hit=get_hit_for(request.user, lookout, hit), by=request.user)
        return Response(HitAccessRequestSerializer(access_request).data, status=status.HTTP_201_CREATED)
