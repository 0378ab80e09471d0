"""Operations endpoints: a Prometheus scrape of /metrics and a /healthz probe, on the bench's data.

/metrics reads the alert outbox at each scrape (two aggregate queries over the deliveries), so
its cost grows with the outbox: the budget is what a 15-second scrape interval can afford
without noticing. /healthz runs its four checks on every call (a load balancer probes it every
few seconds); it may answer 503 here (no worker heartbeat on the bench), which costs the same.
"""

from __future__ import annotations

from typing import Any

from bench.measuring import Bench, CaseResult, expect, judge, measure, require_url, result_from
from cases.alerts.models import Delivery


def case_ops(b: Bench) -> list[CaseResult]:
    require_url("/metrics")
    deliveries = Delivery.objects.count()

    def scrape(i: int) -> Any:
        return expect(b.api.get("/metrics"))

    timing = measure(scrape, warmup=b.warmup, repeats=b.repeats)
    metrics = judge(result_from(f"/metrics scrape ({deliveries:,} deliveries)", "ops", timing), p95_max=100)

    def probe(i: int) -> Any:
        return b.api.get("/healthz")

    timing = measure(probe, warmup=b.warmup, repeats=b.repeats)
    health = judge(result_from("/healthz (4 checks)", "ops", timing), p95_max=50)
    return [metrics, health]
