"""/healthz: the database, the cache, the broker and a worker heartbeat, each checked on every call.

200 `{"status": "ok", "checks": {"database": "ok", "cache": "ok", "broker": "ok", "worker": "ok"}}`
or 503 with `"status": "error"` and the failing checks saying what failed (API.md "Operations").
The answers name a component and a kind of failure, never an address, a credential or a
traceback: the endpoint answers anyone (the load balancer, docker's healthcheck).

The worker proves it is alive by running the `crackdown.heartbeat` task (every 30 s from beat),
which stamps `Heartbeat("worker")`; a stamp older than WORKER_HEARTBEAT_MAX_AGE seconds (default
120) fails the check. Without a broker (tasks run in the web process) there is no worker to check.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from crackdown.celery import app as celery_app
from crackdown.models import Heartbeat

log = logging.getLogger(__name__)

OK = "ok"
WORKER = "worker"


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return OK


def check_cache() -> str:
    key = f"healthz:{secrets.token_hex(8)}"
    cache.set(key, "1", timeout=10)
    found = cache.get(key)
    cache.delete(key)
    return OK if found == "1" else "the cache did not keep a value"


def check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return OK  # no broker configured: tasks run in the web process
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return OK


def check_worker(now: dt.datetime | None = None) -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return OK
    beat = Heartbeat.objects.filter(name=WORKER).values_list("at", flat=True).first()
    if beat is None:
        return "no heartbeat from a worker yet"
    age = ((now or timezone.now()) - beat).total_seconds()
    if age > settings.WORKER_HEARTBEAT_MAX_AGE:
        return f"last heartbeat {age:.0f} s ago"
    return OK


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "worker": check_worker,
}


def run_checks() -> tuple[bool, dict[str, str]]:
    """Every check, each on its own: (all passed, {check: "ok" or what failed})."""
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # noqa: BLE001 - any failure of the component is its check's answer
            log.warning("health check %s failed: %s", name, type(exc).__name__)
            results[name] = f"unavailable ({type(exc).__name__})"
    return all(value == OK for value in results.values()), results


def beat(now: dt.datetime | None = None) -> None:
    """Stamp the worker's heartbeat (run by the worker: the `crackdown.heartbeat` task)."""
    Heartbeat.objects.update_or_create(name=WORKER, defaults={"at": now or timezone.now()})
