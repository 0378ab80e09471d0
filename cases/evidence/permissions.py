"""Who may change a seizure's evidence and custody record.

Who may *see* them is the seizure's visibility rule (Evidence.objects.visible_to and
CustodyEntry.objects.visible_to derive from Seizure.objects.visible_to), not a permission.
"""

from __future__ import annotations

from typing import Any

from cases.choices import SeizureStatus
from cases.seizures.models import Seizure
from cases.seizures.permissions import can_write


def can_add_evidence(user: Any, seizure: Seizure) -> bool:
    """The owning agency's officers and coordinators add files and custody entries."""
    return can_write(user, seizure)


def can_delete_evidence(user: Any, seizure: Seizure) -> bool:
    """A writer deletes a file of a draft only: once submitted, the file is part of the record."""
    return can_write(user, seizure) and seizure.status == SeizureStatus.DRAFT
