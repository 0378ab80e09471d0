"""E-mail of alerts to an agency's contact address, and the daily digest of routine alerts.

Which alerts go by e-mail is the agency's choice (AlertPreference): the rest stay in-app.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from cases.alerts.models import AlertPreference, Delivery
from cases.choices import Priority

DIGEST_EVERY = dt.timedelta(hours=23)


def _site_url() -> str:
    return getattr(settings, "SITE_URL", "").rstrip("/")


def _alert_url(alert_id: int) -> str:
    return _site_url() + reverse("alerts:detail", args=[alert_id])


def wants_email(delivery: Delivery, preference: AlertPreference) -> bool:
    """Whether the agency wants this alert by e-mail at all (now or in the digest)."""
    agency = delivery.agency
    if not agency.contact_email or not preference.email_enabled:
        return False
    alert = delivery.alert
    if preference.email_kinds and alert.kind not in preference.email_kinds:
        return False
    seizure = alert.seizure
    if seizure is not None:
        if preference.email_transport_modes and seizure.transport_mode not in preference.email_transport_modes:
            return False
        if preference.email_drugs:
            drugs = {item.drug for item in seizure.items.all()}
            if not drugs & set(preference.email_drugs):
                return False
    return True


def goes_to_digest(delivery: Delivery, preference: AlertPreference) -> bool:
    # An escalated delivery is never routine news: it is sent at once.
    return (
        preference.routine_as_digest and delivery.alert.priority == Priority.ROUTINE and delivery.escalated_at is None
    )


def send_alert_email(delivery: Delivery) -> None:
    alert = delivery.alert
    # Each recipient agency reads it in its own language (the alert renders per reader).
    with translation.override(delivery.agency.mail_language):
        context = {"alert": alert, "delivery": delivery, "url": _alert_url(alert.pk)}
        subject = render_to_string("alerts/email/alert_subject.txt", context).strip()
        body = render_to_string("alerts/email/alert.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [delivery.agency.contact_email])


def send_digest(preference: AlertPreference, *, now: dt.datetime | None = None) -> int:
    """Send one agency's digest of routine alerts not yet e-mailed; returns how many it listed.

    Marks each listed delivery e-mailed and the preference's digest_sent_at, so a listed
    alert never appears in a second digest.
    """
    now = now or timezone.now()
    since = preference.digest_sent_at or now - dt.timedelta(days=1)
    deliveries = list(
        Delivery.objects.filter(
            agency_id=preference.agency_id,
            email_sent_at__isnull=True,
            alert__priority=Priority.ROUTINE,
            created_at__gte=since,
            created_at__lt=now,
        )
        .select_related("alert", "alert__seizure", "alert__sender_agency", "agency")
        .order_by("created_at")
    )
    wanted = [d for d in deliveries if wants_email(d, preference)]
    if wanted:
        with translation.override(preference.agency.mail_language):
            context = {
                "agency": preference.agency,
                "items": [(d.alert, _alert_url(d.alert_id)) for d in wanted],
                "since": since,
            }
            subject = render_to_string("alerts/email/digest_subject.txt", context).strip()
            body = render_to_string("alerts/email/digest.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [preference.agency.contact_email])
        Delivery.objects.filter(pk__in=[d.pk for d in wanted]).update(email_sent_at=now)
    AlertPreference.objects.filter(pk=preference.pk).update(digest_sent_at=now)
    return len(wanted)
