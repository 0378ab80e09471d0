"""The alerts' numbers for /metrics (crackdown/metrics.py), read from the outbox at each scrape."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Min, Q, Sum
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from cases.alerts.models import Delivery
from cases.choices import DeliveryStatus


def collect() -> Iterable[Metric]:
    by_status = GaugeMetricFamily(
        "crackdown_alert_deliveries", "Alert deliveries to agencies, by status.", labels=["status"]
    )
    retries = GaugeMetricFamily(
        "crackdown_alert_delivery_retries",
        "Attempts beyond the first, summed over the deliveries of each status.",
        labels=["status"],
    )
    rows = {
        row["status"]: row
        for row in Delivery.objects.values("status").annotate(
            n=Count("pk"), retries=Sum("attempts", filter=Q(attempts__gt=1)) - Count("pk", filter=Q(attempts__gt=1))
        )
    }
    for status in DeliveryStatus.values:
        row = rows.get(status, {})
        by_status.add_metric([status], row.get("n") or 0)
        retries.add_metric([status], row.get("retries") or 0)
    oldest = Delivery.objects.filter(status=DeliveryStatus.PENDING).aggregate(at=Min("created_at"))["at"]
    age = GaugeMetricFamily(
        "crackdown_alert_oldest_pending_delivery_age_seconds",
        "Age of the oldest delivery still pending (0 when none is).",
    )
    age.add_metric([], (timezone.now() - oldest).total_seconds() if oldest else 0.0)
    yield by_status
    yield retries
    yield age
