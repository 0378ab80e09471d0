"""Writes of joint operations: lifecycle, invitations, assignments, messages, linked seizures.

Every service checks who may act (Forbidden → 403) and in which state (Conflict → 409),
validates its input (ValidationError → 400), runs in one transaction, locks the operation
row so that concurrent moves cannot both pass their state check, and writes an
OperationEvent, the operation's audit trail and timeline, in that same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import AssignmentStatus, Drug, OperationStatus, ParticipantRole, ParticipantStatus, TransportMode
from cases.operations import permissions
from cases.operations.models import Assignment, JointOperation, OperationEvent, OperationMessage, Participation
from cases.operations.notices import notify_assignment, notify_operation_invite
from cases.seizures.models import Seizure, SeizureRevision
from crackdown import sequences
from crackdown.errors import Conflict, Forbidden
from members.models import Agency, User

FINISHED = (OperationStatus.CLOSED, OperationStatus.CANCELLED)

# Lifecycle: the only moves there are.
OPERATION_MOVES: dict[str, tuple[str, ...]] = {
    "activate": (OperationStatus.PLANNED,),
    "close": (OperationStatus.ACTIVE,),
    "cancel": (OperationStatus.PLANNED, OperationStatus.ACTIVE),
}
OPERATION_TARGET = {
    "activate": OperationStatus.ACTIVE,
    "close": OperationStatus.CLOSED,
    "cancel": OperationStatus.CANCELLED,
}

# Work moves forward only; a step may be skipped (an officer may report done at once).
ASSIGNMENT_MOVES: dict[str, tuple[str, ...]] = {
    AssignmentStatus.OPEN: (AssignmentStatus.ACKNOWLEDGED, AssignmentStatus.IN_PROGRESS, AssignmentStatus.DONE),
    AssignmentStatus.ACKNOWLEDGED: (AssignmentStatus.IN_PROGRESS, AssignmentStatus.DONE),
    AssignmentStatus.IN_PROGRESS: (AssignmentStatus.DONE,),
    AssignmentStatus.DONE: (),
    AssignmentStatus.CANCELLED: (),
}
UNCHANGED: Any = object()


def _event(operation: JointOperation, by: User | None, action: str, **details: Any) -> OperationEvent:
    return OperationEvent.objects.create(
        operation=operation, by=by, agency_id=getattr(by, "agency_id", None), action=action, details=details
    )


def _lock(operation: JointOperation) -> JointOperation:
    """Re-read the operation under a row lock, with participants, inside the caller's transaction."""
    return (
        JointOperation.objects.select_for_update(of=("self",))
        .select_related("lead_agency")
        .prefetch_related("participations__agency")
        .get(pk=operation.pk)
    )


def _require_not_finished(operation: JointOperation) -> None:
    if operation.status in FINISHED:
        raise Conflict(_("The operation is %(status)s.") % {"status": operation.get_status_display().lower()})


def _clean_choices(values: Iterable[str] | None, allowed: list[str], field: str) -> list[str]:
    values = list(values or [])
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValidationError({field: [_("Unknown value: %(values)s.") % {"values": ", ".join(map(str, unknown))}]})
    # Keep the order of the choices and drop duplicates.
    return [v for v in allowed if v in values]


def _clean_operation(operation: JointOperation) -> None:
    operation.target_drugs = _clean_choices(operation.target_drugs, Drug.values, "target_drugs")
    operation.transport_modes = _clean_choices(operation.transport_modes, TransportMode.values, "transport_modes")
    if operation.starts_on and operation.ends_on and operation.ends_on < operation.starts_on:
        raise ValidationError({"ends_on": [_("The operation cannot end before it starts.")]})
    operation.full_clean(exclude=["code", "lead_agency", "created_by"])


