"""Bulk import: rows per second (checked, then written in one transaction), worker memory flat
between a small and a large file, and the status API answering while the import runs.

The import runs in this process as the worker runs it (`import_run`), a file of N new
seizures of the officer's agency: once timed with nothing else running (rows per second),
then traced for a small and a large file (memory), then once more in a thread while this one
polls GET /api/v1/seizures/imports/{id}/ every second (the small file; the large one with
--quick, whose small file ends before a second poll). The polls are not in a traced run:
tracemalloc counts every thread's allocations, and the API's requests are not the worker's
memory. Each run's writes are rolled back at the end (an outer transaction), so the bench
database keeps its size from one run to the next; the commit of the rows is therefore not in
the figure.
"""

from __future__ import annotations

import csv
import io
import random
import statistics
import threading
import time
import tracemalloc
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections, transaction
from django.test.utils import override_settings

from bench.measuring import Bench, CaseFailed, CaseResult, percentile, require_url
from cases.imports import services as import_services
from cases.imports.models import SeizureImport

STATUS_URL = "/api/v1/seizures/imports/{id}/"
HEADER = (
    "external_reference",
    "occurred_at",
    "location",
    "transport_mode",
    "detection_method",
    "origin_country",
    "transit_countries",
    "destination_country",
    "sharing",
    "items",
    "identifiers",
)
ROUTES = (("TH", "VN", "KR"), ("MM", "LA", "KR"), ("KH", "", "KR"), ("MY", "SG", "KR"), ("PH", "", "KR"))
PHONES = ("+821012345678", "+66812345678", "+84912345678", "+60123456789")
DRUGS = ("methamphetamine 12.5 kg", "heroin 800 g", "ketamine 3 kg; mdma 2000 tablet", "cocaine 1.2 kg")


class _Rollback(Exception):
    pass


def import_file(rows: int, *, seed: int = 7) -> bytes:
    """A CSV of `rows` new seizures in the export's layout, each with its own external reference."""
    rng = random.Random(seed)
    run = uuid.uuid4().hex[:8]
    now = datetime.now(UTC)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for n in range(rows):
        origin, transit, destination = rng.choice(ROUTES)
        writer.writerow(
            [
                f"BENCH-{run}-{n}",
                (now - timedelta(minutes=rng.randrange(1, 500_000))).isoformat(),
                "Busan New Port",
                rng.choice(("sea_container", "air_cargo", "express_courier")),
                rng.choice(("xray", "detector_dog", "risk_profiling")),
                origin,
                transit,
                destination,
                "members",
                rng.choice(DRUGS),
                f"company:Bench Trading {rng.randrange(10_000)}; phone:{rng.choice(PHONES)}",
            ]
        )
    return out.getvalue().encode("utf-8")


def _queued(b: Bench, content: bytes) -> SeizureImport:
    # The worker of the bench is this process: do not hand the run to the broker.
    with mock.patch.object(import_services, "queue_run"):
        return import_services.import_create(
            by=b.officer, upload=SimpleUploadedFile("bench.csv", content), dry_run=False, submit=False
        )


def _run_rolled_back(import_id: int) -> dict[str, Any]:
    """import_run inside a transaction that is rolled back; its figures as it reported them."""
    figures: dict[str, Any] = {}
    try:
        with transaction.atomic():
            start, cpu = time.perf_counter(), time.process_time()
            done = import_services.import_run(import_id)
            figures["seconds"] = time.perf_counter() - start
            # The process's CPU time (its every thread): on a shared machine the wall time
            # also counts the waits for a core.
            figures["cpu_seconds"] = time.process_time() - cpu
            if done is not None:
                figures.update(
                    status=done.status, created=done.created, errors=done.error_count, first_errors=done.errors[:3]
                )
            raise _Rollback
    except _Rollback:
        pass
    return figures


