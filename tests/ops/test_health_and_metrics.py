"""/healthz names what fails; /metrics speaks Prometheus to loopback or the token, with our own numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import caches
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from cases.alerts.delivery import attempt
from cases.alerts.models import Delivery
from cases.alerts.services import alert_create
from crackdown import health
from crackdown.celery import app as celery_app
from crackdown.tasks import heartbeat

pytestmark = pytest.mark.django_db

OUTSIDE = {"REMOTE_ADDR": "203.0.113.7"}


@pytest.fixture(autouse=True)
def _a_broker(settings):
    # The checks of the production set-up: a broker, so a worker that must beat.
    settings.CELERY_TASK_ALWAYS_EAGER = False


def samples(text: str) -> dict[tuple[str, tuple], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_healthz_is_ok_when_every_check_passes(client):
    heartbeat.apply()  # the worker's periodic task, run here

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "ok", "worker": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]


def test_a_silent_worker_is_a_503_naming_the_worker(client):
    health.beat(timezone.now() - dt.timedelta(minutes=5))

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["worker"].startswith("last heartbeat 30")
    assert body["checks"]["database"] == "ok"


def test_no_heartbeat_at_all_fails_the_worker_check(client):
    body = client.get("/healthz").json()
    assert body["checks"]["worker"] == "no heartbeat from a worker yet"


def test_an_unreachable_cache_and_broker_are_named(client, settings, monkeypatch):
    heartbeat.apply()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    # As keys, so that undoing restores the configured values (broker_write_url read as an
    # attribute falls back to broker_url, and would be restored to the dead address).
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")
    monkeypatch.setitem(celery_app.conf, "broker_write_url", None)
    try:
        response = client.get("/healthz")
    finally:
        caches["default"].close()

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["cache"].startswith("unavailable")
    assert checks["broker"].startswith("unavailable")
    assert checks["database"] == "ok"
    assert "127.0.0.1" not in response.content.decode()  # no addresses to anyone


def test_metrics_answer_loopback_and_the_token_only(client, settings):
    settings.METRICS_TOKEN = "scrape-token-0123456789"

    assert client.get("/metrics").status_code == 200
    assert client.get("/metrics", **OUTSIDE).status_code == 404
    # Behind a proxy on this host, the loopback address says nothing about the caller.
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong", **OUTSIDE).status_code == 404
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-token-0123456789", **OUTSIDE)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")


def test_no_token_configured_means_loopback_only(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ", **OUTSIDE).status_code == 404


def test_metrics_count_deliveries_retries_oldest_pending_and_task_time(client, settings, kim):
    settings.ALERTS_WEBHOOK_ALLOW_HTTP = True
    tcd = kim.agency.__class__.objects.get(code="TCD")
    tcd.webhook_url, tcd.webhook_secret, tcd.webhook_enabled = "http://127.0.0.1:9/hook", "s", True
    tcd.save()
    alert = alert_create(by=kim, recipients=["TCD", "LCD"], kind="lookout", priority="urgent", title="Watch")
    failing = Delivery.objects.get(alert=alert, agency=tcd)
    attempt(str(failing.pk))  # the receiver is down: pending, retry due
    Delivery.objects.filter(pk=failing.pk).update(created_at=timezone.now() - dt.timedelta(minutes=10), attempts=3)
    heartbeat.apply()

    found = samples(client.get("/metrics").content.decode())

    assert found[("crackdown_alert_deliveries", (("status", "pending"),))] == 2
    assert found[("crackdown_alert_deliveries", (("status", "failed"),))] == 0
    assert found[("crackdown_alert_delivery_retries", (("status", "pending"),))] == 2
    assert 590 < found[("crackdown_alert_oldest_pending_delivery_age_seconds", ())] < 900
    assert found[("crackdown_task_duration_seconds_count", (("task", "crackdown.heartbeat"),))] >= 1
    # django-prometheus's own request metrics are there too.
    assert any(name.startswith("django_http_requests") for name, _ in found)
