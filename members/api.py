"""API of the members app: sign-in tokens, me, agencies (+ settings) and users (API.md).

Views parse, call one selector or service, and answer; access lives in selectors/services.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import authenticate, logout, user_logged_in, user_logged_out, user_login_failed
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from crackdown.api.conventions import created
from crackdown.api.pagination import CursorPagination
from crackdown.api.throttling import ScopedRateThrottle
from crackdown.i18n import activate_for
from members import permissions, selectors, services
from members.forms import confirmed_totp_devices
from members.http import AuthenticatedRequest
from members.models import Agency, Role, User
from members.otp import otp_demo_skip, otp_required_for
from members.views import lockout_response

# --- Shared schema pieces ------------------------------------------------------------------

DetailSerializer = inline_serializer("MembersErrorDetail", fields={"detail": serializers.CharField()})
R400 = OpenApiResponse(OpenApiTypes.OBJECT, description="Invalid input: {field: [messages]} or {detail}.")
R401 = OpenApiResponse(DetailSerializer, description="No or bad token.")
R403 = OpenApiResponse(DetailSerializer, description="Visible but not allowed.")
R404 = OpenApiResponse(DetailSerializer, description="Absent or not visible to the caller.")
R429 = OpenApiResponse(DetailSerializer, description="Throttled or locked out (see Retry-After).")


class CodeOrderedPagination(CursorPagination):
    ordering = ("code",)


class EmailOrderedPagination(CursorPagination):
    ordering = ("email",)


# --- Authentication ------------------------------------------------------------------------


OTP_ENROL_FIRST = _("Two-factor sign-in is required for this account: enrol in the web application first.")


class LoginSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, write_only=True)
    otp = serializers.CharField(max_length=10, required=False, allow_blank=True, write_only=True)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expiry = serializers.DateTimeField(allow_null=True)


INVALID_LOGIN = _("Unable to sign in with these credentials.")


class LoginView(APIView):
    """Exchange e-mail, password (and TOTP code where required) for an expiring API token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"
    serializer_class = LoginSerializer

    @extend_schema(
        operation_id="auth_login",
        request=LoginSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Wrong credentials: {detail} with no hint which part; missing fields: {field: [messages]}.",
            ),
            403: R403,
            429: R429,
        },
        auth=[],
    )
    def post(self, request: Request) -> HttpResponse:
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        email = serializer.validated_data["email"].strip().lower()
        password = serializer.validated_data["password"]
        # django-axes watches the Django request: it counts failures and flags a lockout on it.
        django_request = request._request
        user = authenticate(request=django_request, username=email, password=password)
        if getattr(django_request, "axes_locked_out", False):
            return lockout_response(django_request)
        if user is None or not user.is_active or (user.agency is not None and not user.agency.is_active):
            return Response({"detail": INVALID_LOGIN}, status=status.HTTP_400_BAD_REQUEST)
        devices = confirmed_totp_devices(user)
        if not devices and otp_required_for(user) and not otp_demo_skip(user):
            # Roles that need a second factor get no token before they have enrolled one.
            return Response({"detail": OTP_ENROL_FIRST}, status=status.HTTP_403_FORBIDDEN)
        if devices:
            code = (serializer.validated_data.get("otp") or "").strip()
            if not code or not any(device.verify_token(code) for device in devices):
                # A wrong second factor counts towards the lockout like a wrong password.
                user_login_failed.send(sender=__name__, credentials={"username": email}, request=django_request)
                if getattr(django_request, "axes_locked_out", False):
                    return lockout_response(django_request)
                return Response({"detail": INVALID_LOGIN}, status=status.HTTP_400_BAD_REQUEST)
        instance, token = AuthToken.objects.create(user)
        # Logged (without the token) and resets the lockout counter.
        user_logged_in.send(sender=user.__class__, request=django_request, user=user)
        return Response(TokenSerializer({"token": token, "expiry": instance.expiry}).data)


