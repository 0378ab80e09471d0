"""An in-app acknowledgement is recorded; it does not cancel the webhook still being sent."""

from __future__ import annotations

import pytest

from cases.alerts.models import Delivery
from cases.alerts.services import alert_acknowledge
from cases.alerts.tasks import sweep_deliveries
from cases.choices import DeliveryStatus
from tests.cases.alerts.conftest import running_worker, use_webhook, wait_for
from tests.cases.alerts.test_delivery_worker import lookout, make_due
from tests.factories import agency

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_acknowledged_while_the_receiver_was_down_the_webhook_still_arrives(kim, somchai, receiver):
    use_webhook(agency("TCD"), receiver)
    receiver.status = 503
    with running_worker():
        alert = lookout(kim)
        delivery = Delivery.objects.get(alert=alert)
        wait_for(lambda: Delivery.objects.get(pk=delivery.pk).attempts == 1)

        alert_acknowledge(by=somchai, alert=alert, outcome="Container held")
        receiver.status = 200
        make_due(delivery)
        assert sweep_deliveries() == 1
        wait_for(lambda: Delivery.objects.get(pk=delivery.pk).attempts == 2)

    row = Delivery.objects.get(pk=delivery.pk)
    assert row.webhook_sent_at is not None
    assert row.status == DeliveryStatus.ACKNOWLEDGED
    assert row.next_attempt_at is None
    assert receiver.deliveries() == [str(delivery.pk), str(delivery.pk)]
    # The national system hears of the acknowledgement too.
    (shown,) = receiver.requests[-1].json["alert"]["deliveries"]
    assert shown["status"] == "acknowledged"
    assert shown["outcome"] == "Container held"
    # Done: nothing more to sweep.
    assert sweep_deliveries() == 0
