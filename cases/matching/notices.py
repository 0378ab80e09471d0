"""What a cross-agency match tells each side, and an access request its owner (DESIGN.md "Alerts").

Each side learns its own seizure and the other agency's code and name, never the other
seizure's reference. Sent through the alert outbox in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.alerts import texts
from cases.alerts.models import Alert
from cases.alerts.outbox import publish, publish_many
from cases.choices import AlertKind, IdentifierKind, Priority
from cases.matching.models import AccessRequest, Match
from members.models import Agency

MATCH = "matching.match"


@texts.renderer(MATCH)
def render_match(params: texts.Params) -> tuple[str, str]:
    """A match in the active language; the identifier's kind is a code, shown by its label."""
    code = params["kind"]
    kind = str(IdentifierKind(code).label) if code in IdentifierKind.values else code
    # The title names the reader's own seizure and the day of the partner's, so that two matches
    # of one identifier read apart; the partner's reference stays unsaid.
    if params.get("day"):
        title = _("Match on %(ref)s: %(kind)s %(value)s also seized by %(agency)s on %(day)s") % {
            "ref": params["ref"],
            "kind": kind,
            "value": params["value"],
            "agency": params["agency_code"],
            "day": params["day"],
        }
    else:
        title = _("Match: %(kind)s %(value)s also seized by %(agency)s") % {
            "kind": kind,
            "value": params["value"],
            "agency": params["agency_code"],
        }
    body = _(
        "Your seizure %(ref)s shares the %(kind)s %(value)s with a seizure of %(agency)s. "
        "The matches page (%(matches)s) links both seizures where you may see them, "
        "and asks for access where you may not."
    ) % {
        "ref": params["ref"],
        "kind": kind,
        "value": params["value"],
        "agency": params["agency_name"],
        "matches": reverse("matching:list"),
    }
    return title, body


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
            params = {
                "kind": match.kind,
                "value": match.normalized,
                "agency_code": other.agency.code,
                "agency_name": other.agency.name,
                "ref": own.reference,
                "day": other.occurred_at.astimezone(dt.UTC).date().isoformat(),
            }
            alert = Alert(kind=AlertKind.MATCH, notice=MATCH, params=params, priority=Priority.URGENT, seizure=own)
            drafts.append((alert, [own.agency]))
    return publish_many(drafts)


def notify_access_request(*, access_request: AccessRequest) -> Alert | None:
    """Tell the owner of a hidden matched seizure that another agency asks to see it."""
    seizure = access_request.seizure
    return publish(
        kind=AlertKind.MESSAGE,
        title=gettext_lazy("%(agency)s asks to see seizure %(ref)s"),
        body=gettext_lazy("It matched one of their seizures. Share it with them from the seizure page if you agree.")
        if access_request.match_id is not None
        else gettext_lazy(
            "It carries a value one of their lookouts watches. Share it with them from the matches page if you agree."
        ),
        params={"agency": access_request.requesting_agency.code, "ref": seizure.reference},
        recipients=[seizure.agency],
        sender_agency=access_request.requesting_agency,
        sender=access_request.requested_by,
        seizure=seizure,
    )
