"""Celery tasks of the alert outbox. They take ids and call the delivery code.

acks_late: a worker killed mid-task leaves its message to be redelivered; the row's claim and
per-channel timestamps make that harmless.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from cases.alerts import delivery as engine
from cases.alerts.emails import DIGEST_EVERY, send_digest
from cases.alerts.models import Alert, AlertPreference, Delivery
from cases.alerts.outbox import BROKER_ERRORS, queue_delivery
from cases.alerts.services import alert_escalate
from cases.choices import Priority

logger = logging.getLogger(__name__)

SWEEP_BATCH = 1000
# A delivery queued at commit normally runs within seconds: leave it to its own task first.
SWEEP_GRACE = dt.timedelta(seconds=15)


@shared_task(name="alerts.deliver", acks_late=True, ignore_result=True)
def deliver(delivery_id: str) -> None:
    countdown = engine.attempt(delivery_id)
    if countdown is None or deliver.app.conf.task_always_eager:
        return
    try:
        deliver.apply_async((delivery_id,), countdown=countdown)
    except BROKER_ERRORS as exc:
        # The row holds next_attempt_at: the sweeper queues the retry once the broker is back.
        logger.warning("retry of alert delivery %s not queued: %s", delivery_id, exc)


@shared_task(name="alerts.queue_deliveries", acks_late=True, ignore_result=True)
def queue_deliveries(delivery_ids: list[str]) -> int:
    """Queue a delivery task for each of an event's deliveries; returns how many were queued.

    Run again after a worker died (acks_late), it queues some twice: harmless, each delivery
    task claims its row first.
    """
    return _queue_until_refused(delivery_ids)


@shared_task(name="alerts.sweep_deliveries", ignore_result=True)
def sweep_deliveries() -> int:
    """Queue every pending delivery that is due and not held by a worker; returns how many."""
    now = timezone.now()
    due = list(
        Delivery.objects.filter(engine.OUTSTANDING, next_attempt_at__lte=now - SWEEP_GRACE)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    return _queue_until_refused(str(pk) for pk in due)


def _queue_until_refused(delivery_ids: Iterable[str]) -> int:
    """Queue each delivery until the broker refuses one; the sweeper queues the rest later."""
    queued = 0
    for delivery_id in delivery_ids:
        if not queue_delivery(delivery_id):
            break
        queued += 1
    return queued


@shared_task(name="alerts.escalate_overdue", ignore_result=True)
def escalate_overdue() -> int:
    """Escalate urgent and flash alerts not acknowledged by their deadline; returns deliveries escalated."""
    now = timezone.now()
    alert_ids = (
        Alert.objects.filter(priority__in=[Priority.URGENT, Priority.FLASH], ack_due_at__lt=now)
        .filter(deliveries__acknowledged_at__isnull=True, deliveries__escalated_at__isnull=True)
        .values_list("pk", flat=True)
        .distinct()
    )
    count = 0
    for alert in Alert.objects.filter(pk__in=list(alert_ids)).select_related("sender_agency", "seizure", "operation"):
        count += len(alert_escalate(alert=alert))
    return count


@shared_task(name="alerts.send_digests", ignore_result=True)
def send_digests() -> int:
    """Send the daily digest to each agency that asked for one and had none for a day."""
    now = timezone.now()
    sent = 0
    preferences = AlertPreference.objects.filter(routine_as_digest=True, email_enabled=True).select_related("agency")
    for preference in preferences.filter(Q(digest_sent_at__isnull=True) | Q(digest_sent_at__lte=now - DIGEST_EVERY)):
        if send_digest(preference, now=now):
            sent += 1
    return sent
