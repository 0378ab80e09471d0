"""/metrics: Prometheus text format, for loopback callers or with the metrics token.

What is exported:
- django-prometheus's request, response and latency metrics (its two middlewares);
- the Celery tasks' duration and queue wait (`crackdown_task_duration_seconds`,
  `crackdown_task_queue_wait_seconds`, by task name), observed by signals in the worker;
- each app's own numbers, read when the page is scraped: an app registers a collector from its
  `AppConfig.ready()` with `register(...)` (alerts: deliveries by status, retries, the oldest
  pending delivery's age), so this module imports no app.

Several processes (gunicorn's workers, the Celery worker): set PROMETHEUS_MULTIPROC_DIR to a
directory they share (emptied before they start) and every process's counters are added up;
without it each process answers its own, and the collectors read from the database are the
same whichever process answers.

Who may read it: a caller on the loopback interface that came through no proxy (no
X-Forwarded-For / Forwarded header), or one sending `Authorization: Bearer <METRICS_TOKEN>`.
Anyone else gets 404, as if there were nothing here.
"""

from __future__ import annotations

import ipaddress
import os
import time
from collections.abc import Callable, Iterable
from hmac import compare_digest
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.metrics_core import Metric

Collect = Callable[[], Iterable[Metric]]
_collectors: dict[str, Collect] = {}

TASK_DURATION = Histogram("crackdown_task_duration_seconds", "Time a Celery task took to run, by task name.", ["task"])
TASK_QUEUE_WAIT = Histogram(
    "crackdown_task_queue_wait_seconds",
    "Time from a Celery task's publication to the start of its run (its ETA excluded), by task name.",
    ["task"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, float("inf")),
)
SENT_AT_HEADER = "crackdown_sent_at"


def register(name: str, collect: Collect) -> None:
    """An app's metrics, read at each scrape: `collect()` yields prometheus_client metric families."""
    _collectors[name] = collect


class _AppCollector:
    def collect(self) -> Iterable[Metric]:
        for collect in list(_collectors.values()):
            yield from collect()

    def describe(self) -> Iterable[Metric]:
        # Nothing at registration: the collectors query the database, which is not there yet.
        return []


_APP = _AppCollector()
REGISTRY.register(_APP)


def _registry() -> Any:
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    registry.register(_APP)
    return registry


def may_read(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and compare_digest(header[len("Bearer ") :].encode(), token.encode()):
        return True
    if "X-Forwarded-For" in request.headers or "Forwarded" in request.headers:
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not may_read(request):
        raise Http404
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)


# --- Celery task timing (connected in CrackdownConfig.ready) ---------------------------------

_started: dict[str, float] = {}


def stamp_sent_at(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    """before_task_publish: the publication time travels in the message's headers."""
    if headers is not None:
        headers.setdefault(SENT_AT_HEADER, time.time())


def task_started(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    now = time.time()
    if task_id:
        _started[task_id] = time.perf_counter()
    request = getattr(task, "request", None)
    sent_at = getattr(request, SENT_AT_HEADER, None)
    if isinstance(sent_at, int | float) and not getattr(request, "eta", None) and task is not None:
        TASK_QUEUE_WAIT.labels(task=task.name).observe(max(0.0, now - sent_at))


def task_finished(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    started = _started.pop(task_id, None) if task_id else None
    if started is not None and task is not None:
        TASK_DURATION.labels(task=task.name).observe(time.perf_counter() - started)
