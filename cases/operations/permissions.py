"""Who may do what in a joint operation: the one place views, the API, services and templates ask.

Which operations an agency sees at all is `JointOperation.objects.visible_to`; these rules
decide what a reader of a visible operation may do with it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cases.choices import ParticipantRole, ParticipantStatus
from cases.operations.models import JointOperation, Participation
from crackdown.errors import Forbidden
from members.models import Role
from members.permissions import works_cases


def can_create_operation(user: Any) -> bool:
    """A coordinator of an agency creates a joint operation, led by that agency."""
    return bool(getattr(user, "is_active", False) and user.role == Role.COORDINATOR and user.agency_id)


def can_link_seizure(user: Any, seizure: Any) -> bool:
    """Only the owning agency's officers and coordinators link or unlink its seizure."""
    return can_link_seizures(user) and user.agency_id == seizure.agency_id


def works_on(user: Any, assignment: Any) -> bool:
    """The assigned agency's people report progress on an assignment."""
    return bool(getattr(user, "agency_id", None)) and assignment.agency_id == user.agency_id


def can_answer_invitations(user: Any) -> bool:
    """A coordinator answers an invitation for the agency."""
    return bool(getattr(user, "is_active", False) and user.role == Role.COORDINATOR)


def can_be_assignee(user: Any) -> bool:
    """Work goes to active officers and coordinators, never to agency admins."""
    return works_cases(user)


def can_link_seizures(user: Any) -> bool:
    """Officers and coordinators link their agency's seizures to an operation it accepted."""
    return works_cases(user)


def participation_of(operation: JointOperation, user) -> Participation | None:
    """The user's agency's participation (uses the prefetched participants when loaded)."""
    agency_id = getattr(user, "agency_id", None)
    if not agency_id:
        return None
    for participation in operation.participations.all():
        if participation.agency_id == agency_id:
            return participation
    return None


def can_see_board(user, operation: JointOperation) -> bool:
    participation = participation_of(operation, user)
    return participation is not None and participation.status == ParticipantStatus.ACCEPTED


def require_board(user, operation: JointOperation) -> None:
    if not can_see_board(user, operation):
        raise Forbidden(_("Only agencies that accepted the operation see its board."))


def is_lead_coordinator(user, operation: JointOperation) -> bool:
    return bool(
        getattr(user, "is_active", False)
        and user.role == Role.COORDINATOR
        and user.agency_id == operation.lead_agency_id
    )


def require_lead_coordinator(user, operation: JointOperation) -> None:
    if not is_lead_coordinator(user, operation):
        raise Forbidden(_("Only the lead agency's coordinators steer the operation."))


def can_respond(user, operation: JointOperation) -> bool:
    participation = participation_of(operation, user)
    return (
        participation is not None
        and participation.status == ParticipantStatus.INVITED
        and user.role == Role.COORDINATOR
    )


def can_be_assigned(participation: Participation) -> bool:
    """Work goes to agencies that accepted, never to observers."""
    return participation.status == ParticipantStatus.ACCEPTED and participation.role != ParticipantRole.OBSERVER
