"""What a submitted bulk import tells each partner agency: one summary, not one alert per seizure.

Sent through the alert outbox in the import's transaction, so it is sent only if the import is.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.alerts.models import Alert
from cases.alerts.outbox import publish_many, site_language
from cases.choices import AlertKind, Priority
from cases.imports.models import SeizureImport
from members.models import Agency


@dataclass(frozen=True)
class PartnerCounts:
    """What one partner agency has in an import: seizures on a route through its country that it
    may see, and matches recorded between the import's seizures and its own."""

    agency: Agency
    on_route: int = 0
    matches: int = 0


def notify_import_summary(*, seizure_import: SeizureImport, partners: list[PartnerCounts]) -> list[Alert]:
    """One `import_summary` alert to each partner agency, with its counts and a link.

    Matches make the alert urgent (as a single match's alert is); a route alone is routine.
    """
    agency = seizure_import.agency
    total = seizure_import.created + seizure_import.updated
    drafts: list[tuple[Alert, list[Agency]]] = []
    for partner in partners:
        with site_language():
            title = ngettext(
                "%(agency)s imported %(count)s seizure record",
                "%(agency)s imported %(count)s seizure records",
                total,
            ) % {"agency": agency.code, "count": total}
            lines = [
                _("%(agency)s (%(name)s) imported and submitted a file of seizure records.")
                % {"agency": agency.code, "name": agency.name},
                _("New: %(created)s, updated: %(updated)s.")
                % {"created": seizure_import.created, "updated": seizure_import.updated},
            ]
            if partner.on_route:
                lines.append(
                    ngettext(
                        "%(count)s of them has a route through your country.",
                        "%(count)s of them have a route through your country.",
                        partner.on_route,
                    )
                    % {"count": partner.on_route}
                )
            if partner.matches:
                lines.append(
                    ngettext(
                        "%(count)s match with your agency's seizures was recorded: %(link)s",
                        "%(count)s matches with your agency's seizures were recorded: %(link)s",
                        partner.matches,
                    )
                    % {"count": partner.matches, "link": reverse("matching:list")}
                )
            lines.append(
                _("See their seizures: %(link)s") % {"link": f"{reverse('seizures:list')}?agency={agency.code}"}
            )
        alert = Alert(
            kind=AlertKind.IMPORT_SUMMARY,
            title=title,
            body="\n".join(lines),
            priority=Priority.URGENT if partner.matches else Priority.ROUTINE,
            sender_agency=agency,
            sender=seizure_import.created_by,
        )
        drafts.append((alert, [partner.agency]))
    return publish_many(drafts)
