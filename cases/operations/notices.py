"""What a joint operation tells its agencies: invitations and assignments (DESIGN.md "Alerts").

Written beside the operation; sent through the alert outbox in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.alerts.models import Alert
from cases.alerts.outbox import publish, site_language
from cases.choices import AlertKind
from cases.operations.models import Assignment, JointOperation
from members.models import Agency, User


def notify_operation_invite(*, operation: JointOperation, agencies: Iterable[Agency], by: User) -> Alert | None:
    """Tell each invited agency of the invitation (one alert, one delivery per agency)."""
    with site_language():
        title = _("Invitation to joint operation %(code)s %(name)s") % {"code": operation.code, "name": operation.name}
        body = _("%(lead)s invites your agency to take part, %(start)s to %(end)s.") % {
            "lead": operation.lead_agency.name,
            "start": operation.starts_on,
            "end": operation.ends_on,
        }
        if operation.description:
            body += "\n\n" + operation.description
    return publish(
        kind=AlertKind.OPERATION_INVITE,
        title=title,
        body=body,
        recipients=[a for a in agencies if a.pk != operation.lead_agency_id],
        sender_agency=operation.lead_agency,
        sender=by,
        operation=operation,
    )


def notify_assignment(*, assignment: Assignment, by: User) -> Alert | None:
    """Tell the assigned agency of a new assignment; its due date is the acknowledgement deadline."""
    operation = assignment.operation
    with site_language():
        title = _("Assignment in %(code)s: %(title)s") % {"code": operation.code, "title": assignment.title}
    due = assignment.due_at if assignment.due_at and assignment.due_at > timezone.now() else None
    return publish(
        kind=AlertKind.ASSIGNMENT,
        title=title,
        body=assignment.instructions,
        recipients=[assignment.agency],
        sender_agency=operation.lead_agency,
        sender=by,
        operation=operation,
        ack_due_at=due,
    )
