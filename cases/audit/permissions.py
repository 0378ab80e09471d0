"""Who reads an agency's access audit: its own admins, nobody else (platform admins included)."""

from __future__ import annotations

from typing import Any

from members.permissions import is_agency_admin


def can_read_audit(user: Any) -> bool:
    return is_agency_admin(user)
