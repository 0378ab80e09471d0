"""What a lookout hit and a deconfliction tell each agency (DESIGN.md "Alerts").

A hit tells the lookout's agency which of its values was seen and in whose record; the
seizure's reference and link only where that agency may see the seizure (else the hit is
blind). A deconfliction names the other agency and a contact, never the other lookout's
title or reason. Sent through the alert outbox in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.alerts.models import Alert
from cases.alerts.outbox import publish_many, site_language
from cases.choices import AlertKind, Priority
from cases.lookouts.models import Deconfliction, Hit, HitSource, Lookout

if TYPE_CHECKING:
    from cases.seizures.models import Seizure
    from members.models import Agency


def _values_text(hits: Iterable[Hit]) -> str:
    return ", ".join(sorted({f"{hit.kind} {hit.normalized}" for hit in hits}))


def notify_hits(
    *, hits: list[Hit], record_agency: Agency, seizure: Seizure | None, source: str, visible_to: set[int]
) -> list[Alert]:
    """One urgent `lookout_hit` alert per lookout hit by one record, to the lookout's agency.

    `visible_to` holds the agencies that may see the record: only they read its reference and
    get the link; for the others the hit is blind (agency and kind of value only).
    """
    by_lookout: dict[int, list[Hit]] = {}
    for hit in hits:
        by_lookout.setdefault(hit.lookout_id, []).append(hit)
    drafts: list[tuple[Alert, list[Agency]]] = []
    for group in by_lookout.values():
        lookout = group[0].lookout
        seen = lookout.agency_id in visible_to
        with site_language():
            if seen and seizure is not None:
                title = _("Lookout hit: %(values)s in seizure %(ref)s") % {
                    "values": _values_text(group),
                    "ref": seizure.reference,
                }
                body = _("Your lookout “%(title)s” watches a value carried by seizure %(ref)s of %(agency)s.") % {
                    "title": lookout.title,
                    "ref": seizure.reference,
                    "agency": record_agency.name,
                }
            elif source == HitSource.MANIFEST_LINE:
                title = _("Lookout hit: %(values)s on a manifest line of %(agency)s") % {
                    "values": _values_text(group),
                    "agency": record_agency.code,
                }
                body = _("Your lookout “%(title)s” watches a value declared on an arriving manifest line.") % {
                    "title": lookout.title
                }
            else:
                title = _("Lookout hit: a %(kinds)s you watch, in a record of %(agency)s") % {
                    "kinds": ", ".join(sorted({hit.kind for hit in group})),
                    "agency": record_agency.code,
                }
                body = _(
                    "Your lookout “%(title)s” hit a record your agency may not see. "
                    "Ask %(agency)s for access from the lookout's page."
                ) % {"title": lookout.title, "agency": record_agency.name}
        alert = Alert(
            kind=AlertKind.LOOKOUT_HIT,
            priority=Priority.URGENT,
            title=title,
            body=body,
            seizure=seizure if seen else None,
        )
        drafts.append((alert, [lookout.agency]))
    return publish_many(drafts)


def notify_retro_hits(*, lookout: Lookout, hits: int, records: int) -> list[Alert]:
    """The retro-hunt's one summary alert: how many earlier seizures carry the lookout's values."""
    if not hits:
        return []
    with site_language():
        title = ngettext(
            "Lookout “%(title)s”: %(count)d earlier seizure carries a watched value",
            "Lookout “%(title)s”: %(count)d earlier seizures carry a watched value",
            records,
        ) % {"title": lookout.title, "count": records}
        body = _("The lookout's page lists the hits; blind ones offer an access request.")
    alert = Alert(kind=AlertKind.LOOKOUT_HIT, priority=Priority.URGENT, title=title, body=body)
    return publish_many([(alert, [lookout.agency])])


def notify_deconflictions(*, deconflictions: Iterable[Deconfliction]) -> list[Alert]:
    """Tell both agencies that they watch the same value: the other agency and its contact only.

    The lookouts and their agencies and creators should be loaded by the caller.
    """
    pairs: dict[tuple[int, int], list[Deconfliction]] = {}
    for item in deconflictions:
        pairs.setdefault((item.lookout_a_id, item.lookout_b_id), []).append(item)
    drafts: list[tuple[Alert, list[Agency]]] = []
    for items in pairs.values():
        a, b = items[0].lookout_a, items[0].lookout_b
        values = ", ".join(sorted({f"{item.kind} {item.normalized}" for item in items}))
        for own, other in ((a, b), (b, a)):
            contact = other.created_by
            with site_language():
                title = _("Deconfliction: %(agency)s also watches %(values)s") % {
                    "agency": other.agency.code,
                    "values": values,
                }
                body = _(
                    "%(agency)s has an active lookout on the same value as your lookout “%(title)s”. "
                    "Contact: %(contact)s. Coordinate before acting."
                ) % {
                    "agency": other.agency.name,
                    "title": own.title,
                    "contact": f"{contact.full_name} <{contact.email}>" if contact else other.agency.name,
                }
            alert = Alert(kind=AlertKind.DECONFLICTION, priority=Priority.URGENT, title=title, body=body)
            drafts.append((alert, [own.agency]))
    return publish_many(drafts)
