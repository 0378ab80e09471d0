"""Timings of the statistics selectors (issue 6), for the benchmark runner.

Each helper runs a selector `repeats` times as `user` and returns a plain dict:
{"median_ms", "p95_ms", "max_ms", "queries", "per_query_ms"} where `per_query_ms` is the
median time of each SQL statement (in order) as seen from Django. `explain_dashboard` returns
PostgreSQL's plans of the dashboard's statements, to check that they use the indexes.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.stats.selectors import dashboard, origin_share, seizure_stats


def _time(run: Callable[[], Any], repeats: int, warmup: int = 1) -> dict[str, Any]:
    for _ in range(warmup):
        run()
    totals: list[float] = []
    per_query: list[list[float]] = []
    queries = 0
    for _ in range(max(1, repeats)):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            run()
            totals.append((time.perf_counter() - start) * 1000)
        queries = len(captured.captured_queries)
        per_query.append([float(q["time"]) * 1000 for q in captured.captured_queries])
    totals.sort()
    columns = list(zip(*per_query, strict=False)) if per_query else []
    return {
        "median_ms": round(statistics.median(totals), 1),
        "p95_ms": round(totals[min(len(totals) - 1, int(round(0.95 * (len(totals) - 1))))], 1),
        "max_ms": round(totals[-1], 1),
        "queries": queries,
        "per_query_ms": [round(statistics.median(column), 1) for column in columns],
    }


def dashboard_query_times(user, repeats: int = 5, **filters) -> dict[str, Any]:
    """The home dashboard's figures, without template rendering.

    Read from the seizure summary (cases.stats.totals): four small aggregates over the public
    rollups, four over the agency's own unshared summary rows, four live reads of what it sees
    through shared_with or operations, one for the agencies' names; plus one boundary correction
    per read when the reader's time zone is not UTC. Pass source="live" for the figures
    aggregated over the seizures themselves (the cost before the summary).
    """
    return _time(lambda: dashboard(user=user, **filters), repeats)


def origin_share_times(user, repeats: int = 5, country: str = "KR", region: str = "ASEAN") -> dict[str, Any]:
    return _time(lambda: origin_share(user=user, country=country, region=region), repeats)


def seizure_stats_times(user, repeats: int = 5, group_by: str = "drug", **filters) -> dict[str, Any]:
    return _time(lambda: seizure_stats(user=user, group_by=group_by, filters=filters), repeats)


def explain_dashboard(user, **filters) -> list[dict[str, str]]:
    """EXPLAIN (ANALYZE, BUFFERS) of each dashboard statement; [] on a database other than PostgreSQL."""
    if connection.vendor != "postgresql":
        return []
    with CaptureQueriesContext(connection) as captured:
        dashboard(user=user, **filters)
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plans.append({"sql": sql, "plan": "\n".join(row[0] for row in cursor.fetchall())})
    return plans


def all_stats_times(user, repeats: int = 5) -> dict[str, dict[str, Any]]:
    """Every statistics read the pages and API make, keyed by name."""
    results = {
        "dashboard": dashboard_query_times(user, repeats),
        "dashboard_drug": dashboard_query_times(user, repeats, drug="heroin"),
        "origin_share": origin_share_times(user, repeats),
    }
    for group_by in ("drug", "agency", "month"):
        results[f"stats_{group_by}"] = seizure_stats_times(user, repeats, group_by=group_by)
    return results
