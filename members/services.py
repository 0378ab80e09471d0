"""Writes on agencies and users. Each service checks who acts, validates and commits whole."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken

from crackdown.errors import Forbidden
from members.models import Agency, Role, User, country_timezone
from members.permissions import can_manage_agency, is_admin_of, is_platform_admin

log = logging.getLogger("crackdown.security")

_UNSET: Any = object()


# --- Access that must end at once ---------------------------------------------------------


def user_end_access(*, user: User) -> None:
    """End every session and API token of `user` at once.

    Bumping the security stamp signs out each session on its next request
    (members.middleware); API tokens are deleted outright.
    """
    User.objects.filter(pk=user.pk).update(security_stamp=F("security_stamp") + 1)
    AuthToken.objects.filter(user_id=user.pk).delete()
    user.refresh_from_db(fields=["security_stamp"])


def token_delete(*, user: User, digest: str) -> bool:
    """Delete one of the user's own API tokens; another user's digest changes nothing."""
    deleted, _rows = AuthToken.objects.filter(user=user, digest=digest).delete()
    return bool(deleted)


# --- Users ---------------------------------------------------------------------------------


def tokens_delete_expired() -> int:
    """Delete every API token past its expiry; returns how many (authentication refuses them anyway)."""
    deleted, _by_model = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
    return deleted


def _require_agency_admin(by: User, agency: Agency | None) -> Agency:
    if agency is None or not is_admin_of(by, agency):
        raise Forbidden(_("Only an admin of this agency manages its users."))
    return agency


@transaction.atomic
def user_create(*, email: str, full_name: str, role: str, password: str, by: User) -> User:
    """Create a user in the acting admin's own agency, with an initial password.

    Guarantees: the user belongs to `by`'s agency (never another), is never a platform admin,
    has a valid role and a password that passes the password validators.
    """
    agency = _require_agency_admin(by, by.agency)
    user = User(
        email=(email or "").strip().lower(),
        full_name=(full_name or "").strip(),
        agency=agency,
        role=role,
        is_platform_admin=False,
        timezone=agency.timezone,
    )
    errors: dict[str, list[str]] = {}
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    try:
        # The e-mail's uniqueness is checked once, below, with the message users read.
        user.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if User.objects.filter(email__iexact=user.email).exists():
        errors.setdefault("email", []).append(_("A user with this e-mail address already exists."))
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    log.info("user created user=%s agency=%s role=%s by=%s", user.pk, agency.code, role, by.pk)
    return user


@transaction.atomic
def user_update(
    *,
    user: User,
    by: User,
    full_name: str = _UNSET,
    role: str = _UNSET,
    is_active: bool = _UNSET,
) -> User:
    """Change a user of the acting admin's own agency.

    Guarantees: the agency never changes; nobody changes their own role or deactivates
    themselves; a role change or a deactivation ends the user's sessions and tokens at once.
    """
    _require_agency_admin(by, user.agency)
    user = User.objects.select_for_update().get(pk=user.pk)
    end_access = False
    if role is not _UNSET and role != user.role:
        if user.pk == by.pk:
            raise Forbidden(_("You cannot change your own role."))
        if role not in Role.values:
            raise ValidationError({"role": [_("Choose a valid role.")]})
        user.role = role
        end_access = True
    if is_active is not _UNSET and bool(is_active) != user.is_active:
        if user.pk == by.pk:
            raise Forbidden(_("You cannot deactivate yourself."))
        user.is_active = bool(is_active)
        end_access = end_access or not user.is_active
    if full_name is not _UNSET:
        user.full_name = (full_name or "").strip()
    user.full_clean(exclude=["password"])
    user.save()
    if end_access:
        user_end_access(user=user)
    log.info("user changed user=%s role=%s active=%s by=%s", user.pk, user.role, user.is_active, by.pk)
    return user


@transaction.atomic
def user_update_settings(
    *,
    user: User,
    full_name: str = _UNSET,
    language: str = _UNSET,
    timezone: str = _UNSET,
) -> User:
    """A user changes their own settings: full name, language, time zone (never role or agency).

    Guarantees: every field is validated before anything is saved (field-level messages); an
    empty language or time zone means "none chosen" (the browser's language, the agency's zone).
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    changed = []
    if full_name is not _UNSET:
        user.full_name = (full_name or "").strip()
        changed.append("full_name")
        if not user.full_name:
            raise ValidationError({"full_name": [_("This field is required.")]})
    if language is not _UNSET:
        user.language = (language or "").strip()
        changed.append("language")
    if timezone is not _UNSET:
        user.timezone = (timezone or "").strip()
        changed.append("timezone")
    user.full_clean(exclude=["password"])
    if changed:
        user.save(update_fields=changed)
    return user


# --- Agencies ------------------------------------------------------------------------------


def _require_platform_admin(by: User) -> None:
    if not is_platform_admin(by):
        raise Forbidden(_("Only platform admins manage member agencies."))


def _stripped(value: str | None) -> str:
    return (value or "").strip()


# How each agency field a caller may change is normalised before validation.
_AGENCY_INPUT: dict[str, Callable[[Any], Any]] = {
    "name": _stripped,
    "country": lambda value: _stripped(value).upper(),
    "timezone": _stripped,
    "is_active": bool,
    "contact_email": _stripped,
    "webhook_url": _stripped,
    "webhook_secret": lambda value: value or "",
    "webhook_enabled": bool,
}


