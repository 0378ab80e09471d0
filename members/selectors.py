"""Reads of agencies and users, with the one access-checked lookup per model.

Every page and API view starts from these: nothing else filters users by agency by hand.
"""

from __future__ import annotations

import re

from django.db.models import QuerySet
from django.http import Http404
from knox.models import AuthToken

from crackdown.errors import Forbidden
from members.models import Agency, User
from members.permissions import can_manage_agency, is_agency_admin

_CODE = re.compile(r"[A-Z][A-Z0-9]{1,9}")


def agencies_list() -> QuerySet[Agency]:
    """Every member agency, active or not: the membership itself is not confidential."""
    return Agency.objects.order_by("code")


def get_agency(*, code: str) -> Agency:
    # Anything that cannot be a code (e.g. a NUL byte from a fuzzer) is simply absent.
    if not _CODE.fullmatch(code or ""):
        raise Http404
    try:
        return Agency.objects.get(code=code)
    except Agency.DoesNotExist:
        raise Http404


def get_agency_for_settings(*, user: User, code: str) -> Agency:
    """The agency whose settings `user` may read and change: 404 if absent, 403 if not allowed."""
    agency = get_agency(code=code)
    if not can_manage_agency(user, agency):
        raise Forbidden("Only this agency's admins and platform admins manage its settings.")
    return agency


def users_visible_to(user: User) -> QuerySet[User]:
    """The users `user` may see and manage: an agency admin its own agency's, nobody else any.

    Platform admins manage people through the Django admin, not through these pages and API.
    """
    if not is_agency_admin(user) or user.agency_id is None:
        return User.objects.none()
    return User.objects.filter(agency_id=user.agency_id).select_related("agency").order_by("email")


def get_user_for(*, user: User, pk: int | str) -> User:
    """One user `user` may manage.

    404 for anyone invisible (absent, or of another agency); 403 for a colleague of the same
    agency when `user` is not its admin (visible on the agency page, but not manageable).
    """
    try:
        return users_visible_to(user).get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError):
        pass
    if user.is_authenticated and user.agency_id and User.objects.filter(pk=pk, agency_id=user.agency_id).exists():
        raise Forbidden("Only an admin of this agency manages its users.")
    raise Http404


def agency_members(agency: Agency) -> QuerySet[User]:
    """The people of one agency, as listed on its page to any of its own users."""
    return User.objects.filter(agency=agency).order_by("-is_active", "full_name", "email")


def tokens_of(user: User) -> QuerySet[AuthToken]:
    """The user's own API tokens, newest first (the digest identifies one; the token is never kept)."""
    return AuthToken.objects.filter(user=user).order_by("-created")
