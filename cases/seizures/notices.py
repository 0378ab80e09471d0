"""What a seizure's submission tells partner agencies, and whom (DESIGN.md "Alerts").

Written beside the seizure; sent through the alert outbox in the caller's transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from cases.alerts.models import Alert
from cases.alerts.outbox import publish, site_language
from cases.choices import AlertKind, Drug, TransportMode
from cases.seizures.models import Seizure, SeizureNotice
from cases.seizures.visibility import operation_shown_to_all
from members.models import Agency, User


def seizure_notice_recipients(seizure: Seizure) -> list[Agency]:
    """Active member agencies of the countries on the route, other than the owner, that may see it."""
    route = set(seizure.route)
    if not route:
        return []
    candidates = (
        Agency.objects.active()
        .filter(country__in=route)
        .exclude(pk=seizure.agency_id)
        .exclude(pk__in=SeizureNotice.objects.filter(seizure_id=seizure.pk).values("agency_id"))
        .order_by("code")
    )
    return [a for a in candidates if Seizure.objects.visible_to_agency(a.pk).filter(pk=seizure.pk).exists()]


def _seizure_summary(seizure: Seizure) -> tuple[str, str]:
    items = list(seizure.items.all())
    drugs = ", ".join(sorted({str(Drug(i.drug).label) if i.drug in Drug.values else i.drug for i in items}))
    weight = f"{seizure.total_weight_kg.normalize():f} kg " if seizure.total_weight_kg else ""
    route = " → ".join(seizure.route)
    title = _("Seizure %(ref)s: %(weight)s%(drugs)s, %(route)s") % {
        "ref": seizure.reference,
        "weight": weight,
        "drugs": drugs or _("drugs"),
        "route": route,
    }
    mode = TransportMode(seizure.transport_mode).label if seizure.transport_mode in TransportMode.values else ""
    lines = [
        _("Reported by %(agency)s.") % {"agency": seizure.agency.name},
        _("Transport mode: %(mode)s.") % {"mode": mode},
        _("Route: %(route)s.") % {"route": route},
    ]
    if seizure.location:
        lines.append(_("Location: %(location)s.") % {"location": seizure.location})
    for item in items:
        lines.append(f"- {item.quantity.normalize():f} {item.unit} {item.drug} {item.description}".rstrip())
    return title, "\n".join(lines)


def _operation_named_to(seizure: Seizure, recipients: list[Agency]) -> Model | None:
    """The seizure's operation if every recipient may learn of it, else None (one alert is
    shared by all recipients: an agency named in shared_with need not be in the operation)."""
    if seizure.operation_id is None:
        return None
    if operation_shown_to_all(seizure, [agency.pk for agency in recipients]):
        return seizure.operation
    return None


def notify_seizure_submitted(*, seizure: Seizure, by: User) -> Alert | None:
    """Tell the agencies of the countries on the seizure's route that may see it (once each).

    Guarantees: each (seizure, agency) pair is told at most once, whatever number of
    amendments follow (SeizureNotice); an agency that cannot see the seizure is not told;
    the alert and its deliveries commit or roll back with the caller's transaction.
    """
    with transaction.atomic():
        # Serialise concurrent submits/amendments of one seizure so a notice is written once.
        seizure = Seizure.objects.select_for_update().select_related("agency").get(pk=seizure.pk)
        recipients = seizure_notice_recipients(seizure)
        if not recipients:
            return None
        SeizureNotice.objects.bulk_create([SeizureNotice(seizure=seizure, agency=a) for a in recipients])
        with site_language():
            title, body = _seizure_summary(seizure)
        return publish(
            kind=AlertKind.SEIZURE_NOTICE,
            title=title,
            body=body,
            recipients=recipients,
            sender_agency=seizure.agency,
            sender=by,
            seizure=seizure,
            operation=_operation_named_to(seizure, recipients),
        )
