"""What a cross-agency match tells each side, and an access request its owner (DESIGN.md "Alerts").

Each side learns its own seizure and the other agency's code and name, never the other
seizure's reference. Sent through the alert outbox in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from cases.alerts.models import Alert
from cases.alerts.outbox import publish, publish_many, site_language
from cases.choices import AlertKind, Priority
from cases.matching.models import AccessRequest, Match
from members.models import Agency


def notify_match(*, match: Match) -> list[Alert]:
    """Tell both agencies of a new cross-agency match (no detail of a seizure they cannot see).

    One alert per agency, each linked to that agency's own seizure only; the other side is
    named by agency and identifier, never by reference.
    """
    return notify_matches(matches=[match])


def notify_matches(*, matches: Iterable[Match]) -> list[Alert]:
    """notify_match for several matches at once, written in one pair of multi-row INSERTs.

    The matches' seizures and their agencies should be loaded (select_related) by the caller.
    """
    drafts: list[tuple[Alert, list[Agency]]] = []
    for match in matches:
        pairs = ((match.seizure_a, match.seizure_b), (match.seizure_b, match.seizure_a))
        for own, other in pairs:
            if own.agency_id == other.agency_id:
                continue
            with site_language():
                title = _("Match: %(kind)s %(value)s also seized by %(agency)s") % {
                    "kind": match.kind,
                    "value": match.normalized,
                    "agency": other.agency.code,
                }
                body = _("Your seizure %(ref)s shares the %(kind)s %(value)s with a seizure of %(agency)s.") % {
                    "ref": own.reference,
                    "kind": match.kind,
                    "value": match.normalized,
                    "agency": other.agency.name,
                }
            alert = Alert(kind=AlertKind.MATCH, title=title, body=body, priority=Priority.URGENT, seizure=own)
            drafts.append((alert, [own.agency]))
    return publish_many(drafts)


def notify_access_request(*, access_request: AccessRequest) -> Alert | None:
    """Tell the owner of a hidden matched seizure that another agency asks to see it."""
    seizure = access_request.seizure
    with site_language():
        title = _("%(agency)s asks to see seizure %(ref)s") % {
            "agency": access_request.requesting_agency.code,
            "ref": seizure.reference,
        }
        if access_request.match_id is None:
            body = _(
                "It carries a value one of their lookouts watches. "
                "Share it with them from the matches page if you agree."
            )
        else:
            body = _("It matched one of their seizures. Share it with them from the seizure page if you agree.")
    return publish(
        kind=AlertKind.MESSAGE,
        title=title,
        body=body,
        recipients=[seizure.agency],
        sender_agency=access_request.requesting_agency,
        sender=access_request.requested_by,
        seizure=seizure,
    )
