"""Who may do what with alerts: the one place views, the API, services and templates ask."""

from __future__ import annotations

from typing import Any

from cases.alerts.models import Alert
from members.models import Agency, Role
from members.permissions import is_agency_admin, works_cases


def can_send_alerts(user: Any) -> bool:
    """Officers and coordinators send manual alerts; agency admins and platform admins do not."""
    return works_cases(user)


def can_see_delivery_errors(user: Any, alert: Alert) -> bool:
    """Delivery errors are for the sender agency and the recipient agency's admins."""
    agency_id = getattr(user, "agency_id", None)
    if not agency_id:
        return False
    if alert.sender_agency_id == agency_id:
        return True
    # The alert's deliveries are prefetched by the selectors that load it.
    return user.role == Role.AGENCY_ADMIN and any(d.agency_id == agency_id for d in alert.deliveries.all())


def can_set_preferences(user: Any, agency: Agency | None = None) -> bool:
    """Only an agency's own admins set which alerts it also receives by e-mail."""
    if not (getattr(user, "is_authenticated", False) and user.is_active and user.role == Role.AGENCY_ADMIN):
        return False
    return agency is None or user.agency_id == agency.pk


def can_manage_webhook(user: Any) -> bool:
    """An agency's own admins read its delivery log and send it a test delivery."""
    return is_agency_admin(user)
