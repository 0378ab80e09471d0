"""Who may import seizures and see an agency's imports: the one place the API, pages and services ask."""

from __future__ import annotations

from typing import Any

from members.permissions import works_cases


def can_import(user: Any) -> bool:
    """Officers and coordinators of an agency import its records (as they record seizures)."""
    return works_cases(user)


def can_see_import(user: Any, seizure_import: Any) -> bool:
    """An import is its agency's business: its officers and coordinators see and cancel it."""
    return can_import(user) and user.agency_id == seizure_import.agency_id
