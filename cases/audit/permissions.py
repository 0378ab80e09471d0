"""Who reads an agency's access audit: its own admins, nobody else (platform admins included)."""

from __future__ import annotations

from typing import Any

from members.models import Role


def can_read_audit(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role == Role.AGENCY_ADMIN
        and user.agency_id
    )
