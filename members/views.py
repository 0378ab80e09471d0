"""Members pages: sign-in and sign-out, password change, the agency page, platform agencies.

Views parse input, call one selector or service and render; access is decided in the
selectors and services (404 for the invisible, 403 for the visible but not allowed).
"""

from __future__ import annotations

from typing import Any, TypeVar

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from crackdown.errors import Forbidden
from crackdown.i18n import LANGUAGE_CODES, activate_for
from members import permissions, selectors, services
from members.forms import (
    AgencyCreateForm,
    AgencySettingsForm,
    EmailAuthenticationForm,
    MySettingsForm,
    UserCreateForm,
    UserEditForm,
    add_service_errors,
    apply_service,
    confirmed_totp_devices,
)
from members.http import AuthenticatedHttpRequest
from members.models import Agency

F = TypeVar("F", bound=Form)


def lockout_response(request: HttpRequest, credentials=None, *args, **kwargs) -> HttpResponse:
    """Answer of a locked-out sign-in: 429 with Retry-After, JSON for the API, a page otherwise."""
    retry_after = "1800"
    message = _("Too many failed sign-ins. This account is locked for 30 minutes.")
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "members/locked.html", {"message": message}, status=429)
    response["Retry-After"] = retry_after
    return response


# --- Sign-in, sign-out, password ----------------------------------------------------------


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "members/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.otp_device is not None:
            # Mark the session as verified by the second factor (django_otp's is_verified()).
            django_otp.login(self.request, form.otp_device)
        return response


class LogoutView(auth_views.LogoutView):
    """POST only (Django's LogoutView refuses GET): a link cannot sign anyone out."""


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "members/password_change.html"
    success_url = reverse_lazy("members:agency")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password was changed."))
        return response


# --- The user's own settings and language --------------------------------------------------


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The layout's language switch (before sign-in too): Django's cookie and redirect, and for
    a signed-in user the choice saved to the account, so it follows them to every device."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if user.is_authenticated and language in LANGUAGE_CODES:
        services.user_update_settings(user=user, language=language)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def my_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """My settings: name, language and time zone here; links to password, two-factor sign-in,
    sessions and (for an agency admin) the agency's alert e-mail preferences."""
    user = request.user
    initial = {"full_name": user.full_name, "language": user.language, "timezone": user.timezone}
    form = MySettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.user_update_settings(user=user, **form.cleaned_data))
        if saved is not None:
            activate_for(saved, request)
            messages.success(request, _("Your settings were saved."))
            response = redirect("members:settings")
            # The switch's cookie follows the saved choice (it decides again after sign-out).
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, saved.language or "", samesite="Lax")
            if not saved.language:
                response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
            return response
    context = {
        "form": form,
        "has_two_factor": bool(confirmed_totp_devices(user)),
        "can_set_alert_preferences": permissions.is_agency_admin(user),
    }
    return render(request, "members/settings.html", context, status=400 if form.errors else 200)


# --- Security: the user's own sessions and tokens -----------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def security(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        if "everywhere" in request.POST:
            services.user_end_access(user=user)
            logout(request)
            messages.success(request, _("You were signed out everywhere."))
            return redirect("members:login")
        digest = request.POST.get("token", "")
        if services.token_delete(user=user, digest=digest):
            messages.success(request, _("The API token was ended."))
        return redirect("members:security")
    return render(request, "members/security.html", {"tokens": selectors.tokens_of(user)})


# --- The agency page -----------------------------------------------------------------------


def _own_agency(request: AuthenticatedHttpRequest) -> Agency:
    own = request.user.agency
    if own is None:
        raise Http404
    return own


def _require_admin(request: AuthenticatedHttpRequest) -> None:
    if not permissions.is_agency_admin(request.user):
        raise PermissionDenied


