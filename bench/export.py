"""The CSV export: rows per second and memory that stays flat while it streams."""

from __future__ import annotations

import os
import time
import tracemalloc
from typing import Any
from urllib.parse import urlencode

from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext, override_settings

from bench.measuring import EXPORT_URL, Bench, CaseFailed, CaseResult, expect, require_url
from cases.seizures.models import Seizure

# --- CSV export -----------------------------------------------------------------------------


def _stream(b: Bench, url: str, checkpoints: list[int], *, trace: bool) -> dict[str, Any]:
    """Read the export up to the last checkpoint; note time, RSS and traced peak at each one."""
    marks: list[dict[str, Any]] = []
    rows = -1  # the header line is not a row
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    response = expect(b.api.get(url))
    first_byte = None
    pre_stream_peak = None
    pending = list(checkpoints)
    try:
        for chunk in response.streaming_content:
            if first_byte is None:
                first_byte = time.perf_counter() - start
                if trace:
                    # Peaks from here on are the streaming's own, not the query set-up's.
                    pre_stream_peak = tracemalloc.get_traced_memory()[1] / 2**20
                    tracemalloc.reset_peak()
            rows += chunk.count(b"\n")
            while pending and rows >= pending[0]:
                mark = {"rows": pending.pop(0), "seconds": time.perf_counter() - start, "rss_mb": _rss_mb()}
                if trace:
                    mark["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
                marks.append(mark)
            if not pending:
                break
    finally:
        response.close()
        if trace:
            tracemalloc.stop()
    return {"rows_read": rows, "first_byte_seconds": first_byte, "pre_stream_peak_mb": pre_stream_peak, "marks": marks}


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _export_url(b: Bench, rows: int) -> str:
    """The export filtered by occurred_after to a little more than `rows` visible seizures.

    Exporting everything would read (and audit) every visible seizure; a period is what people
    export, and it makes "100,000 rows" exact at any data size.
    """
    visible = Seizure.objects.visible_to(b.officer).order_by("-occurred_at", "-id")
    edge = list(visible.values_list("occurred_at", flat=True)[rows + rows // 50 : rows + rows // 50 + 1])
    if not edge:
        return EXPORT_URL
    return EXPORT_URL + "?" + urlencode({"occurred_after": edge[0].isoformat()})


def case_export(b: Bench) -> list[CaseResult]:
    require_url(EXPORT_URL)
    checkpoints = [5_000, 10_000, 15_000] if b.quick else [10_000, 50_000, 100_000]
    url = _export_url(b, checkpoints[-1])
    # Production runs with DEBUG off: do not let DEBUG's query log grow with the export.
    with override_settings(DEBUG=False):
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            speed = _stream(b, url, checkpoints, trace=False)
        # captured_queries reads the live query log: count before the next request resets it.
        export_queries = len(ctx.captured_queries)
        memory = _stream(b, url, checkpoints, trace=True)
    marks = speed["marks"]
    if not marks:
        raise CaseFailed(f"export gave {speed['rows_read']} rows, fewer than {checkpoints[0]:,}")
    last = marks[-1]
    streaming = last["seconds"] - (speed["first_byte_seconds"] or 0)
    rows_per_s = last["rows"] / last["seconds"]
    peaks = [m["traced_peak_mb"] for m in memory["marks"]]
    # Flat: the peak after the most rows stays within 1.5x (+2 MB of noise) of the peak after the fewest.
    flat = len(peaks) == len(checkpoints) and peaks[-1] <= peaks[0] * 1.5 + 2
    result = CaseResult(
        name=f"export.csv {last['rows']:,} rows",
        group="export",
        median_ms=None,
        queries=[export_queries],
        target="memory flat (peak ≤ 1.5× the first)",
        passed=flat,
        note=f"{rows_per_s:,.0f} rows/s ({last['rows'] / streaming:,.0f} rows/s after the first byte at "
        f"{speed['first_byte_seconds']:.1f} s); traced peak "
        + " / ".join(f"{p:.1f}" for p in peaks)
        + " MB, RSS "
        + " / ".join(f"{m['rss_mb']:.0f}" for m in marks)
        + " MB at "
        + " / ".join(f"{c // 1000}k" for c in checkpoints[: len(peaks)]),
        extra={"url": url, "rows_per_s": rows_per_s, "speed": speed, "memory": memory},
    )
    if len(marks) < len(checkpoints):
        result.passed = False
        result.note += f" (only {speed['rows_read']:,} rows visible)"
    return [result]