def operation_create(
    *,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    description: str = "",
    target_drugs: Iterable[str] = (),
    transport_modes: Iterable[str] = (),
    by: User,
) -> JointOperation:
    """Create a planned operation led by the coordinator's agency, with a fresh unique code
    (JO-<year>-<nnn>) and the lead's accepted participation."""
    lead_agency_id = by.agency_id
    # can_create_operation() already refuses a user of no agency; the second test tells mypy so.
    if not permissions.can_create_operation(by) or lead_agency_id is None:
        raise Forbidden(_("Only a coordinator creates a joint operation."))
    operation = JointOperation(
        name=name,
        description=description or "",
        starts_on=starts_on,
        ends_on=ends_on,
        target_drugs=list(target_drugs or []),
        transport_modes=list(transport_modes or []),
        lead_agency_id=lead_agency_id,
        created_by=by,
    )
    _clean_operation(operation)
    with transaction.atomic():
        year = timezone.now().year
        number = sequences.next_value(f"operation:{year}")
        operation.code = f"JO-{year}-{number:03d}"
        operation.save()
        Participation.objects.create(
            operation=operation,
            agency_id=lead_agency_id,
            role=ParticipantRole.LEAD,
            status=ParticipantStatus.ACCEPTED,
            invited_by=by,
            responded_at=timezone.now(),
            responded_by=by,
        )
        _event(operation, by, "created", code=operation.code, name=operation.name)
    return operation


EDITABLE_FIELDS = ("name", "description", "starts_on", "ends_on", "target_drugs", "transport_modes")


def operation_update(*, operation: JointOperation, by: User, **changes: Any) -> JointOperation:
    """Change the plan of a planned or active operation (lead coordinators only); records what changed."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({field: [_("This field cannot be changed.")] for field in sorted(unknown)})
    permissions.require_lead_coordinator(by, operation)
    with transaction.atomic():
        locked = _lock(operation)
        _require_not_finished(locked)
        diff: dict[str, list[Any]] = {}
        for field, value in changes.items():
            old = getattr(locked, field)
            setattr(locked, field, value)
            diff[field] = [old, value]
        _clean_operation(locked)
        diff = {f: [_jsonable(o), _jsonable(getattr(locked, f))] for f, (o, _n) in diff.items()}
        diff = {f: v for f, v in diff.items() if v[0] != v[1]}
        if diff:
            locked.save()
            _event(locked, by, "updated", changes=diff)
    return locked


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def operation_invite(
    *, operation: JointOperation, agencies: Iterable[Agency], role: str = ParticipantRole.PARTICIPANT, by: User
) -> list[Participation]:
    """Invite active agencies that are not yet part of the operation, and alert each of them."""
    permissions.require_lead_coordinator(by, operation)
    if role not in (ParticipantRole.PARTICIPANT, ParticipantRole.OBSERVER):
        raise ValidationError({"role": [_("Invite as participant or observer.")]})
    agencies = list({a.pk: a for a in agencies}.values())
    if not agencies:
        raise ValidationError({"agencies": [_("Choose at least one agency.")]})
    with transaction.atomic():
        locked = _lock(operation)
        _require_not_finished(locked)
        present = {p.agency_id for p in locked.participations.all()}
        already = sorted(a.code for a in agencies if a.pk in present)
        if already:
            raise ValidationError({"agencies": [_("Already invited: %(codes)s.") % {"codes": ", ".join(already)}]})
        inactive = sorted(a.code for a in agencies if not a.is_active)
        if inactive:
            raise ValidationError(
                {"agencies": [_("Not an active agency: %(codes)s.") % {"codes": ", ".join(inactive)}]}
            )
        created = Participation.objects.bulk_create(
            [Participation(operation=locked, agency=a, role=role, invited_by=by) for a in agencies]
        )
        for agency in agencies:
            _event(locked, by, "invited", agency=agency.code, role=role)
        notify_operation_invite(operation=locked, agencies=agencies, by=by)
    return created


def operation_respond(*, operation: JointOperation, accept: bool, by: User) -> Participation:
    """An invited agency's coordinator accepts or declines, once."""
    participation = permissions.participation_of(operation, by)
    if participation is None:
        raise Forbidden(_("Your agency was not invited."))
    if not permissions.can_answer_invitations(by):
        raise Forbidden(_("Only a coordinator answers an invitation."))
    with transaction.atomic():
        locked = _lock(operation)
        participation = Participation.objects.select_for_update().get(pk=participation.pk)
        if participation.status != ParticipantStatus.INVITED:
            raise Conflict(_("Your agency has already answered."))
        _require_not_finished(locked)
        participation.status = ParticipantStatus.ACCEPTED if accept else ParticipantStatus.DECLINED
        participation.responded_at = timezone.now()
        participation.responded_by = by
        participation.save(update_fields=["status", "responded_at", "responded_by"])
        # participation_of() found the invitation through by's agency, so there is one.
        assert by.agency is not None
        _event(locked, by, "accepted" if accept else "declined", agency=by.agency.code)
    return participation


