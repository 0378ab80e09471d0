"""Two-factor sign-in (TOTP, django-otp): enrolment with a QR code drawn here, backup codes,
verification, and the middleware that keeps an unverified session away from everything else.

Coordinators, agency admins and platform admins must use it; an agency admin can require it
for the agency's officers (User.require_otp). With DEBUG on, the demo accounts
(`@<code>.example`) may skip it, and every page then says so in a banner.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Callable
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from members.http import AuthenticatedHttpRequest

BACKUP_CODE_COUNT = 10
DEMO_EMAIL_SUFFIX = ".example"


def otp_required_for(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.needs_otp)


def otp_demo_skip(user) -> bool:
    """Demo accounts skip the second factor, and only while DEBUG is on."""
    return bool(settings.DEBUG and user.email.endswith(DEMO_EMAIL_SUFFIX))


def has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_verified(user: object) -> bool:
    """Whether this session's sign-in gave a second factor.

    django_otp's OTPMiddleware sets `is_verified` on the request's user only; any other user
    object (or a request that bypassed the middleware) counts as unverified.
    """
    return bool(getattr(user, "is_verified", lambda: False)())


def otp_satisfied(request: HttpRequest) -> bool:
    user = request.user
    if not otp_required_for(user) or otp_demo_skip(user):
        return True
    return is_verified(user)


class GatedRequest(HttpRequest):
    """A request past OTPRequiredMiddleware; the base template reads `otp_demo_skipped` for its banner."""

    otp_demo_skipped: bool


class OTPRequiredMiddleware:
    """After password sign-in, a user who needs a second factor reaches nothing but the
    enrolment/verification pages and sign-out until it has given one."""

    ALLOWED_PREFIXES = ("/accounts/otp/", "/accounts/logout/", "/accounts/login/", "/static/", "/healthz")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: GatedRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        blocked = (
            user is not None
            and user.is_authenticated
            and not otp_satisfied(request)
            and not request.path.startswith(self.ALLOWED_PREFIXES)
        )
        if blocked:
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("Two-factor sign-in is required.")}, status=403)
            target = "members:otp_verify" if has_confirmed_device(user) else "members:otp_setup"
            return redirect(f"{reverse(target)}?next={quote(request.get_full_path())}")
        request.otp_demo_skipped = bool(
            user is not None and user.is_authenticated and otp_required_for(user) and otp_demo_skip(user)
        )
        return self.get_response(request)


class TokenForm(forms.Form):
    otp = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text=gettext_lazy("The 6-digit code of your authenticator app, or one of your backup codes."),
    )


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return target
    return reverse("home")


@transaction.atomic
def _issue_backup_codes(user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name="backup")
    device.token_set.all().delete()
    codes = [secrets.token_hex(4) for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Enrol an authenticator: scan the QR code, confirm with a first code, keep the backup codes."""
    user = request.user
    if has_confirmed_device(user) and not is_verified(user):
        return redirect("members:otp_verify")
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id")
    if not pending.exists():
        TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    # Two requests racing here (a page and its favicon) both settle on the oldest device.
    device = pending.first()
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["otp"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            codes = _issue_backup_codes(user)
            return render(request, "members/otp_backup_codes.html", {"codes": codes, "next": _safe_next(request)})
        form.add_error("otp", _("That code is not valid. Check the time on your phone and try again."))
    return render(
        request,
        "members/otp_setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "secret": device.bin_key.hex(),
            "next": _safe_next(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["otp"].strip())
        if device is not None:
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("otp", _("That code is not valid."))
    return render(request, "members/otp_verify.html", {"form": form, "next": _safe_next(request)})