class LogoutView(APIView):
    """End the token this request was made with (or the browser session)."""

    serializer_class = None

    @extend_schema(
        operation_id="auth_logout",
        request=None,
        responses={204: OpenApiResponse(description="Signed out; the token no longer works."), 401: R401},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        if isinstance(request.auth, AuthToken):
            request.auth.delete()
            user_logged_out.send(sender=request.user.__class__, request=request._request, user=request.user)
        else:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Me ------------------------------------------------------------------------------------


class AgencyBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["code", "name", "country"]


class MeSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField()
    agency = AgencyBriefSerializer(allow_null=True, read_only=True)
    language = serializers.SerializerMethodField()
    timezone = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "role", "agency", "is_platform_admin", "language", "timezone"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=settings.LANGUAGES, allow_null=True))
    def get_language(self, obj: User) -> str | None:
        """The saved language; null when none is chosen (Accept-Language decides)."""
        return obj.language or None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_timezone(self, obj: User) -> str | None:
        """The saved IANA zone; null when none is chosen (the agency's zone applies)."""
        return obj.timezone or None

    @extend_schema_field(serializers.ChoiceField(choices=Role.choices, allow_null=True))
    def get_role(self, obj: User) -> str | None:
        return obj.role or None


class MeUpdateSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=200, required=False)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False, allow_blank=True, allow_null=True)
    timezone = serializers.CharField(max_length=64, required=False, allow_blank=True, allow_null=True)


class MeView(APIView):
    serializer_class = MeSerializer

    @extend_schema(operation_id="me", responses={200: MeSerializer, 401: R401})
    def get(self, request: AuthenticatedRequest) -> Response:
        user = User.objects.select_related("agency").get(pk=request.user.pk)
        return Response(MeSerializer(user).data)

    @extend_schema(
        operation_id="me_update",
        request=MeUpdateSerializer,
        responses={200: MeSerializer, 400: R400, 401: R401},
    )
    def patch(self, request: AuthenticatedRequest) -> Response:
        """Change the caller's own full name, language and time zone; role and agency are not writable."""
        serializer = MeUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_update_settings(user=request.user, **serializer.validated_data)
        user = User.objects.select_related("agency").get(pk=request.user.pk)
        # The answer already speaks the language just chosen.
        activate_for(user)
        return Response(MeSerializer(user).data)


# --- Agencies ------------------------------------------------------------------------------


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["code", "name", "country", "timezone", "is_active"]


class AgencyCreateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["code", "name", "country", "timezone", "contact_email"]
        extra_kwargs = {"contact_email": {"required": False}}


class AgencyUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["name", "country", "timezone", "is_active"]
        extra_kwargs = {name: {"required": False} for name in fields}


CODE_PARAM = OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description="Agency code, e.g. KCS.")


_Op = TypeVar("_Op", bound=Callable[..., Any])


def _by_code(operation_id: str, **schema: Any) -> Callable[[_Op], _Op]:
    """The schema of an operation on one agency, addressed by its code."""
    return extend_schema(operation_id=operation_id, parameters=[CODE_PARAM], **schema)


# A list answered one page at a time by the view's pagination and serializer classes. (A comment:
# drf-spectacular would print a docstring into the subclasses' schema.)
class _PagedListView(APIView):
    serializer_class: type[serializers.BaseSerializer]
    pagination_class: type[CursorPagination]

    def paged(self, request: AuthenticatedRequest, queryset: QuerySet) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(self.serializer_class(page, many=True).data)