def _move(operation: JointOperation, move: str, by: User) -> JointOperation:
    permissions.require_lead_coordinator(by, operation)
    with transaction.atomic():
        locked = _lock(operation)
        if locked.status not in OPERATION_MOVES[move]:
            raise Conflict(
                _("A %(status)s operation cannot be moved that way.") % {"status": locked.get_status_display().lower()}
            )
        old = locked.status
        locked.status = OPERATION_TARGET[move]
        locked.save(update_fields=["status", "updated_at"])
        _event(locked, by, locked.status, old=old, new=locked.status)
    return locked


def operation_activate(*, operation: JointOperation, by: User) -> JointOperation:
    """planned → active."""
    return _move(operation, "activate", by)


def operation_close(*, operation: JointOperation, by: User) -> JointOperation:
    """active → closed; the operation is then frozen."""
    return _move(operation, "close", by)


def operation_cancel(*, operation: JointOperation, by: User) -> JointOperation:
    """planned or active → cancelled; the operation is then frozen."""
    return _move(operation, "cancel", by)


def assignment_create(
    *,
    operation: JointOperation,
    agency: Agency,
    title: str,
    instructions: str = "",
    due_at: dt.datetime | None = None,
    assignee: User | None = None,
    by: User,
) -> Assignment:
    """The lead assigns work to an agency that accepted (never an observer), optionally to one of
    its officers, and the agency is alerted in the same transaction."""
    permissions.require_lead_coordinator(by, operation)
    with transaction.atomic():
        locked = _lock(operation)
        _require_not_finished(locked)
        participation = next((p for p in locked.participations.all() if p.agency_id == agency.pk), None)
        if participation is None or not permissions.can_be_assigned(participation):
            raise ValidationError(
                {"agency": [_("Work goes only to agencies that accepted the operation, and never to observers.")]}
            )
        _check_assignee(assignee, agency)
        assignment = Assignment(
            operation=locked,
            agency=agency,
            assignee=assignee,
            title=title,
            instructions=instructions or "",
            due_at=due_at,
            created_by=by,
        )
        assignment.full_clean(exclude=["operation", "agency", "assignee", "created_by"])
        assignment.save()
        _event(
            locked,
            by,
            "assigned",
            assignment=assignment.pk,
            title=assignment.title,
            agency=agency.code,
            assignee=getattr(assignee, "full_name", None),
        )
        notify_assignment(assignment=assignment, by=by)
    return assignment


def _check_assignee(assignee: User | None, agency: Agency) -> None:
    if assignee is not None and (assignee.agency_id != agency.pk or not permissions.can_be_assignee(assignee)):
        raise ValidationError({"assignee": [_("The assignee must be an officer or coordinator of the agency.")]})


