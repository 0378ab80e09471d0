"""One delivery attempt: claim the row, send by each channel once, record the outcome.

Called by the Celery task cases.alerts.tasks.deliver with a delivery id. Safe to run twice at
once or again after a crash: the conditional UPDATE lets one worker in, each channel is sent
at most once per (re)send (email_sent_at / webhook_sent_at), and a worker that dies
mid-delivery leaves a claim that expires so the sweeper sends again with the same delivery id
(the receiver dedupes by it).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import uuid
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils import timezone, translation

from cases.alerts import webhooks
from cases.alerts.emails import goes_to_digest, send_alert_email, wants_email
from cases.alerts.models import Delivery
from cases.alerts.selectors import alert_preference_for
from cases.alerts.serializers import AlertSerializer
from cases.choices import DeliveryStatus
from members.models import Agency

logger = logging.getLogger(__name__)

# A worker holds a delivery this long; longer than an e-mail plus a webhook with its timeout.
CLAIM_FOR = dt.timedelta(minutes=2)
# Waits after attempt 1, 2, ...: 6 attempts over about 37 minutes, the first retry within a minute.
RETRY_DELAYS = (30, 120, 300, 600, 1200)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
JITTER = 0.2
# A task that arrives a little early (clock skew, ETA rounding) still runs.
EARLY = dt.timedelta(seconds=5)


def retry_delay(attempts: int) -> float:
    """Seconds to wait after `attempts` failed attempts: exponential-ish, ±20% jitter.

    Always below the broker's visibility timeout, so Redis never redelivers a waiting ETA task.
    """
    base = RETRY_DELAYS[min(max(attempts, 1), len(RETRY_DELAYS)) - 1]
    delay = base * random.uniform(1 - JITTER, 1 + JITTER)
    return min(delay, settings.CELERY_VISIBILITY_TIMEOUT - 60)


# Still to be sent: pending, or acknowledged in the app before every channel was sent (an
# acknowledgement is recorded, it does not stop the webhook or the e-mail; next_attempt_at is
# cleared only when the delivery is done or has given up).
OUTSTANDING = Q(status=DeliveryStatus.PENDING) | Q(status=DeliveryStatus.ACKNOWLEDGED, next_attempt_at__isnull=False)


def claim(delivery_id: str, now: dt.datetime) -> bool:
    """Take the delivery for CLAIM_FOR if it is still to be sent, due and nobody holds it."""
    return (
        Delivery.objects.filter(OUTSTANDING, pk=delivery_id)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + EARLY))
        .update(claimed_until=now + CLAIM_FOR)
        == 1
    )


def webhook_body(delivery: Delivery) -> bytes:
    alert = delivery.alert
    # In English, with the notice and its params for the receiving system to render itself.
    with translation.override(settings.LANGUAGE_CODE):
        payload: dict[str, Any] = {
            "delivery": str(delivery.pk),
            "alert": AlertSerializer(alert, context={"viewer_agency_id": delivery.agency_id}).data,
        }
    if delivery.escalated_at:
        payload["escalated_at"] = delivery.escalated_at
    return json.dumps(payload, cls=DjangoJSONEncoder, separators=(",", ":")).encode()


def attempt(delivery_id: str) -> float | None:
    """Run one attempt. Returns the seconds until a retry is due, or None when done or not ours."""
    now = timezone.now()
    try:
        if not claim(delivery_id, now):
            return None
    except (ValueError, Delivery.DoesNotExist):
        return None
    delivery = (
        Delivery.objects.select_related("agency", "alert", "alert__sender_agency", "alert__seizure")
        .prefetch_related("alert__deliveries__agency", "alert__deliveries__acknowledged_by")
        .get(pk=delivery_id)
    )
    agency = delivery.agency
    preference = alert_preference_for(agency)
    errors: list[str] = []

    if (
        delivery.email_sent_at is None
        and wants_email(delivery, preference)
        and not goes_to_digest(delivery, preference)
    ):
        try:
            send_alert_email(delivery)
        except Exception as exc:  # any SMTP or backend failure is retried
            errors.append(f"e-mail: {exc.__class__.__name__}: {exc}")
        else:
            Delivery.objects.filter(pk=delivery.pk).update(email_sent_at=timezone.now())

    if agency.webhook_enabled and agency.webhook_url and delivery.webhook_sent_at is None:
        try:
            webhooks.post(
                url=agency.webhook_url,
                secret=agency.webhook_secret,
                delivery_id=str(delivery.pk),
                body=webhook_body(delivery),
            )
        except webhooks.WebhookError as exc:
            errors.append(f"webhook: {exc}")
        else:
            Delivery.objects.filter(pk=delivery.pk).update(webhook_sent_at=timezone.now())

    attempts = delivery.attempts + 1
    done = timezone.now()
    if not errors:
        Delivery.objects.filter(pk=delivery.pk).update(
            attempts=attempts, claimed_until=None, next_attempt_at=None, last_error=""
        )
        # Only a pending row becomes delivered: an acknowledgement meanwhile stays.
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.DELIVERED, delivered_at=done
        )
        Delivery.objects.filter(pk=delivery.pk, delivered_at__isnull=True).update(delivered_at=done)
        return None
    last_error = "; ".join(errors)[:2000]
    if attempts >= MAX_ATTEMPTS:
        logger.warning("alert delivery %s failed after %d attempts: %s", delivery.pk, attempts, last_error)
        Delivery.objects.filter(pk=delivery.pk).update(
            attempts=attempts, claimed_until=None, next_attempt_at=None, last_error=last_error
        )
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(status=DeliveryStatus.FAILED)
        return None
    delay = retry_delay(attempts)
    logger.info("alert delivery %s attempt %d failed (%s); retry in %.0f s", delivery.pk, attempts, last_error, delay)
    Delivery.objects.filter(pk=delivery.pk).update(
        attempts=attempts,
        claimed_until=None,
        next_attempt_at=done + dt.timedelta(seconds=delay),
        last_error=last_error,
    )
    return delay


def send_test(agency: Agency) -> str | None:
    """POST a signed test delivery to the agency's webhook now; None when it was accepted
    (2xx), else the error, as a delivery would record it. Nothing is stored."""
    if not agency.webhook_url:
        return "no webhook URL is set for the agency"
    delivery_id = str(uuid.uuid4())
    body = json.dumps({"delivery": delivery_id, "test": True, "alert": None}, separators=(",", ":")).encode()
    try:
        webhooks.post(url=agency.webhook_url, secret=agency.webhook_secret, delivery_id=delivery_id, body=body)
    except webhooks.WebhookError as exc:
        return str(exc)
    return None