class AgencyListView(_PagedListView):
    serializer_class = AgencySerializer
    pagination_class = CodeOrderedPagination

    @extend_schema(
        operation_id="agencies_list",
        responses={200: AgencySerializer(many=True), 401: R401},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        return self.paged(request, selectors.agencies_list())

    @extend_schema(
        operation_id="agencies_create",
        request=AgencyCreateSerializer,
        responses={201: AgencySerializer, 400: R400, 401: R401, 403: R403},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        if not permissions.is_platform_admin(request.user):
            return Response({"detail": "Only platform admins add member agencies."}, status=status.HTTP_403_FORBIDDEN)
        serializer = AgencyCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        agency = services.agency_create(**serializer.validated_data, by=request.user)
        return created(request, AgencySerializer(agency).data, "api-agency", agency.code)


class AgencyDetailView(APIView):
    serializer_class = AgencySerializer

    @_by_code(
        "agencies_retrieve",
        responses={200: AgencySerializer, 401: R401, 404: R404},
    )
    def get(self, request: AuthenticatedRequest, code: str) -> Response:
        return Response(AgencySerializer(selectors.get_agency(code=code)).data)

    @_by_code(
        "agencies_partial_update",
        request=AgencyUpdateSerializer,
        responses={200: AgencySerializer, 400: R400, 401: R401, 403: R403, 404: R404},
    )
    def patch(self, request: AuthenticatedRequest, code: str) -> Response:
        agency = selectors.get_agency(code=code)
        if not permissions.is_platform_admin(request.user):
            return Response({"detail": "Only platform admins change member agencies."}, status=403)
        serializer = AgencyUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        agency = services.agency_update(agency=agency, by=request.user, **serializer.validated_data)
        return Response(AgencySerializer(agency).data)


class AgencySettingsSerializer(serializers.Serializer):
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    webhook_url = serializers.URLField(required=False, allow_blank=True, max_length=500)
    # Write-only: stored encrypted, never returned. An empty string removes it.
    webhook_secret = serializers.CharField(
        required=False, allow_blank=True, write_only=True, trim_whitespace=False, max_length=500
    )
    webhook_enabled = serializers.BooleanField(required=False)
    webhook_secret_set = serializers.BooleanField(read_only=True, source="has_webhook_secret")


class AgencySettingsView(APIView):
    serializer_class = AgencySettingsSerializer

    def _agency(self, request: AuthenticatedRequest, code: str) -> Agency:
        return selectors.get_agency_for_settings(user=request.user, code=code)

    @_by_code(
        "agencies_settings_retrieve",
        responses={200: AgencySettingsSerializer, 401: R401, 403: R403, 404: R404},
    )
    def get(self, request: AuthenticatedRequest, code: str) -> Response:
        # Forbidden (another agency's settings) becomes 403 in crackdown.api.exceptions.
        return Response(AgencySettingsSerializer(self._agency(request, code)).data)

    @_by_code(
        "agencies_settings_partial_update",
        request=AgencySettingsSerializer,
        responses={200: AgencySettingsSerializer, 400: R400, 401: R401, 403: R403, 404: R404},
    )
    def patch(self, request: AuthenticatedRequest, code: str) -> Response:
        agency = self._agency(request, code)
        serializer = AgencySettingsSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        agency = services.agency_settings_update(agency=agency, by=request.user, **serializer.validated_data)
        return Response(AgencySettingsSerializer(agency).data)


# --- Users ---------------------------------------------------------------------------------


class UserSerializer(serializers.ModelSerializer):
    agency: serializers.SlugRelatedField[Agency] = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "role", "agency", "is_active"]
        read_only_fields = ["id", "agency", "is_active"]


class UserCreateSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    full_name = serializers.CharField(max_length=200)
    role = serializers.ChoiceField(choices=Role.choices)
    password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=4096)
    agency = serializers.CharField(
        required=False, help_text="Optional; always the caller's own agency (anything else is refused)."
    )

    def validate_agency(self, value: str) -> str:
        own = self.context["request"].user.agency
        if own is None or value != own.code:
            raise serializers.ValidationError("A user always belongs to your own agency.")
        return value


class UserUpdateSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=200, required=False)
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    is_active = serializers.BooleanField(required=False)


def _require_user_manager(request: AuthenticatedRequest) -> Response | None:
    user = request.user
    if not permissions.is_agency_admin(user):
        return Response({"detail": "Only agency admins manage users."}, status=status.HTTP_403_FORBIDDEN)
    return None


class UserListView(_PagedListView):
    serializer_class = UserSerializer
    pagination_class = EmailOrderedPagination

    @extend_schema(
        operation_id="users_list",
        responses={200: UserSerializer(many=True), 401: R401, 403: R403},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        if (refused := _require_user_manager(request)) is not None:
            return refused
        return self.paged(request, selectors.users_visible_to(request.user))

    @extend_schema(
        operation_id="users_create",
        request=UserCreateSerializer,
        responses={201: UserSerializer, 400: R400, 401: R401, 403: R403},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        if (refused := _require_user_manager(request)) is not None:
            return refused
        serializer = UserCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("agency", None)
        user = services.user_create(**data, by=request.user)
        return created(request, UserSerializer(user).data, "api-user", user.pk)


class UserDetailView(APIView):
    serializer_class = UserSerializer

    @extend_schema(
        operation_id="users_retrieve",
        responses={200: UserSerializer, 401: R401, 403: R403, 404: R404},
    )
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        return Response(UserSerializer(selectors.get_user_for(user=request.user, pk=pk)).data)

    @extend_schema(
        operation_id="users_partial_update",
        request=UserUpdateSerializer,
        responses={200: UserSerializer, 400: R400, 401: R401, 403: R403, 404: R404},
    )
    def patch(self, request: AuthenticatedRequest, pk: int) -> Response:
        target = selectors.get_user_for(user=request.user, pk=pk)
        serializer = UserUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        target = services.user_update(user=target, by=request.user, **serializer.validated_data)
        return Response(UserSerializer(target).data)
