"""Who may do what in targeting: the one place views, the API, services and templates ask.

Everything is per agency: a user sees only the own agency's lines, rules and model (others 404).
"""

from __future__ import annotations

from typing import Any

from members.models import Role
from members.permissions import is_agency_admin, is_agency_user, works_cases


def can_view_targeting(user: Any) -> bool:
    """Any user of an agency reads its queue, rules and model."""
    return is_agency_user(user) and bool(user.is_active)


def can_work_lines(user: Any) -> bool:
    """Officers and coordinators send manifests, examine lines and send pre-arrival alerts."""
    return works_cases(user)


def can_manage_rules(user: Any) -> bool:
    """Coordinators and agency admins write the agency's rules and roll its model back."""
    return bool(is_agency_user(user) and user.is_active and user.role in (Role.COORDINATOR, Role.AGENCY_ADMIN))


def can_train_model(user: Any) -> bool:
    """A coordinator starts a training run."""
    return bool(is_agency_user(user) and user.is_active and user.role == Role.COORDINATOR)


def can_change_settings(user: Any) -> bool:
    """Only the agency admin turns nationality on or off (audited)."""
    return is_agency_admin(user)