@login_required
def agency(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if user.is_platform_admin:
        return redirect("members:platform_agencies")
    own = _own_agency(request)
    return _agency_page(request, own, is_admin=permissions.is_agency_admin(user))


def _agency_page(
    request: AuthenticatedHttpRequest,
    own: Agency,
    *,
    is_admin: bool = True,
    user_form: UserCreateForm | None = None,
    settings_form: AgencySettingsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The agency page; an admin's forms come back filled in (with their errors) after a refused POST."""
    context: dict[str, Any] = {"agency": own, "members": selectors.agency_members(own), "is_admin": is_admin}
    if is_admin:
        context["user_form"] = UserCreateForm() if user_form is None else user_form
        if settings_form is None:
            settings_form = AgencySettingsForm(
                initial={
                    "contact_email": own.contact_email,
                    "webhook_url": own.webhook_url,
                    "webhook_enabled": own.webhook_enabled,
                }
            )
        context["settings_form"] = settings_form
    return render(request, "members/agency.html", context, status=status)


def _admin_post(request: AuthenticatedHttpRequest, form_class: type[F]) -> tuple[Agency, F]:
    """An agency admin's form posted on the agency page: the admin's agency and the bound form."""
    own = _own_agency(request)
    _require_admin(request)
    return own, form_class(request.POST)


@login_required
@require_POST
def user_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    own, form = _admin_post(request, UserCreateForm)
    if form.is_valid():
        created = apply_service(form, lambda: services.user_create(**form.cleaned_data, by=request.user))
        if created is not None:
            messages.success(request, _("%(name)s can now sign in.") % {"name": created.full_name})
            return redirect("members:agency")
    return _agency_page(request, own, user_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    try:
        target = selectors.get_user_for(user=request.user, pk=pk)
    except Forbidden:
        raise PermissionDenied
    initial = {"full_name": target.full_name, "role": target.role, "is_active": target.is_active}
    form = UserEditForm(request.POST if request.method == "POST" else None, initial=initial)
    if target.pk == request.user.pk:
        # One's own role and active flag are shown, not editable.
        form.fields["role"].disabled = True
        form.fields["is_active"].disabled = True
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.user_update(user=target, by=request.user, **form.cleaned_data)
            except Forbidden as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The user was saved."))
                return redirect("members:agency")
        status = 400
    return render(request, "members/user_edit.html", {"target": target, "form": form}, status=status)


@login_required
@require_POST
def agency_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    own, form = _admin_post(request, AgencySettingsForm)
    if form.is_valid():
        data = form.cleaned_data
        changes = {
            "contact_email": data["contact_email"],
            "webhook_url": data["webhook_url"],
            "webhook_enabled": data["webhook_enabled"],
        }
        if data["clear_webhook_secret"]:
            changes["webhook_secret"] = ""
        elif data["webhook_secret"]:
            changes["webhook_secret"] = data["webhook_secret"]
        saved = apply_service(form, lambda: services.agency_settings_update(agency=own, by=request.user, **changes))
        if saved is not None:
            messages.success(request, _("The agency settings were saved."))
            return redirect("members:agency")
    return _agency_page(request, own, settings_form=form, status=400)


# --- Platform admin: member agencies -----------------------------------------------------


def _require_platform_admin(request: AuthenticatedHttpRequest) -> None:
    if not permissions.is_platform_admin(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def platform_agencies(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_platform_admin(request)
    form = AgencyCreateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            created = apply_service(form, lambda: services.agency_create(**form.cleaned_data, by=request.user))
            if created is not None:
                messages.success(request, _("%(code)s was added.") % {"code": created.code})
                return redirect("members:platform_agencies")
        status = 400
    return render(
        request,
        "members/platform_agencies.html",
        {"agencies": selectors.agencies_list(), "form": form},
        status=status,
    )


@login_required
@require_POST
def platform_agency_active(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    _require_platform_admin(request)
    target = selectors.get_agency(code=code)
    activate = request.POST.get("is_active") == "true"
    try:
        services.agency_update(agency=target, by=request.user, is_active=activate)
    except Forbidden:
        raise PermissionDenied
    if activate:
        messages.success(request, _("%(code)s is active again.") % {"code": target.code})
    else:
        messages.success(request, _("%(code)s was deactivated.") % {"code": target.code})
    return redirect("members:platform_agencies")
