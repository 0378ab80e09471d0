"""Who may move a controlled delivery: the one place the API, pages and services ask.

Which deliveries an agency sees at all is `ControlledDelivery.objects.visible_to` (404 else);
these rules decide what a reader of a visible delivery may do (403 else).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cases.deliveries.models import ControlledDelivery
from crackdown.errors import Forbidden
from members.models import Role


def is_coordinator(user: Any) -> bool:
    return bool(getattr(user, "is_active", False) and user.role == Role.COORDINATOR and user.agency_id)


def can_request(user: Any) -> bool:
    """A coordinator requests a controlled delivery for the agency."""
    return is_coordinator(user)


def is_requesting_coordinator(user: Any, delivery: ControlledDelivery) -> bool:
    return is_coordinator(user) and user.agency_id == delivery.requesting_agency_id


def leg_agency_ids(delivery: ControlledDelivery) -> set[int]:
    return {leg.agency_id for leg in delivery.legs.all()}


def can_respond(user: Any, delivery: ControlledDelivery) -> bool:
    return is_coordinator(user) and user.agency_id in leg_agency_ids(delivery)


def can_hand_over(user: Any, leg: Any) -> bool:
    return is_coordinator(user) and user.agency_id == leg.agency_id


def require_requesting_coordinator(user: Any, delivery: ControlledDelivery) -> None:
    if not is_requesting_coordinator(user, delivery):
        raise Forbidden(_("Only the requesting agency's coordinators steer the controlled delivery."))


def require_respond(user: Any, delivery: ControlledDelivery) -> None:
    if not can_respond(user, delivery):
        raise Forbidden(_("Only a coordinator of an agency on the route answers the request."))


def require_hand_over(user: Any, leg: Any) -> None:
    if not can_hand_over(user, leg):
        raise Forbidden(_("Only a coordinator of the leg's agency records its handover."))
