"""What a pre-arrival alert says (DESIGN.md "Alerts"): the line's identifiers, route and ETA,
never its score or reasons (those draw on the sender's own records). Sent through the outbox
in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from cases.alerts.models import Alert
from cases.alerts.outbox import publish, site_language
from cases.choices import AlertKind
from cases.targeting.models import ManifestLine
from members.models import Agency, User


def notify_pre_arrival(*, line: ManifestLine, recipients: Iterable[Agency], priority: str, by: User) -> Alert | None:
    route = "→".join(line.route)
    identifiers = ", ".join(f"{i.get_kind_display()} {i.normalized}" for i in line.identifiers.all())
    with site_language():
        title = _("Pre-arrival: %(kind)s %(reference)s, ETA %(eta)s, route %(route)s") % {
            "kind": line.get_kind_display().lower(),
            "reference": line.reference,
            "eta": line.eta.strftime("%Y-%m-%d %H:%M UTC"),
            "route": route,
        }
        parts = [
            _("%(agency)s asks you to watch this arrival.") % {"agency": line.agency.name},
            _("Reference: %(reference)s") % {"reference": line.reference},
            _("Route: %(route)s") % {"route": route},
            _("Transport mode: %(mode)s") % {"mode": line.get_transport_mode_display()},
        ]
        if line.loading_place or line.discharge_place:
            parts.append(
                _("Loading: %(loading)s · Discharge: %(discharge)s")
                % {"loading": line.loading_place or "—", "discharge": line.discharge_place or "—"}
            )
        if identifiers:
            parts.append(_("Identifiers: %(identifiers)s") % {"identifiers": identifiers})
        if line.goods_description or line.hs_code:
            parts.append(
                _("Goods: %(goods)s (HS %(hs)s)") % {"goods": line.goods_description or "—", "hs": line.hs_code or "—"}
            )
        for party in ("shipper", "consignee"):
            if getattr(line, party):
                label = _("Shipper") if party == "shipper" else _("Consignee")
                parts.append(f"{label}: {getattr(line, party)}")
    return publish(
        kind=AlertKind.PRE_ARRIVAL,
        recipients=recipients,
        title=title,
        body="\n".join(parts),
        priority=priority,
        sender_agency=line.agency,
        sender=by,
    )
