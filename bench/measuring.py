"""How a benchmark case measures: results, timings, percentiles, pass/fail, plans.

A case measures requests through Django's test Client (the whole middleware, DRF and template
stack, no network) signed in as an officer of one agency: a knox token for the API, a session
for the pages. Each case warms up, then times R repeats, and counts the SQL queries of every
request (they must not vary). A case whose module or URL does not exist yet raises
NotAvailable, which the runner prints as "not available".
"""

from __future__ import annotations

import importlib
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

from bench import baseline as bl

LIST_URL = "/api/v1/seizures/"
EXPORT_URL = "/api/v1/seizures/export.csv"
DASHBOARD_URL = "/"
ORIGIN_SHARE_URL = "/api/v1/stats/origin-share/?country=KR&region=ASEAN"
DEEP_HOPS = 200  # 200 pages of 50: a page 10,000 rows deep


class NotAvailable(Exception):
    """The module or endpoint this case measures does not exist (yet)."""


class CaseFailed(Exception):
    """The endpoint answered, but not as the contract says."""


@dataclass
class CaseResult:
    name: str
    group: str
    median_ms: float | None = None
    p95_ms: float | None = None
    max_ms: float | None = None
    queries: list[int] = field(default_factory=list)
    baseline_p95_ms: float | None = None
    ratio: float | None = None
    target: str = ""
    passed: bool | None = None
    status: str = "ok"  # ok | not available | error
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def queries_label(self) -> str:
        if not self.queries:
            return "—"
        lo, hi = min(self.queries), max(self.queries)
        return str(lo) if lo == hi else f"{lo}–{hi}"

    @property
    def queries_constant(self) -> bool:
        return len(set(self.queries)) <= 1

    def set_baseline(self, baseline_p95_ms: float | None) -> None:
        """The baseline's p95, and ours as a multiple of it (None where either is missing)."""
        self.baseline_p95_ms = baseline_p95_ms
        self.ratio = self.p95_ms / baseline_p95_ms if self.p95_ms is not None and baseline_p95_ms else None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["queries"] = self.queries_label
        data["query_counts"] = self.queries
        return data


@dataclass
class Bench:
    """What every case needs: the reader, its clients, the repeat counts, shared findings."""

    quick: bool
    warmup: int
    repeats: int
    officer: Any
    token: str
    api: Client
    web: Client
    base: bl.Baseline
    explain: dict[str, Any] = field(default_factory=dict)
    shared: dict[str, Any] = field(default_factory=dict)

    @property
    def agency_id(self) -> int:
        return self.officer.agency_id


# --- measuring ------------------------------------------------------------------------------


@dataclass
class Timing:
    times_ms: list[float]
    queries: list[int]
    last_sql: list[str]
    last: Any
    cpu_ms: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        return percentile(self.times_ms, 95)

    @property
    def max(self) -> float:
        return max(self.times_ms)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: the p95 of 20 runs is the 19th fastest, never an interpolation."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def measure(fn: Callable[[int], Any], *, warmup: int, repeats: int) -> Timing:
    """Call fn(i) warmup times untimed, then repeats times, timing each call and counting its queries.

    A case slower than a second a call gets 10 timed calls, so a slow case cannot stretch the
    run past its half-hour budget (its p95 is then the slowest call).
    """
    start = time.perf_counter()
    for i in range(warmup):
        fn(i)
    if warmup and (time.perf_counter() - start) / warmup > 1.0:
        repeats = min(repeats, 10)
    times, queries, last, last_sql, cpu = [], [], None, [], []
    for i in range(repeats):
        # DEBUG's query log is a deque of 9,000: once full, CaptureQueriesContext counts nothing.
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            cpu_start = time.process_time()
            start = time.perf_counter()
            last = fn(warmup + i)
            elapsed = (time.perf_counter() - start) * 1000
            cpu.append((time.process_time() - cpu_start) * 1000)
        times.append(elapsed)
        queries.append(len(ctx.captured_queries))
        last_sql = [q["sql"] for q in ctx.captured_queries]
    return Timing(times, queries, last_sql, last, cpu)


def expect(response, status: int = 200):
    if response.status_code != status:
        body = b"" if getattr(response, "streaming", False) else response.content[:300]
        raise CaseFailed(f"{response.request['PATH_INFO']} answered {response.status_code}: {body!r}")
    return response


def require_url(path: str) -> None:
    try:
        resolve(path.split("?")[0])
    except Resolver404:
        raise NotAvailable(f"{path} is not routed yet") from None


def require_module(name: str):
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        raise NotAvailable(f"{name} does not exist yet") from exc


def result_from(name: str, group: str, timing: Timing, **kwargs: Any) -> CaseResult:
    result = CaseResult(
        name=name,
        group=group,
        median_ms=timing.median,
        p95_ms=timing.p95,
        max_ms=timing.max,
        queries=timing.queries,
        **kwargs,
    )
    # Python CPU time of this process: what the framework costs whatever else the machine runs.
    result.extra["python_cpu_median_ms"] = round(statistics.median(timing.cpu_ms), 2) if timing.cpu_ms else None
    return result


def judge(
    result: CaseResult, *, p95_max: float | None = None, ratio_max: float | None = None, constant: bool = True
) -> CaseResult:
    """Set target and pass/fail: p95 under the budget, ratio under its bound, queries constant."""
    parts, ok = [], result.queries_constant or not constant
    if p95_max is not None:
        parts.append(f"p95 ≤ {p95_max:g} ms")
        ok = ok and result.p95_ms is not None and result.p95_ms <= p95_max
    if ratio_max is not None:
        parts.append(f"≤ {ratio_max:g}× baseline")
        ok = ok and result.ratio is not None and result.ratio <= ratio_max
    if constant:
        parts.append("queries constant")
    result.target = ", ".join(parts)
    result.passed = ok
    return result


def explain(sql: str) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of a query the framework ran, as PostgreSQL prints it."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def summarize(sqls: list[str]) -> dict[str, int]:
    """Queries by verb and table, to see at a glance where a write spends its round trips."""
    tally: Counter[str] = Counter()
    for sql in sqls:
        verb = sql.split(None, 1)[0].upper() if sql.strip() else "?"
        table = re.search(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', sql)
        tally[f"{verb} {table.group(1) if table else ''}".strip()] += 1
    return dict(tally.most_common())


def main_seizure_query(sqls: list[str]) -> str | None:
    """The query that reads the page of seizures (not the token, session or prefetches)."""
    for sql in sqls:
        if sql.lstrip().upper().startswith("SELECT") and 'FROM "seizures_seizure"' in sql and "LIMIT" in sql:
            return sql
    return None
