"""Alert delivery benchmark: commit → webhook received, with a real worker process.

`run(n_seizures)` submits N seizures owned by the Korea Customs Service, each routed through
3–10 other member countries, so each alerts 3–10 agencies. A real `celery -A crackdown worker`
process delivers them to a local webhook receiver that checks every signature. Returns
p50 / p95 / max of the time from the seizure's commit to the first receipt of each delivery,
and the number lost (deliveries never received; must be 0).

Imported once Django is set up: by the bench's "alerts" case, or standalone by bench/alerts.py
(`python -m bench.alerts`).
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from cases.alerts.models import Alert, Delivery
from cases.alerts.webhooks import verify
from cases.seizures.models import Seizure, SeizureItem
from cases.seizures.notices import notify_seizure_submitted
from crackdown.celery import app
from members.models import Agency, Role, User

SECRET = "bench-webhook-secret"
OWNER = "KCS"
WORKER_CONCURRENCY = 8


class _Receiver:
    """A national system's endpoint: records the first receipt of each delivery id."""

    def __init__(self) -> None:
        self.first_seen: dict[str, float] = {}
        self.duplicates = 0
        self.bad_signatures = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                now = time.time()
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                ok = verify(
                    SECRET,
                    self.headers.get("X-Crackdown-Timestamp", ""),
                    body,
                    self.headers.get("X-Crackdown-Signature", ""),
                )
                delivery = self.headers.get("X-Crackdown-Delivery", "")
                with receiver.lock:
                    if not ok:
                        receiver.bad_signatures += 1
                    elif delivery in receiver.first_seen:
                        receiver.duplicates += 1
                    else:
                        receiver.first_seen[delivery] = now
                self.send_response(204 if ok else 401)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/crackdown"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _start_worker() -> subprocess.Popen:
    # The receiver listens on loopback, which the webhook policy refuses unless an operator
    # allows it (crackdown/outbound.py): the bench is that operator.
    env = {**os.environ, "DEBUG": "true", "WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32"}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "crackdown",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            str(WORKER_CONCURRENCY),
            "--loglevel",
            "WARNING",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_for_worker(worker: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise RuntimeError("the Celery worker exited at start")
        if app.control.ping(timeout=0.5):
            return
    raise RuntimeError("the Celery worker did not answer within a minute")


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _submit(owner, officer, countries: list[str], commit_times: dict[str, float]) -> int:
    """One seizure routed through `countries`, submitted; returns how many agencies it alerts."""
    with transaction.atomic():
        seizure = Seizure.objects.create(
            reference=f"BENCH-{uuid.uuid4().hex[:12]}",
            agency=owner,
            status="submitted",
            sharing="members",
            reported_by=officer,
            occurred_at=timezone.now(),
            country=owner.country,
            transport_mode="sea_container",
            detection_method="xray",
            origin_country=countries[0],
            transit_countries=countries[1:-1],
            destination_country=countries[-1],
            submitted_at=timezone.now(),
            total_weight_kg=Decimal("10"),
        )
        SeizureItem.objects.create(
            seizure=seizure,
            drug="methamphetamine",
            quantity=Decimal("10"),
            unit="kg",
            weight_kg=Decimal("10"),
            kg_equivalent=Decimal("10"),
        )
        # Registered before the alert's own on-commit callbacks, so it runs first: the commit time.
        ids: list[str] = []
        transaction.on_commit(lambda: commit_times.update(dict.fromkeys(ids, time.time())))
        alert = notify_seizure_submitted(seizure=seizure, by=officer)
        ids.extend(str(pk) for pk in Delivery.objects.filter(alert=alert).values_list("pk", flat=True))
    return len(ids)


def run(n_seizures: int, *, timeout: float | None = None) -> dict[str, Any]:
    """Submit N seizures, each alerting 3–10 agencies by webhook; measure commit → received."""
    if not settings.REDIS_URL or settings.CELERY_TASK_ALWAYS_EAGER:
        raise RuntimeError("the alert benchmark needs REDIS_URL (a real broker and worker)")
    call_command("migrate", verbosity=0)
    owner = Agency.objects.get(code=OWNER)
    partners = list(Agency.objects.active().exclude(pk=owner.pk))
    countries = sorted({a.country for a in partners})
    if len(countries) < 3:
        raise RuntimeError("the benchmark needs at least three partner countries")
    officer, _ = User.objects.get_or_create(
        email="bench-alerts@kcs.example",
        defaults={"full_name": "Alert bench", "agency": owner, "role": Role.OFFICER},
    )
    saved = {a.pk: (a.webhook_url, a.webhook_secret, a.webhook_enabled) for a in partners}
    receiver = _Receiver()
    for agency in partners:
        agency.webhook_url, agency.webhook_secret, agency.webhook_enabled = receiver.url, SECRET, True
        agency.save(update_fields=["webhook_url", "webhook_secret", "webhook_enabled"])

    app.control.purge()
    worker = _start_worker()
    commit_times: dict[str, float] = {}
    try:
        _wait_for_worker(worker)
        started = time.time()
        rng = random.Random(8)
        expected = 0
        for _ in range(n_seizures):
            route = rng.sample(countries, rng.randint(3, min(10, len(countries))))
            expected += _submit(owner, officer, route, commit_times)
        submitted = time.time()
        deadline = time.monotonic() + (timeout if timeout is not None else 60 + n_seizures * 0.2)
        while time.monotonic() < deadline:
            with receiver.lock:
                if len(receiver.first_seen) >= expected:
                    break
            time.sleep(0.05)
    finally:
        worker.terminate()
        try:
            worker.wait(20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        receiver.close()
        for agency in partners:
            agency.webhook_url, agency.webhook_secret, agency.webhook_enabled = saved[agency.pk]
            agency.save(update_fields=["webhook_url", "webhook_secret", "webhook_enabled"])

    latencies = [
        (receiver.first_seen[pk] - committed) * 1000
        for pk, committed in commit_times.items()
        if pk in receiver.first_seen
    ]
    result = {
        "seizures": n_seizures,
        "deliveries": len(commit_times),
        "received": len(latencies),
        "lost": len(commit_times) - len(latencies),
        "duplicates": receiver.duplicates,
        "bad_signatures": receiver.bad_signatures,
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(_percentile(latencies, 0.95), 1) if latencies else None,
        "max_ms": round(max(latencies), 1) if latencies else None,
        "submit_seconds": round(submitted - started, 2),
        "worker_concurrency": WORKER_CONCURRENCY,
    }
    # Leave the bench database as it was: its seizure counts are measured by other cases.
    Alert.objects.filter(seizure__reference__startswith="BENCH-").delete()
    Seizure.objects.filter(reference__startswith="BENCH-").delete()
    return result
