"""Who may do what with lookouts: the one place views, the API, services and templates ask."""

from __future__ import annotations

from typing import Any

from members.permissions import works_cases


def can_create_lookout(user: Any) -> bool:
    """Officers and coordinators create lookouts for their own agency."""
    return works_cases(user)


def can_write_lookout(user: Any, lookout: Any) -> bool:
    """Only officers and coordinators of the lookout's agency change or withdraw it."""
    return works_cases(user) and user.agency_id == lookout.agency_id


def owns_lookout(user: Any, lookout: Any) -> bool:
    """Anyone of the lookout's agency reads its hits' details and its deconflictions."""
    return bool(getattr(user, "is_authenticated", False) and user.agency_id == lookout.agency_id)


def can_request_hit_access(user: Any, lookout: Any) -> bool:
    """Officers and coordinators of the lookout's agency ask for a blind hit's seizure."""
    return can_write_lookout(user, lookout)
