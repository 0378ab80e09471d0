"""Who may change a seizure: the one place views, the API, services and templates ask.

Who may *see* one is the visibility rule (`Seizure.objects.visible_to`), not a permission.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cases.choices import SeizureStatus
from cases.seizures.models import Seizure
from members.permissions import works_cases


def can_write(user: Any, seizure: Seizure) -> bool:
    """Officers and coordinators of the owning agency write its seizures; nobody else does."""
    return works_cases(user) and user.agency_id == seizure.agency_id


def can_verify(user: Any, seizure: Seizure) -> bool:
    """A coordinator of the owning agency confirms its submitted seizures."""
    return can_write(user, seizure) and user.is_coordinator


def can_report(user: Any) -> bool:
    """Officers and coordinators of an agency create seizures."""
    return works_cases(user)


@dataclass(frozen=True)
class SeizureActions:
    """The buttons a reader gets on a seizure; the services enforce the same rules on POST."""

    edit: bool = False
    amend: bool = False
    submit: bool = False
    verify: bool = False
    delete: bool = False


def seizure_actions(user: Any, seizure: Seizure) -> SeizureActions:
    writer = can_write(user, seizure)
    status = seizure.status
    return SeizureActions(
        edit=writer and status in (SeizureStatus.DRAFT, SeizureStatus.SUBMITTED),
        amend=writer and status == SeizureStatus.VERIFIED,
        submit=writer and status == SeizureStatus.DRAFT,
        verify=can_verify(user, seizure) and status == SeizureStatus.SUBMITTED,
        delete=writer and status == SeizureStatus.DRAFT,
    )
