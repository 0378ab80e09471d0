from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from knox.models import AuthToken

from crackdown.fields import EncryptedTextField
from crackdown.outbound import validate_webhook_url
from crackdown.timezones import TIME_ZONES

TIMEZONE_CHOICES = sorted((tz, tz) for tz in TIME_ZONES)


def _country_zones() -> dict[str, str]:
    """Each country's principal time zone: its first line in the tz database's zone.tab (the
    zones of a country are listed most populous first, e.g. KR Asia/Seoul, US America/New_York)."""
    zones: dict[str, str] = {}
    for directory in zoneinfo.TZPATH:
        try:
            with open(f"{directory}/zone.tab", encoding="utf-8") as table:
                for line in table:
                    if line.startswith("#") or not line.strip():
                        continue
                    code, _coordinates, zone, *_rest = line.rstrip("\n").split("\t")
                    zones.setdefault(code, zone)
        except OSError:
            continue
        if zones:
            break
    return zones


COUNTRY_ZONES = _country_zones()


def country_timezone(country: str) -> str:
    """The principal time zone of an ISO 3166 country ("" when the tz database has none)."""
    return COUNTRY_ZONES.get((country or "").upper(), "")


def validate_country(value: str) -> None:
    """A real ISO 3166-1 alpha-2 code, upper case (ZZ, XX… are refused)."""
    if not value or countries.alpha2(value) != value:
        raise ValidationError(_("%(value)s is not an ISO 3166-1 country code."), params={"value": value})


def validate_timezone(value: str) -> None:
    if value not in TIME_ZONES:
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class Role(models.TextChoices):
    OFFICER = "officer", _("Officer")
    COORDINATOR = "coordinator", _("Coordinator")
    AGENCY_ADMIN = "agency_admin", _("Agency admin")


# The language an agency's contact mailbox reads, by the agency's country (settings.LANGUAGES).
COUNTRY_LANGUAGES = {"KR": "ko", "TH": "th", "VN": "vi", "ID": "id", "MY": "ms", "BN": "ms"}


class AgencyQuerySet(models.QuerySet):
    def active(self) -> AgencyQuerySet:
        return self.filter(is_active=True)


class Agency(models.Model):
    code = models.CharField(
        _("code"),
        max_length=10,
        unique=True,
        validators=[RegexValidator(r"^[A-Z][A-Z0-9]{1,9}$", _("Upper-case letters and digits, 2–10 long."))],
    )
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(
        _("country"),
        max_length=2,
        validators=[validate_country],
    )
    timezone = models.CharField(_("time zone"), max_length=64, validators=[validate_timezone])
    is_active = models.BooleanField(_("active"), default=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    # Checked by crackdown.outbound wherever it is saved (API, pages, Django admin).
    webhook_url = models.URLField(_("webhook URL"), blank=True, max_length=500, validators=[validate_webhook_url])
    # Encrypted at rest; write-only in every form and API.
    webhook_secret = EncryptedTextField(_("webhook secret"), blank=True, default="")
    webhook_enabled = models.BooleanField(_("webhook enabled"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.CheckConstraint(condition=Q(country__regex=r"^[A-Z]{2}$"), name="agency_country_iso2"),
            models.CheckConstraint(
                condition=Q(webhook_enabled=False) | ~Q(webhook_url=""),
                name="agency_webhook_enabled_needs_url",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def has_webhook_secret(self) -> bool:
        return bool(self.webhook_secret)

    @property
    def mail_language(self) -> str:
        """The language of e-mail to the agency's contact address: its country's, else English."""
        return COUNTRY_LANGUAGES.get(self.country, "en")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.update(is_platform_admin=True, agency=None, role="")
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser):
    """A person who signs in with an e-mail address.

    Everyone but a platform admin belongs to exactly one agency with one role; the database
    enforces it.
    """

    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    is_platform_admin = models.BooleanField(_("platform admin"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    # Empty: none chosen, the browser's Accept-Language decides (crackdown/i18n.py).
    language = models.CharField(
        _("preferred language"), max_length=10, blank=True, default="", choices=settings.LANGUAGES
    )
    timezone = models.CharField(_("time zone"), max_length=64, blank=True, validators=[validate_timezone])
    require_otp = models.BooleanField(_("two-factor sign-in required"), default=False)
    date_joined = models.DateTimeField(default=dj_timezone.now)
    # Bumped whenever access must end at once (deactivation, role change): sessions that
    # carry an older value are signed out by members.middleware.
    security_stamp = models.PositiveIntegerField(default=0)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(is_platform_admin=True, agency__isnull=True, role="")
                    | Q(is_platform_admin=False, agency__isnull=False, role__in=[r.value for r in Role])
                ),
                name="user_agency_role_consistent",
            ),
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    # --- A new password ends the user's API tokens ----------------------------------------
    # Whatever sets it (the password page, `changepassword`, the admin, a reset), a token
    # issued under the old password must not outlive it. The session of the page that changed
    # it is kept by Django's update_session_auth_hash; every other session already ends
    # because its hash was derived from the old password.

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self._password_replaced = True

    def set_unusable_password(self) -> None:
        super().set_unusable_password()
        self._password_replaced = True

    def check_password(self, raw_password: str) -> bool:
        # Upgrading the stored hash on sign-in keeps the same password: not a replacement.
        def upgrade_hash(raw: str) -> None:
            AbstractBaseUser.set_password(self, raw)
            self.save(update_fields=["password"])

        return check_password(raw_password, self.password, upgrade_hash)

    def save(self, *args, **kwargs) -> None:
        replaced = getattr(self, "_password_replaced", False)
        super().save(*args, **kwargs)
        if replaced:
            self._password_replaced = False
            AuthToken.objects.filter(user_id=self.pk).delete()

    def clean(self) -> None:
        super().clean()
        self.email = (self.email or "").strip().lower()
        if self.is_platform_admin:
            if self.agency_id or self.role:
                raise ValidationError({"agency": _("A platform admin belongs to no agency.")})
        else:
            errors = {}
            if not self.agency_id:
                errors["agency"] = _("Choose the user's agency.")
            if self.role not in Role.values:
                errors["role"] = _("Choose a role.")
            if errors:
                raise ValidationError(errors)

    # Django admin and permission hooks: only platform admins use the Django admin.
    @property
    def is_staff(self) -> bool:
        return self.is_active and self.is_platform_admin

    @property
    def is_superuser(self) -> bool:
        return self.is_active and self.is_platform_admin

    def has_perm(self, perm: str, obj=None) -> bool:
        return self.is_active and self.is_platform_admin

    def has_perms(self, perm_list, obj=None) -> bool:
        return all(self.has_perm(p, obj) for p in perm_list)

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_active and self.is_platform_admin

    @property
    def is_officer(self) -> bool:
        return self.role == Role.OFFICER

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def is_agency_admin(self) -> bool:
        return self.role == Role.AGENCY_ADMIN

    @property
    def can_report_seizures(self) -> bool:
        return self.is_active and self.role in (Role.OFFICER, Role.COORDINATOR)

    @property
    def needs_otp(self) -> bool:
        return self.is_platform_admin or self.role in (Role.COORDINATOR, Role.AGENCY_ADMIN) or self.require_otp
