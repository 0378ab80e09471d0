"""Delivery through a real Celery worker on the real Redis broker, to a real HTTP receiver.

Retries are driven by making the row due and running the sweeper, not by waiting minutes;
every wait is a poll on a condition with a timeout.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import transaction
from django.utils import timezone

from cases.alerts.delivery import MAX_ATTEMPTS
from cases.alerts.models import Delivery
from cases.alerts.services import alert_create
from cases.alerts.tasks import sweep_deliveries
from cases.alerts.webhooks import verify
from cases.choices import DeliveryStatus
from cases.seizures.notices import notify_seizure_submitted
from crackdown.celery import app as celery_app
from tests.cases.alerts.conftest import (
    WEBHOOK_SECRET,
    dead_broker,
    needs_broker,
    running_worker,
    use_webhook,
    wait_for,
)
from tests.factories import SeizureFactory, agency

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def make_due(delivery: Delivery) -> None:
    """As if the backoff had elapsed (the sweeper leaves rows alone for a short grace period)."""
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - dt.timedelta(minutes=1))


def lookout(by, recipients=("TCD",)):
    with transaction.atomic():
        return alert_create(
            by=by, kind="lookout", recipients=list(recipients), priority="urgent", title="Container MSCU1234565"
        )


def test_submitted_seizure_reaches_exactly_the_agencies_on_its_route(celery_worker, kim, receiver):
    for code in ("TCD", "LCD", "BOC", "SC"):
        use_webhook(agency(code), receiver)
    seizure = SeizureFactory(
        agency=agency("KCS"), origin_country="LA", transit_countries=["TH"], destination_country="KR"
    )
    with transaction.atomic():
        alert = notify_seizure_submitted(seizure=seizure, by=kim)

    wait_for(lambda: len(receiver.requests) >= 2, message="two webhooks")
    wait_for(lambda: not Delivery.objects.filter(alert=alert, status=DeliveryStatus.PENDING).exists())
    codes = sorted(r.json["alert"]["deliveries"][0]["agency"] for r in receiver.requests)
    assert codes == ["LCD", "TCD"]
    assert sorted(Delivery.objects.filter(alert=alert).values_list("agency__code", flat=True)) == ["LCD", "TCD"]
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}


def test_an_event_to_several_agencies_is_one_broker_message_and_each_is_delivered(transactional_db, kim, receiver):
    needs_broker()
    codes = ("TCD", "LCD", "BOC")
    for code in codes:
        use_webhook(agency(code), receiver)
    with celery_app.connection_for_write() as conn:
        queue = conn.default_channel.client
        conn.default_channel.queue_purge("celery")
        alert = lookout(kim, recipients=codes)
        # The request published once, however many agencies the alert goes to.
        messages = [json.loads(raw) for raw in queue.lrange("celery", 0, -1)]
    assert [m["headers"]["task"] for m in messages] == ["alerts.queue_deliveries"]

    with running_worker(purge=False):
        wait_for(lambda: len(receiver.deliveries()) >= 3, message="three webhooks")
        wait_for(lambda: not Delivery.objects.filter(alert=alert, status=DeliveryStatus.PENDING).exists())
    assert sorted(receiver.deliveries()) == sorted(str(d.pk) for d in Delivery.objects.filter(alert=alert))
    assert set(Delivery.objects.filter(alert=alert).values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}


def test_webhook_is_signed_as_the_contract_says(celery_worker, kim, receiver):
    use_webhook(agency("TCD"), receiver)
    alert = lookout(kim)
    request = wait_for(lambda: receiver.requests and receiver.requests[0])
    delivery = Delivery.objects.get(alert=alert)

    assert request.headers["X-Crackdown-Delivery"] == str(delivery.pk)
    timestamp = request.headers["X-Crackdown-Timestamp"]
    assert abs(int(timestamp) - timezone.now().timestamp()) < 60
    assert request.headers["X-Crackdown-Signature"].startswith("sha256=")
    assert verify(WEBHOOK_SECRET, timestamp, request.body, request.headers["X-Crackdown-Signature"])
    assert not verify("another-secret", timestamp, request.body, request.headers["X-Crackdown-Signature"])
    body = request.json
    assert body["delivery"] == str(delivery.pk)
    assert body["alert"]["id"] == alert.pk
    assert body["alert"]["kind"] == "lookout"
    assert body["alert"]["sender_agency"] == "KCS"
    assert set(body["alert"]) >= {"priority", "title", "body", "seizure", "operation", "created_at", "ack_due_at"}
    wait_for(lambda: Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.DELIVERED)


def test_receiver_error_is_retried_with_the_same_delivery_id(celery_worker, kim, receiver):
    use_webhook(agency("TCD"), receiver)
    receiver.status = 503
    alert = lookout(kim)
    delivery = Delivery.objects.get(alert=alert)

    wait_for(lambda: Delivery.objects.get(pk=delivery.pk).attempts == 1)
    row = Delivery.objects.get(pk=delivery.pk)
    assert row.status == DeliveryStatus.PENDING
    assert "503" in row.last_error
    # First retry within a minute (30 s ± 20%).
    assert row.next_attempt_at - timezone.now() < dt.timedelta(minutes=1)

    receiver.status = 200
    make_due(row)
    assert sweep_deliveries() == 1
    wait_for(lambda: Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.DELIVERED)
    assert receiver.deliveries() == [str(delivery.pk), str(delivery.pk)]
    assert Delivery.objects.get(pk=delivery.pk).last_error == ""


def test_receiver_down_then_up_is_delivered(celery_worker, kim, receiver):
    use_webhook(agency("TCD"), receiver)
    receiver.stop()
    alert = lookout(kim)
    delivery = Delivery.objects.get(alert=alert)
    wait_for(lambda: Delivery.objects.get(pk=delivery.pk).attempts == 1)
    assert Delivery.objects.get(pk=delivery.pk).last_error == "webhook: connection failed"

    receiver.start()
    make_due(delivery)
    sweep_deliveries()
    wait_for(lambda: Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.DELIVERED)
    assert receiver.deliveries() == [str(delivery.pk)]


def test_receiver_that_never_answers_ends_failed_with_the_error_kept(celery_worker, kim, receiver):
    use_webhook(agency("TCD"), receiver)
    receiver.status = 500
    alert = lookout(kim)
    delivery = Delivery.objects.get(alert=alert)
    for attempt in range(1, MAX_ATTEMPTS):
        wait_for(lambda n=attempt: Delivery.objects.get(pk=delivery.pk).attempts == n)
        make_due(delivery)
        sweep_deliveries()
    wait_for(lambda: Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.FAILED)
    row = Delivery.objects.get(pk=delivery.pk)
    assert row.attempts == MAX_ATTEMPTS >= 5
    assert "HTTP 500" in row.last_error
    assert len(receiver.requests) == MAX_ATTEMPTS
    assert len(set(receiver.deliveries())) == 1


def test_broker_down_at_commit_loses_nothing(transactional_db, api_as, kim, receiver, caplog):
    needs_broker()
    use_webhook(agency("TCD"), receiver)
    payload = {"recipients": ["TCD"], "kind": "lookout", "priority": "flash", "title": "Vessel IMO 9074729"}
    with dead_broker(), caplog.at_level("WARNING", logger="cases.alerts.outbox"):
        response = api_as(kim).post("/api/v1/alerts/", payload, format="json")
    assert response.status_code == 201, response.content
    assert "not queued (broker unavailable" in caplog.text
    delivery = Delivery.objects.get(alert_id=response.json()["id"])
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 0
    assert receiver.requests == []

    # The broker is back: the beat sweeper queues the row and a worker delivers it.
    with running_worker():
        make_due(delivery)
        assert sweep_deliveries() == 1
        wait_for(lambda: Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.DELIVERED)
    assert receiver.deliveries() == [str(delivery.pk)]


def test_broker_down_at_commit_of_an_event_to_several_agencies_loses_none(transactional_db, kim, receiver, caplog):
    needs_broker()
    codes = ("TCD", "LCD", "BOC")
    for code in codes:
        use_webhook(agency(code), receiver)
    with dead_broker(), caplog.at_level("WARNING", logger="cases.alerts.outbox"):
        alert = lookout(kim, recipients=codes)
    assert "3 alert deliveries not queued (broker unavailable" in caplog.text
    deliveries = list(Delivery.objects.filter(alert=alert))
    assert [d.status for d in deliveries] == [DeliveryStatus.PENDING] * 3

    with running_worker():
        for delivery in deliveries:
            make_due(delivery)
        assert sweep_deliveries() == 3
        wait_for(lambda: not Delivery.objects.filter(alert=alert, status=DeliveryStatus.PENDING).exists())
    assert sorted(receiver.deliveries()) == sorted(str(d.pk) for d in deliveries)


def test_sweeper_leaves_a_delivery_held_by_a_worker_alone(transactional_db, kim):
    alert = lookout(kim)
    now = timezone.now()
    Delivery.objects.filter(alert=alert).update(
        next_attempt_at=now - dt.timedelta(minutes=1), claimed_until=now + dt.timedelta(minutes=1)
    )
    assert sweep_deliveries() == 0
