"""Who may act on matches: the one place views, the API, services and templates ask."""

from __future__ import annotations

from typing import Any

from members.models import Role

# Roles that work with seizure records (agency admins manage people, not cases).
CASE_ROLES = (Role.OFFICER, Role.COORDINATOR)


def can_act_on_matches(user: Any) -> bool:
    """Officers and coordinators of an agency request access to a hidden side and grant it."""
    return bool(getattr(user, "is_authenticated", False) and user.agency_id and user.role in CASE_ROLES)


def can_grant_access(user: Any, seizure_agency_id: int) -> bool:
    """Only officers and coordinators of the owning agency share its seizure."""
    return can_act_on_matches(user) and user.agency_id == seizure_agency_id