def assignment_update(
    *,
    assignment: Assignment,
    by: User,
    status: str | None = None,
    outcome: str | None = None,
    assignee: Any = UNCHANGED,
) -> Assignment:
    """The assigned agency moves its work forward (done needs an outcome) and picks the assignee;
    the lead's coordinators may only cancel it."""
    operation = assignment.operation
    is_assigned_agency = by.agency_id == assignment.agency_id
    is_lead = permissions.is_lead_coordinator(by, operation)
    if status is not None and status not in AssignmentStatus.values:
        raise ValidationError({"status": [_("Unknown status.")]})
    if not is_assigned_agency:
        if not is_lead:
            raise Forbidden(_("Only the assigned agency updates this assignment."))
        if status != AssignmentStatus.CANCELLED or outcome is not None or assignee is not UNCHANGED:
            raise Forbidden(_("The lead may only cancel an assignment."))
    elif status == AssignmentStatus.CANCELLED and not is_lead:
        raise Forbidden(_("Only the lead cancels an assignment."))
    with transaction.atomic():
        locked_operation = _lock(operation)
        _require_not_finished(locked_operation)
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
        changes: dict[str, list[Any]] = {}
        if status is not None and status != locked.status:
            allowed = ASSIGNMENT_MOVES[locked.status]
            if status == AssignmentStatus.CANCELLED:
                allowed = () if locked.status in (AssignmentStatus.DONE, AssignmentStatus.CANCELLED) else (status,)
            if status not in allowed:
                raise Conflict(
                    _("An assignment cannot go from %(old)s to %(new)s.") % {"old": locked.status, "new": status}
                )
            changes["status"] = [locked.status, status]
            locked.status = status
        elif status is not None and locked.status in (AssignmentStatus.DONE, AssignmentStatus.CANCELLED):
            raise Conflict(_("The assignment is finished."))
        if outcome is not None and outcome != locked.outcome:
            if locked.status in (AssignmentStatus.DONE, AssignmentStatus.CANCELLED) and "status" not in changes:
                raise Conflict(_("The assignment is finished."))
            changes["outcome"] = [locked.outcome, outcome]
            locked.outcome = outcome
        if assignee is not UNCHANGED and getattr(assignee, "pk", None) != locked.assignee_id:
            _check_assignee(assignee, locked.agency)
            changes["assignee"] = [locked.assignee_id, getattr(assignee, "pk", None)]
            locked.assignee = assignee
        if locked.status == AssignmentStatus.DONE and not locked.outcome.strip():
            raise ValidationError({"outcome": [_("Say what came of it before marking it done.")]})
        if changes:
            locked.full_clean(exclude=["operation", "agency", "assignee", "created_by"])
            locked.save()
            _event(
                locked_operation,
                by,
                "assignment_updated",
                assignment=locked.pk,
                title=locked.title,
                agency=locked.agency.code,
                changes=changes,
            )
    locked.operation = operation
    return locked


def message_post(*, operation: JointOperation, body: str, by: User) -> OperationMessage:
    """Post to the operation's thread: any user of an agency that accepted (lead and observers too)."""
    permissions.require_board(by, operation)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [_("Write a message.")]})
    if len(body) > 5000:
        raise ValidationError({"body": [_("Keep a message under 5000 characters.")]})
    # require_board() admits only users of an agency that accepted.
    assert by.agency_id is not None
    with transaction.atomic():
        message = OperationMessage.objects.create(operation=operation, author=by, agency_id=by.agency_id, body=body)
        _event(operation, by, "message_posted", message=message.pk)
    return message


def _require_linker(seizure: Seizure, by: User) -> None:
    if by.agency_id != seizure.agency_id:
        raise Forbidden(_("Only the owning agency links its seizure."))
    if not permissions.can_link_seizures(by):
        raise Forbidden(_("Only officers and coordinators link seizures."))


def operation_link_seizure(*, operation: JointOperation, seizure: Seizure, by: User) -> Seizure:
    """The owning agency links its own seizure to an operation its agency has accepted; recorded
    on the seizure's history and on the operation's timeline."""
    return _set_seizure_operation(operation=operation, seizure=seizure, by=by, link=True)


def operation_unlink_seizure(*, operation: JointOperation, seizure: Seizure, by: User) -> Seizure:
    """The owning agency takes its seizure out of the operation."""
    return _set_seizure_operation(operation=operation, seizure=seizure, by=by, link=False)


def _set_seizure_operation(*, operation: JointOperation, seizure: Seizure, by: User, link: bool) -> Seizure:
    _require_linker(seizure, by)
    permissions.require_board(by, operation)
    with transaction.atomic():
        locked_operation = _lock(operation)
        _require_not_finished(locked_operation)
        locked = Seizure.objects.select_for_update().get(pk=seizure.pk)
        linked = locked.operation_id == locked_operation.pk
        if link and linked:
            raise Conflict(_("The seizure is already linked to this operation."))
        if not link and not linked:
            raise Conflict(_("The seizure is not linked to this operation."))
        old = locked.operation_id
        locked.operation = locked_operation if link else None
        locked.save(update_fields=["operation", "updated_at"])
        SeizureRevision.objects.create(
            seizure=locked,
            by=by,
            action=SeizureRevision.Action.LINKED,
            changes={"operation": [old, locked.operation_id]},
        )
        event = "seizure_linked" if link else "seizure_unlinked"
        _event(locked_operation, by, event, seizure=locked.pk, reference=locked.reference)
    return locked
