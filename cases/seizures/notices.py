"""What a seizure's submission tells partner agencies, and whom (DESIGN.md "Alerts").

Written beside the seizure; sent through the alert outbox in the caller's transaction.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Model
from django.utils import formats
from django.utils.translation import gettext as _

from cases.alerts import texts
from cases.alerts.models import Alert
from cases.alerts.outbox import publish
from cases.choices import AlertKind, Drug, TransportMode, Unit
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


SUBMITTED = "seizures.submitted"


def _label(choices: type[Drug] | type[TransportMode] | type[Unit], code: str) -> str:
    return str(choices(code).label) if code in choices.values else code


def _number(value: str) -> str:
    return formats.number_format(Decimal(value).normalize(), use_l10n=True)


def submitted_params(seizure: Seizure) -> dict:
    """The language-neutral values of a submission notice: codes and numbers, never words."""
    items = list(seizure.items.all())
    return {
        "ref": seizure.reference,
        "agency": seizure.agency.name,
        "weight_kg": f"{seizure.total_weight_kg.normalize():f}" if seizure.total_weight_kg else "",
        "drugs": sorted({item.drug for item in items}),
        "route": list(seizure.route),
        "mode": seizure.transport_mode,
        "location": seizure.location,
        "items": [
            {"quantity": f"{i.quantity.normalize():f}", "unit": i.unit, "drug": i.drug, "description": i.description}
            for i in items
        ],
    }


@texts.renderer(SUBMITTED)
def render_submitted(params: texts.Params) -> tuple[str, str]:
    """A submission notice in the active language."""
    drugs = ", ".join(sorted(_label(Drug, code) for code in params["drugs"]))
    weight = _("%(weight)s kg") % {"weight": _number(params["weight_kg"])} + " " if params["weight_kg"] else ""
    route = " → ".join(params["route"])
    title = _("Seizure %(ref)s: %(weight)s%(drugs)s, %(route)s") % {
        "ref": params["ref"],
        "weight": weight,
        "drugs": drugs or _("drugs"),
        "route": route,
    }
    lines = [
        _("Reported by %(agency)s.") % {"agency": params["agency"]},
        _("Transport mode: %(mode)s.") % {"mode": _label(TransportMode, params["mode"]) if params["mode"] else ""},
        _("Route: %(route)s.") % {"route": route},
    ]
    if params["location"]:
        lines.append(_("Location: %(location)s.") % {"location": params["location"]})
    for item in params["items"]:
        quantity = _number(item["quantity"])
        line = f"- {quantity} {_label(Unit, item['unit'])} {_label(Drug, item['drug'])} {item['description']}"
        lines.append(line.rstrip())
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
        return publish(
            kind=AlertKind.SEIZURE_NOTICE,
            notice=SUBMITTED,
            params=submitted_params(seizure),
            recipients=recipients,
            sender_agency=seizure.agency,
            sender=by,
            seizure=seizure,
            operation=_operation_named_to(seizure, recipients),
        )
