"""Who may manage agencies and people: the one place views, the API, services and templates ask."""

from __future__ import annotations

from typing import Any

from members.models import Agency, Role

AGENCY_ROLES = (Role.OFFICER, Role.COORDINATOR, Role.AGENCY_ADMIN)
# Roles that work with the cases: seizures, operations, matches, alerts (agency admins manage people).
CASE_ROLES = (Role.OFFICER, Role.COORDINATOR)


def works_cases(user: Any) -> bool:
    """An active officer or coordinator of an agency (User.can_report_seizures, with an agency)."""
    return bool(getattr(user, "is_authenticated", False) and user.can_report_seizures and user.agency_id)


def is_agency_user(user: Any) -> bool:
    """Anyone who belongs to an agency, whatever the role (platform admins belong to none)."""
    return bool(getattr(user, "is_authenticated", False) and user.role in AGENCY_ROLES)


def is_agency_admin(user: Any) -> bool:
    """An active admin of an agency (manages its people, settings and national-system link)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role == Role.AGENCY_ADMIN
        and user.agency_id
    )


def is_admin_of(user: Any, agency: Agency | None) -> bool:
    """An active admin of this very agency."""
    return agency is not None and is_agency_admin(user) and user.agency_id == agency.pk


def is_platform_admin(user: Any) -> bool:
    """Platform admins manage the member agencies (and nothing inside an agency)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_platform_admin)


def can_manage_agency(user: Any, agency: Agency) -> bool:
    """The agency's own admins and platform admins read and change its settings."""
    return is_platform_admin(user) or is_admin_of(user, agency)
