"""Urgent and flash alerts not acknowledged by their deadline are sent again, once, and the sender is told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.alerts.delivery import attempt
from cases.alerts.models import Alert, Delivery
from cases.alerts.services import alert_acknowledge, alert_create
from cases.alerts.tasks import escalate_overdue
from cases.choices import AlertKind, DeliveryStatus
from tests.cases.alerts.conftest import use_webhook

pytestmark = pytest.mark.django_db


def overdue(alert: Alert) -> None:
    Alert.objects.filter(pk=alert.pk).update(ack_due_at=timezone.now() - dt.timedelta(minutes=1))


def send(kim, *, priority="urgent", recipients=("TCD", "GDVC")) -> Alert:
    alert = alert_create(
        by=kim,
        kind="controlled_delivery",
        recipients=list(recipients),
        priority=priority,
        title="Controlled delivery of parcel EE123456789KR",
        ack_due_at=timezone.now() + dt.timedelta(hours=1),
    )
    for delivery in alert.deliveries.all():
        attempt(str(delivery.pk))
    return alert


def test_overdue_urgent_alert_is_sent_again_to_who_did_not_acknowledge(
    kim, somchai, tcd, receiver, django_capture_on_commit_callbacks
):
    use_webhook(tcd, receiver)
    alert = send(kim)
    alert_acknowledge(alert=alert, by=somchai, outcome="Watching the parcel")  # Thailand did
    overdue(alert)
    assert len(receiver.requests) == 1

    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert escalate_overdue() == 1
    vietnam = Delivery.objects.get(alert=alert, agency__code="GDVC")
    assert vietnam.escalated_at is not None
    assert vietnam.status == DeliveryStatus.PENDING
    assert Delivery.objects.get(alert=alert, agency__code="TCD").escalated_at is None
    assert Alert.objects.get(pk=alert.pk).escalated_at is not None
    # Queued on commit: the escalated delivery and the notice to the sender.
    assert len(queued) == 2


def test_the_sender_agency_is_told_who_did_not_acknowledge(kim):
    alert = send(kim)
    overdue(alert)
    escalate_overdue()
    notice = Alert.objects.exclude(pk=alert.pk).get()
    assert notice.kind == AlertKind.MESSAGE
    assert notice.sender_agency is None
    assert list(notice.deliveries.values_list("agency__code", flat=True)) == ["KCS"]
    assert "GDVC" in notice.body and "TCD" in notice.body


def test_escalation_happens_once(kim):
    alert = send(kim)
    overdue(alert)
    assert escalate_overdue() == 2
    assert escalate_overdue() == 0
    assert Alert.objects.count() == 2  # the alert and one notice to the sender


def test_escalated_webhook_is_resent_with_the_same_delivery_id(kim, tcd, receiver):
    use_webhook(tcd, receiver)
    alert = send(kim, recipients=("TCD",))
    overdue(alert)
    escalate_overdue()
    delivery = Delivery.objects.get(alert=alert)
    attempt(str(delivery.pk))
    assert receiver.deliveries() == [str(delivery.pk), str(delivery.pk)]
    assert "escalated_at" in receiver.requests[1].json
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.DELIVERED


def test_routine_alert_and_alert_before_its_deadline_do_not_escalate(kim):
    routine = send(kim, priority="routine")
    overdue(routine)
    send(kim, priority="flash")  # deadline still an hour away
    assert escalate_overdue() == 0
