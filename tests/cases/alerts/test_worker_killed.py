"""A worker killed mid-delivery: the receiver sees the alert at least once and can dedupe.

A real `celery -A crackdown worker` process posts the webhook; the receiver holds the
request while the worker is killed (SIGKILL, nothing runs after). The row stays claimed;
once the claim expires the sweeper queues it again and another worker delivers it with the
same X-Crackdown-Delivery.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from cases.alerts.models import Delivery
from cases.alerts.services import alert_create
from cases.alerts.tasks import sweep_deliveries
from cases.choices import DeliveryStatus
from tests.cases.alerts.conftest import needs_broker, running_worker, use_webhook, wait_for
from tests.factories import agency

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _test_database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker_process() -> subprocess.Popen:
    env = {
        # Without PYTEST_XDIST_WORKER: REDIS_URL below is already this test worker's own
        # database, and the settings would shift it a second time.
        **{k: v for k, v in os.environ.items() if k != "PYTEST_XDIST_WORKER"},
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "DEBUG": "true",  # accepts the http receiver...
        "WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32",  # ...on 127.0.0.1, admitted as an operator would
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "crackdown", "worker", "--pool", "solo", "--loglevel", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_worker_killed_mid_delivery_redelivers_the_same_delivery_id(kim, receiver):
    needs_broker()
    use_webhook(agency("TCD"), receiver)
    receiver.hold = threading.Event()
    with running_worker():
        pass  # purge what earlier tests left on the queue
    worker = start_worker_process()
    try:
        with transaction.atomic():
            alert = alert_create(by=kim, kind="pre_arrival", recipients=["TCD"], priority="flash", title="MV Sea Star")
        delivery = Delivery.objects.get(alert=alert)
        wait_for(lambda: receiver.requests, timeout=120, message="the worker process to post the webhook")
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    receiver.hold.set()
    receiver.hold = None

    row = Delivery.objects.get(pk=delivery.pk)
    assert row.status == DeliveryStatus.PENDING
    assert row.webhook_sent_at is None  # the worker died before it could record the send
    assert row.claimed_until > timezone.now()
    assert sweep_deliveries() == 0  # still claimed: nobody else sends meanwhile

    # Two minutes later the claim has expired.
    past = timezone.now() - dt.timedelta(minutes=1)
    Delivery.objects.filter(pk=delivery.pk).update(claimed_until=past, next_attempt_at=past)
    with running_worker():
        assert sweep_deliveries() == 1
        wait_for(lambda: Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.DELIVERED)
    assert receiver.deliveries() == [str(delivery.pk), str(delivery.pk)]
    # A receiver that dedupes by delivery id acts once.
    assert len(set(receiver.deliveries())) == 1
