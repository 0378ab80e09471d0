"""What a joint operation tells its agencies: invitations and assignments (DESIGN.md "Alerts").

Written beside the operation; sent through the alert outbox in the caller's transaction. Each
notice is stored language-neutral and rendered for its reader (cases/alerts/texts.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cases.alerts import texts
from cases.alerts.models import Alert
from cases.alerts.outbox import publish
from cases.choices import AlertKind
from cases.operations.models import Assignment, JointOperation
from members.models import Agency, User

INVITE = "operations.invite"
ASSIGNMENT = "operations.assignment"


def _date(value: str) -> str:
    return formats.date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT", use_l10n=True) if value else ""


@texts.renderer(INVITE)
def render_invite(params: texts.Params) -> tuple[str, str]:
    title = _("Invitation to joint operation %(code)s %(name)s") % {"code": params["code"], "name": params["name"]}
    body = _("%(lead)s invites your agency to take part, %(start)s to %(end)s.") % {
        "lead": params["lead"],
        "start": _date(params["starts_on"]),
        "end": _date(params["ends_on"]),
    }
    if params["description"]:
        body += "\n\n" + params["description"]
    return title, body


@texts.renderer(ASSIGNMENT)
def render_assignment(params: texts.Params) -> tuple[str, str]:
    title = _("Assignment in %(code)s: %(title)s") % {"code": params["code"], "title": params["title"]}
    return title, params["instructions"]


def notify_operation_invite(*, operation: JointOperation, agencies: Iterable[Agency], by: User) -> Alert | None:
    """Tell each invited agency of the invitation (one alert, one delivery per agency)."""
    return publish(
        kind=AlertKind.OPERATION_INVITE,
        notice=INVITE,
        params={
            "code": operation.code,
            "name": operation.name,
            "lead": operation.lead_agency.name,
            "starts_on": operation.starts_on.isoformat() if operation.starts_on else "",
            "ends_on": operation.ends_on.isoformat() if operation.ends_on else "",
            "description": operation.description,
        },
        recipients=[a for a in agencies if a.pk != operation.lead_agency_id],
        sender_agency=operation.lead_agency,
        sender=by,
        operation=operation,
    )


def notify_assignment(*, assignment: Assignment, by: User) -> Alert | None:
    """Tell the assigned agency of a new assignment; its due date is the acknowledgement deadline."""
    operation = assignment.operation
    due = assignment.due_at if assignment.due_at and assignment.due_at > timezone.now() else None
    return publish(
        kind=AlertKind.ASSIGNMENT,
        notice=ASSIGNMENT,
        params={"code": operation.code, "title": assignment.title, "instructions": assignment.instructions},
        recipients=[assignment.agency],
        sender_agency=operation.lead_agency,
        sender=by,
        operation=operation,
        ack_due_at=due,
    )
