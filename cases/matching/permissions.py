"""Who may act on matches: the one place views, the API, services and templates ask."""

from __future__ import annotations

from typing import Any

from members.permissions import works_cases


def can_act_on_matches(user: Any) -> bool:
    """Officers and coordinators of an agency request access to a hidden side and grant it."""
    return works_cases(user)


def can_grant_access(user: Any, seizure_agency_id: int) -> bool:
    """Only officers and coordinators of the owning agency share its seizure."""
    return can_act_on_matches(user) and user.agency_id == seizure_agency_id