def _traced(b: Bench, rows: int) -> dict[str, Any]:
    """The import's traced memory peak, alone in the process as in a worker."""
    seizure_import = _queued(b, import_file(rows))
    figures: dict[str, Any] = {}
    tracemalloc.start()
    try:
        figures.update(_run_rolled_back(seizure_import.pk))
        figures["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    return figures


def _polled(b: Bench, rows: int) -> dict[str, Any]:
    """The import run as a worker thread while this thread polls its status through the API
    (the status must answer, with moving progress)."""
    return _with_status_polls(b, _queued(b, import_file(rows, seed=13)))


def _with_status_polls(b: Bench, seizure_import: SeizureImport) -> dict[str, Any]:
    figures: dict[str, Any] = {}

    def work() -> None:
        try:
            figures.update(_run_rolled_back(seizure_import.pk))
        finally:
            connections.close_all()

    worker = threading.Thread(target=work)
    polls: list[float] = []
    seen: list[tuple[float, int]] = []
    url = STATUS_URL.format(id=seizure_import.pk)
    worker.start()
    while worker.is_alive():
        start = time.perf_counter()
        response = b.api.get(url)
        polls.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise CaseFailed(f"{url} answered {response.status_code} while the import ran")
        body = response.json()
        seen.append((body["percent"], body["processed"]))
        # A page polls every second; so does this (the worker shares this process's GIL).
        worker.join(timeout=1.0)
    figures["status_polls_ms"] = polls
    figures["progress_seen"] = seen
    return figures


def _timed(b: Bench, rows: int) -> dict[str, Any]:
    """The import alone, untraced, as a worker process runs it: rows per second."""
    seizure_import = _queued(b, import_file(rows, seed=11))
    return _run_rolled_back(seizure_import.pk)


def case_import(b: Bench) -> list[CaseResult]:
    require_url(STATUS_URL.format(id=1))
    small, large = (1_000, 5_000) if b.quick else (10_000, 100_000)
    # Production runs with DEBUG off: DEBUG's query log would keep every batch's INSERT text.
    with override_settings(DEBUG=False):
        speed = _timed(b, large)
        memory_small = _traced(b, small)
        memory_large = _traced(b, large)
        polled = _polled(b, large if b.quick else small)
    for figures in (memory_small, memory_large, speed, polled):
        if figures.get("status") != "done" or figures.get("errors"):
            raise CaseFailed(f"the bench import did not succeed: {figures}")
    rows_per_s = large / speed["seconds"]
    peaks = (memory_small["traced_peak_mb"], memory_large["traced_peak_mb"])
    flat = peaks[1] <= peaks[0] * 1.5
    polls = polled["status_polls_ms"]
    percents = sorted({p for p, _processed in polled["progress_seen"]})
    results = [
        CaseResult(
            name=f"import {large:,} rows (check + write)",
            group="import",
            target="≥ 1,000 rows/s",
            passed=rows_per_s >= 1000,
            note=f"{rows_per_s:,.0f} rows/s ({speed['seconds']:.1f} s, {speed['cpu_seconds']:.1f} s of CPU in this "
            f"process: {large / speed['cpu_seconds']:,.0f} rows per CPU second; rolled back, so without the commit)",
            extra={"speed": speed},
        ),
        CaseResult(
            name=f"import worker memory {small // 1000}k → {large // 1000}k rows",
            group="import",
            target="peak ≤ 1.5× the small file's",
            passed=flat,
            note=f"traced peak {peaks[0]:.1f} MB → {peaks[1]:.1f} MB ({peaks[1] / peaks[0]:.2f}×)",
            extra={"small": memory_small, "large": memory_large},
        ),
        CaseResult(
            name="import status API while it runs",
            group="import",
            median_ms=statistics.median(polls) if polls else None,
            p95_ms=percentile(polls, 95) if polls else None,
            max_ms=max(polls) if polls else None,
            target="answers (200) with moving progress",
            passed=bool(polls) and len(percents) > 1,
            note=f"{len(polls)} polls; progress seen {percents[0] if percents else '-'}% → "
            f"{percents[-1] if percents else '-'}%",
        ),
    ]
    return results