def _assign(agency: Agency, **given: Any) -> None:
    """Set the fields the caller gave (anything but _UNSET), normalised."""
    for name, value in given.items():
        if value is not _UNSET:
            setattr(agency, name, _AGENCY_INPUT[name](value))


@transaction.atomic
def agency_create(
    *,
    code: str,
    name: str,
    country: str,
    timezone: str = "",
    contact_email: str = "",
    admin_email: str = "",
    admin_name: str = "",
    admin_password: str = "",
    by: User,
) -> Agency:
    """Add a member agency (platform admins only), validated against the model's rules, and
    optionally its first agency admin (all three admin_* given), in one transaction: nothing
    is saved when anything is wrong. Without a time zone the country's principal one is used."""
    _require_platform_admin(by)
    country = (country or "").strip().upper()
    agency = Agency(
        code=(code or "").strip().upper(),
        name=(name or "").strip(),
        country=country,
        # No time zone given: the country's principal one (Asia/Seoul for KR).
        timezone=(timezone or "").strip() or country_timezone(country),
        contact_email=(contact_email or "").strip(),
    )
    errors: dict[str, list[str]] = {}
    try:
        agency.full_clean()
    except ValidationError as exc:
        errors.update(exc.message_dict)
    admin = None
    if admin_email or admin_name or admin_password:
        admin, admin_errors = _first_admin(agency, admin_email, admin_name, admin_password)
        errors.update(admin_errors)
    if errors:
        raise ValidationError(errors)
    agency.save()
    log.info("agency created agency=%s by=%s", agency.code, by.pk)
    if admin is not None:
        admin.agency = agency
        admin.save()
        log.info("user created user=%s agency=%s role=%s by=%s", admin.pk, agency.code, admin.role, by.pk)
    return agency


def _first_admin(agency: Agency, email: str, full_name: str, password: str) -> tuple[User, dict[str, list[str]]]:
    """The first agency admin of a new agency, validated (not saved), and the errors keyed by
    the form's fields (admin_email, admin_name, admin_password)."""
    admin = User(
        email=(email or "").strip().lower(),
        full_name=(full_name or "").strip(),
        role=Role.AGENCY_ADMIN,
        is_platform_admin=False,
        timezone=agency.timezone,
    )
    errors: dict[str, list[str]] = {}
    if not admin.email:
        errors["admin_email"] = [_("Give the first admin's e-mail address.")]
    elif User.objects.filter(email__iexact=admin.email).exists():
        errors["admin_email"] = [_("A user with this e-mail address already exists.")]
    if not admin.full_name:
        errors["admin_name"] = [_("Give the first admin's name.")]
    try:
        validate_password(password, admin)
    except ValidationError as exc:
        errors["admin_password"] = list(exc.messages)
    if not errors:
        admin.set_password(password)
    return admin, errors


@transaction.atomic
def agency_update(
    *,
    agency: Agency,
    by: User,
    name: str = _UNSET,
    country: str = _UNSET,
    timezone: str = _UNSET,
    is_active: bool = _UNSET,
) -> Agency:
    """Change a member agency (platform admins only). The code never changes.

    Deactivating an agency ends every session and token of its users; they cannot sign in
    again until it is reactivated.
    """
    _require_platform_admin(by)
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    was_active = agency.is_active
    _assign(agency, name=name, country=country, timezone=timezone, is_active=is_active)
    agency.full_clean()
    agency.save()
    if was_active and not agency.is_active:
        User.objects.filter(agency=agency).update(security_stamp=F("security_stamp") + 1)
        AuthToken.objects.filter(user__agency=agency).delete()
    log.info("agency changed agency=%s active=%s by=%s", agency.code, agency.is_active, by.pk)
    return agency


@transaction.atomic
def agency_settings_update(
    *,
    agency: Agency,
    by: User,
    contact_email: str = _UNSET,
    webhook_url: str = _UNSET,
    webhook_secret: str = _UNSET,
    webhook_enabled: bool = _UNSET,
) -> Agency:
    """Change an agency's contact and webhook settings (its admins or a platform admin).

    Guarantees: an enabled webhook has a URL and a secret; the URL passes crackdown.outbound's
    policy (https in production, a public host or an operator-allowed network);
    the secret is stored encrypted and never returned (an empty string clears it).
    """
    if not can_manage_agency(by, agency):
        raise Forbidden(_("Only this agency's admins and platform admins manage its settings."))
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    _assign(
        agency,
        contact_email=contact_email,
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        webhook_enabled=webhook_enabled,
    )
    # The URL's policy (crackdown.outbound) is the model field's validator, run by full_clean.
    errors: dict[str, list[str]] = {}
    if agency.webhook_enabled and not agency.webhook_url:
        errors.setdefault("webhook_url", []).append(_("An enabled webhook needs a URL."))
    if agency.webhook_enabled and not agency.webhook_secret:
        errors.setdefault("webhook_secret", []).append(_("An enabled webhook needs a secret to sign with."))
    try:
        agency.full_clean(exclude=["webhook_secret"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    agency.save()
    # Never the secret itself: only whether one is set.
    log.info(
        "agency settings changed agency=%s webhook_enabled=%s secret_set=%s by=%s",
        agency.code,
        agency.webhook_enabled,
        agency.has_webhook_secret,
        by.pk,
    )
    return agency
