"""Reads of joint operations, with the one access-checked lookup per model.

Three levels of access, decided here and nowhere else:
- an operation is *visible* to every agency that leads it or was invited to it (in any answer):
  `JointOperation.objects.visible_to(user)`; anything else answers 404;
- the *board* (assignments, messages, linked seizures, report) is for the agencies that
  accepted, the lead and observers included; an invited or declined agency gets 403;
- *steering* (edit, invite, lifecycle, assign) is for the lead agency's coordinators.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from cases.choices import AssignmentStatus
from cases.operations.models import Assignment, JointOperation, OperationEvent, OperationMessage, Participation
from cases.operations.permissions import can_be_assigned, require_board
from members.models import User
from members.permissions import CASE_ROLES

OPEN_ASSIGNMENT_STATUSES = (AssignmentStatus.OPEN, AssignmentStatus.ACKNOWLEDGED, AssignmentStatus.IN_PROGRESS)


def operations_visible_to(user) -> QuerySet[JointOperation]:
    """Visible operations with their lead and participants loaded in two more queries."""
    return (
        JointOperation.objects.visible_to(user)
        .select_related("lead_agency")
        .prefetch_related(
            Prefetch("participations", queryset=Participation.objects.select_related("agency").order_by("agency__code"))
        )
    )


def get_operation_for(user, pk) -> JointOperation:
    """One operation the user's agency leads or was invited to; 404 for anything else."""
    try:
        return operations_visible_to(user).get(pk=pk)
    except (JointOperation.DoesNotExist, ValueError, TypeError):
        raise Http404


def get_board_for(user, pk) -> JointOperation:
    """The operation behind its board: 404 as `get_operation_for`, 403 unless the user's agency accepted."""
    operation = get_operation_for(user, pk)
    require_board(user, operation)
    return operation


def assignments_visible_to(user) -> QuerySet[Assignment]:
    return Assignment.objects.filter(operation__in=JointOperation.objects.visible_to(user)).select_related(
        "agency", "assignee", "created_by", "operation"
    )


def get_assignment_for(user, pk) -> Assignment:
    """One assignment of a visible operation (404 otherwise); 403 without board access."""
    try:
        assignment = assignments_visible_to(user).get(pk=pk)
    except (Assignment.DoesNotExist, ValueError, TypeError):
        raise Http404
    assignment.operation = get_board_for(user, assignment.operation_id)
    return assignment


def operation_assignments(operation: JointOperation) -> QuerySet[Assignment]:
    return operation.assignments.select_related("agency", "assignee", "created_by").order_by("-created_at", "-id")


def operation_messages(operation: JointOperation) -> QuerySet[OperationMessage]:
    return operation.messages.select_related("author", "agency")


def operation_timeline(operation: JointOperation) -> QuerySet[OperationEvent]:
    # Messages have their own thread; the timeline keeps to what changed the operation.
    return operation.events.exclude(action="message_posted").select_related("by", "agency")


def assignable_users(operation: JointOperation) -> QuerySet[User]:
    """Officers and coordinators of the agencies that may receive work in this operation."""
    agency_ids = [p.agency_id for p in operation.participations.all() if can_be_assigned(p)]
    return (
        User.objects.filter(agency_id__in=agency_ids, is_active=True, role__in=CASE_ROLES)
        .select_related("agency")
        .order_by("agency__code", "full_name")
    )
