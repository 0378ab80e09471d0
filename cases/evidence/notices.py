"""What an evidence event tells an agency (DESIGN.md "Alerts"), through the alert outbox."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cases.alerts.models import Alert
from cases.alerts.outbox import publish, site_language
from cases.choices import AlertKind, Priority
from cases.evidence.models import Evidence
from members.models import User


def notify_integrity_failure(*, evidence: Evidence, by: User | None) -> Alert | None:
    """Tell the owning agency (its admins read the inbox) that a stored file no longer matches
    the hash it was uploaded with."""
    seizure = evidence.seizure
    with site_language():
        title = _("Evidence file %(name)s of %(ref)s failed its integrity check") % {
            "name": evidence.filename,
            "ref": seizure.reference,
        }
        body = _(
            "The stored bytes no longer match the SHA-256 recorded at upload (%(sha)s). Downloads of "
            "this file are refused until it is restored from a trusted copy."
        ) % {"sha": evidence.sha256}
    return publish(
        kind=AlertKind.MESSAGE,
        priority=Priority.URGENT,
        title=title[:300],
        body=body,
        recipients=[seizure.agency],
        sender=by,
        seizure=seizure,
    )
