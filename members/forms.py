"""Forms of the members pages: they parse input; the services validate and write."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.conf import settings
from django.contrib.auth import user_login_failed
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from crackdown.errors import Forbidden
from members.models import TIMEZONE_CHOICES, Role

T = TypeVar("T")


def confirmed_totp_devices(user) -> list[TOTPDevice]:
    return [d for d in devices_for_user(user, confirmed=True) if isinstance(d, TOTPDevice)]


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (or on the form where no field matches)."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)


def apply_service(form: forms.Form, call: Callable[[], T]) -> T | None:
    """Run a service on a valid form's data: its ValidationError lands on the form and None comes
    back; Forbidden becomes the 403 page."""
    try:
        return call()
    except Forbidden:
        raise PermissionDenied from None
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


class NoColon:
    """Labels without a trailing colon: the label text is the field's name, e.g. "E-mail"."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class EmailAuthenticationForm(NoColon, AuthenticationForm):
    """Sign-in by e-mail, with the TOTP code where the account has confirmed a device.

    Authentication runs through django.contrib.auth.authenticate(request=...), so django-axes
    counts each failure and locks the account after five.
    """

    username = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    otp = forms.CharField(
        label=_("Two-factor code"),
        required=False,
        max_length=10,
        help_text=_("Only if your account has two-factor sign-in."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The e-mail address, password or code is not right."),
        "inactive": _("This account is not active."),
    }

    otp_device: TOTPDevice | None = None

    def clean_username(self) -> str:
        return (self.cleaned_data.get("username") or "").strip().lower()

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is not None:
            devices = confirmed_totp_devices(user)
            if devices:
                code = (cleaned.get("otp") or "").strip()
                self.otp_device = next((d for d in devices if code and d.verify_token(code)), None)
                if self.otp_device is None:
                    # A wrong second factor counts as a failed sign-in for the lockout.
                    user_login_failed.send(
                        sender=__name__, credentials={"username": cleaned.get("username")}, request=self.request
                    )
                    self.user_cache = None
                    raise self.get_invalid_login_error()
        return cleaned

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if user.agency_id and not user.agency.is_active:
            raise ValidationError(self.error_messages["inactive"], code="inactive")


class MySettingsForm(NoColon, forms.Form):
    """The user's own settings: the choices "none" leave it to the browser / the agency."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("The browser's language")), *settings.LANGUAGES],
    )
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        choices=[("", _("The agency's time zone")), *TIMEZONE_CHOICES],
        help_text=_("Dates and times on every page are shown in this time zone."),
    )


class UserCreateForm(NoColon, forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.OFFICER)
    password = forms.CharField(
        label=_("Initial password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters. Tell the user to change it after the first sign-in."),
    )


class UserEditForm(NoColon, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    is_active = forms.BooleanField(label=_("Active"), required=False)


class AgencySettingsForm(NoColon, forms.Form):
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    webhook_url = forms.URLField(label=_("Webhook URL"), required=False, max_length=500, assume_scheme="https")
    webhook_secret = forms.CharField(
        label=_("New webhook secret"),
        required=False,
        strip=False,
        # Never rendered back: the stored secret is write-only.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the current secret."),
    )
    clear_webhook_secret = forms.BooleanField(label=_("Remove the current secret"), required=False)
    webhook_enabled = forms.BooleanField(label=_("Send alerts to the webhook"), required=False)


def _country_choices() -> list[tuple[str, str]]:
    return [("", "—"), *((code, f"{name} ({code})") for code, name in countries)]


class CountryChoiceField(forms.ChoiceField):
    """An ISO 3166-1 country, chosen by name; a code typed in any case is accepted."""

    def to_python(self, value):
        return super().to_python(value).strip().upper()


class AgencyCreateForm(NoColon, forms.Form):
    code = forms.CharField(label=_("Code"), max_length=10, help_text=_("Upper-case letters and digits, e.g. KCS."))
    name = forms.CharField(label=_("Name"), max_length=200)
    country = CountryChoiceField(label=_("Country"), choices=_country_choices)
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=[("", _("The country's main time zone")), *TIMEZONE_CHOICES],
        required=False,
        help_text=_(
            "Leave it to the country's main time zone (Asia/Seoul for Korea) unless the agency works in another."
        ),
    )
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    admin_email = forms.EmailField(
        label=_("First agency admin: e-mail"),
        required=False,
        help_text=_("Optional: creates the agency's first admin, who then adds its users."),
    )
    admin_name = forms.CharField(label=_("First agency admin: full name"), max_length=200, required=False)
    admin_password = forms.CharField(
        label=_("First agency admin: initial password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters. Tell the admin to change it after the first sign-in."),
    )
