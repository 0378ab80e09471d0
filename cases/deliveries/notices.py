"""What a controlled delivery tells its agencies (DESIGN.md "Alerts"): every step, flash.

Written beside the delivery; sent through the alert outbox in the caller's transaction, to
every agency of the delivery but the one that acted.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from cases.alerts.models import Alert
from cases.alerts.outbox import publish, site_language
from cases.choices import AlertKind, Priority
from cases.deliveries.models import ControlledDelivery
from cases.deliveries.selectors import delivery_agencies
from members.models import Agency, User


def _step_title(delivery: ControlledDelivery, action: str) -> str:
    titles = {
        "requested": _("Controlled delivery %(code)s requested by %(agency)s"),
        "accepted": _("Controlled delivery %(code)s: accepted by %(agency)s"),
        "declined": _("Controlled delivery %(code)s: declined by %(agency)s"),
        "departed": _("Controlled delivery %(code)s is in transit"),
        "handed_over": _("Controlled delivery %(code)s: leg handed over by %(agency)s"),
        "completed": _("Controlled delivery %(code)s completed"),
        "aborted": _("Controlled delivery %(code)s aborted by %(agency)s"),
        "overdue": _("Controlled delivery %(code)s: a leg is overdue"),
    }
    return titles[action]


def notify_step(
    *, delivery: ControlledDelivery, action: str, agency: Agency | None, by: User | None, notes: str = ""
) -> Alert | None:
    """Tell every agency of the delivery, but the one that acted, of a step (flash)."""
    recipients = [a for a in delivery_agencies(delivery) if agency is None or a.pk != agency.pk]
    with site_language():
        title = _step_title(delivery, action) % {
            "code": delivery.code,
            "agency": agency.code if agency else "",
        }
        lines = [
            _("Consignment: %(description)s (%(drug)s, about %(quantity)s %(unit)s).")
            % {
                "description": delivery.description,
                "drug": delivery.get_drug_display(),
                "quantity": f"{delivery.estimated_quantity.normalize():f}",
                "unit": delivery.get_unit_display(),
            },
            _("Route: %(route)s.") % {"route": " → ".join(_route(delivery))},
        ]
        if notes:
            lines.append(notes)
    return publish(
        kind=AlertKind.CONTROLLED_DELIVERY,
        title=title,
        body="\n".join(lines),
        priority=Priority.FLASH,
        recipients=recipients,
        sender_agency=agency,
        sender=by,
        operation=delivery.operation,
    )


def _route(delivery: ControlledDelivery) -> list[str]:
    legs = list(delivery.legs.all())
    if not legs:
        return []
    return [legs[0].from_place] + [leg.to_place for leg in legs]
