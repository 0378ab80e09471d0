"""The benchmark cases: one function per case, each returning CaseResult rows.

A case measures requests through Django's test Client (the whole middleware, DRF and template
stack, no network) signed in as an officer of one agency: a knox token for the API, a session
for the pages. Each case warms up, then times R repeats, and counts the SQL queries of every
request (they must not vary). A case whose module or URL does not exist yet raises
NotAvailable, which the runner prints as "not available".
"""

from __future__ import annotations

import importlib
import os
import random
import statistics
import string
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
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
    import re
    from collections import Counter

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


# --- list -----------------------------------------------------------------------------------


def _filters(b: Bench) -> dict[str, str]:
    if "filters" not in b.shared:
        from django.db.models import Max

        from cases.seizures.models import Seizure

        newest = Seizure.objects.aggregate(m=Max("occurred_at"))["m"] or datetime.now(UTC)
        after = (newest - timedelta(days=3 * 365)).date().isoformat()
        b.shared["filters"] = {"drug": "methamphetamine", "transport_mode": "sea_container", "occurred_after": after}
    return b.shared["filters"]


def _query(params: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return "?" + urlencode(params) if params else ""


def _follow(b: Bench, url: str, hops: int) -> tuple[str | None, dict | None, int]:
    """Follow `next` hops times; return the URL of the page reached and the last row before it."""
    previous_last = None
    reached = 0
    for _ in range(hops):
        data = expect(b.api.get(url)).json()
        if not data.get("next") or not data["results"]:
            return None, None, reached
        previous_last = data["results"][-1]
        url = data["next"]
        reached += 1
    return url, previous_last, reached


def _ids(results: list[dict]) -> list[int]:
    return [row["id"] for row in results]


def case_list(b: Bench) -> list[CaseResult]:
    require_url(LIST_URL)
    out = []
    filters = _filters(b)
    for label, params in (("unfiltered", {}), ("drug+mode+after", filters)):
        first_url = LIST_URL + _query(params)
        deep_url, previous_last, reached = _follow(b, first_url, DEEP_HOPS)
        pages: list[tuple[str, str, dict[str, Any] | None]] = [("first page", first_url, None)]
        if deep_url:
            pages.append((f"{reached * 50:,} rows deep", deep_url, previous_last))
        else:
            out.append(
                CaseResult(
                    name=f"list {label}, deep page",
                    group="list",
                    status="not available",
                    note=f"only {reached} pages of 50 visible: generate more seizures",
                )
            )
        for where, url, before in pages:

            def get_page(i: int, url: str = url) -> Any:
                return expect(b.api.get(url))

            timing = measure(get_page, warmup=b.warmup, repeats=b.repeats)
            results = timing.last.json()["results"]
            after = None
            if before is not None:
                after = (datetime.fromisoformat(before["occurred_at"]), before["id"])
            sql = bl.list_sql(filtered=bool(params), after=after is not None)
            base = b.base.time(
                sql,
                bl.list_params(agency_id=b.agency_id, filters=params or None, after=after),
                warmup=b.warmup,
                repeats=b.repeats,
            )
            result = result_from(f"list {label}, {where}", "list", timing)
            result.baseline_p95_ms = percentile(base.times_ms, 95)
            result.ratio = timing.p95 / result.baseline_p95_ms if result.baseline_p95_ms else None
            same = _ids(results) == [row["id"] for row in base.rows]
            result.extra |= {
                "url": url,
                "rows": len(results),
                "baseline_same_rows": same,
                "bytes": len(timing.last.content),
                "baseline_bytes": len(base.body),
            }
            if not same:
                result.note = "baseline rows differ from the API's (ties in occurred_at?)"
            key = f"list {label}, {'first' if before is None else 'deep'}"
            main = main_seizure_query(timing.last_sql)
            if main:
                b.explain[key] = {"sql": main, "plan": explain(main)}
            out.append(judge(result, p95_max=30, ratio_max=3))
    # Query count must not depend on the page size (pinned by tests too; measured here at scale).
    sizes = {}
    for size in (10, 200):
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            expect(b.api.get(f"{LIST_URL}?page_size={size}"))
        sizes[size] = len(ctx.captured_queries)
    out[0].extra["queries_by_page_size"] = sizes
    if len(set(sizes.values())) > 1:
        out[0].passed = False
        out[0].note = f"queries vary with page size: {sizes}"
    b.shared["first_page_ids"] = _ids(expect(b.api.get(LIST_URL)).json()["results"])
    return out


# --- detail ---------------------------------------------------------------------------------


def case_detail(b: Bench) -> list[CaseResult]:
    require_url(LIST_URL + "1/")
    rows = expect(b.api.get(LIST_URL + "?page_size=200")).json()["results"]
    own_code = b.officer.agency.code
    out = []
    # Opening another agency's seizure also writes the access audit: a separate, fixed count.
    for label, ids in (
        ("own agency's", [r["id"] for r in rows if r["agency"] == own_code]),
        ("another agency's", [r["id"] for r in rows if r["agency"] != own_code]),
    ):
        if not ids:
            out.append(CaseResult(name=f"detail, {label}", group="detail", status="not available", note="none visible"))
            continue

        def get_detail(i: int, ids: list[int] = ids) -> Any:
            # A different seizure each time, as people browse.
            return expect(b.api.get(f"{LIST_URL}{ids[i % len(ids)]}/"))

        timing = measure(get_detail, warmup=b.warmup, repeats=b.repeats)
        order = [ids[(b.warmup + i) % len(ids)] for i in range(b.repeats)]
        base = b.base.time_many(bl.DETAIL_SQL, [{"id": i, "agency": b.agency_id} for i in order], warmup=b.warmup)
        result = result_from(f"detail, {label}", "detail", timing)
        result.baseline_p95_ms = percentile(base.times_ms, 95)
        result.ratio = timing.p95 / result.baseline_p95_ms
        out.append(judge(result, p95_max=20))
    return out


# --- create + submit ------------------------------------------------------------------------


def container_number(rng: random.Random) -> str:
    from stdnum import iso6346

    owner = "".join(rng.choice(string.ascii_uppercase) for _ in range(3)) + "U"
    serial = f"{rng.randrange(1_000_000):06d}"
    return owner + serial + iso6346.calc_check_digit(owner + serial)


def seizure_payload(rng: random.Random, identifiers: list[dict[str, str]] | None = None) -> dict[str, Any]:
    when = datetime.now(UTC) - timedelta(hours=rng.randrange(1, 72))
    return {
        "occurred_at": when.isoformat(),
        "location": "Busan New Port",
        "transport_mode": "sea_container",
        "detection_method": "xray",
        "concealment": "Inside machine parts",
        "origin_country": "TH",
        "transit_countries": ["VN"],
        "destination_country": "KR",
        "sharing": "members",
        "items": [
            {"drug": "methamphetamine", "description": "crystal", "quantity": "12.500", "unit": "kg"},
            {"drug": "mdma", "description": "pink tablets", "quantity": "2000", "unit": "tablet"},
        ],
        "identifiers": identifiers
        or [
            {"kind": "container", "value": container_number(rng)},
            {"kind": "bill_of_lading", "value": f"BENCH{rng.randrange(10**9):09d}"},
        ],
        "persons": [{"role": "consignee", "nationality": "KR", "sex": "m", "birth_year": 1980}],
        "notes": "benchmark",
    }


def case_create_submit(b: Bench) -> list[CaseResult]:
    require_url(LIST_URL + "1/submit/")
    rng = random.Random(8)

    def create_and_submit(i: int):
        created = expect(b.api.post(LIST_URL, seizure_payload(rng), content_type="application/json"), 201)
        return expect(b.api.post(f"{LIST_URL}{created.json()['id']}/submit/", content_type="application/json"))

    timing = measure(create_and_submit, warmup=b.warmup, repeats=b.repeats)
    result = result_from("create + submit (2 requests)", "write", timing)
    result.extra["query_summary"] = summarize(timing.last_sql)
    result.target = "queries constant"
    result.passed = result.queries_constant
    return [result]


# --- dashboard and statistics ---------------------------------------------------------------


def case_dashboard(b: Bench) -> list[CaseResult]:
    require_url(DASHBOARD_URL)
    timing = measure(lambda i: expect(b.web.get(DASHBOARD_URL)), warmup=b.warmup, repeats=b.repeats)
    content = timing.last.content
    if b'name="password"' in content:
        raise CaseFailed("the dashboard answered the sign-in page")
    tz_name = b.officer.timezone or b.officer.agency.timezone or "UTC"
    params = bl.dashboard_params(agency_id=b.agency_id, tz_name=tz_name)
    base = b.base.time(bl.DASHBOARD_SQL, params, warmup=b.warmup, repeats=b.repeats)
    result = result_from("dashboard page", "dashboard", timing)
    result.baseline_p95_ms = percentile(base.times_ms, 95)
    result.ratio = timing.p95 / result.baseline_p95_ms
    plans = []
    for sql in timing.last_sql:
        if sql.lstrip().upper().startswith(("SELECT", "WITH")) and "seizures_" in sql:
            plans.append({"sql": sql, "plan": explain(sql)})
    b.explain["dashboard"] = plans
    result.extra["bytes"] = len(content)
    out = [judge(result, p95_max=300)]
    # The same figures without the page (bench/stats.py): how much is SQL, how much rendering.
    try:
        stats = importlib.import_module("bench.stats")
    except ModuleNotFoundError:
        return out
    figures = stats.dashboard_query_times(b.officer, repeats=b.repeats)
    selector = CaseResult(
        name="dashboard selector only",
        group="dashboard",
        median_ms=figures["median_ms"],
        p95_ms=figures["p95_ms"],
        max_ms=figures["max_ms"],
        queries=[figures["queries"]],
        baseline_p95_ms=result.baseline_p95_ms,
        note="per query ms: " + ", ".join(f"{ms:g}" for ms in figures["per_query_ms"]),
        extra=figures,
    )
    selector.ratio = figures["p95_ms"] / selector.baseline_p95_ms if selector.baseline_p95_ms else None
    out.append(judge(selector, p95_max=300))
    return out


def case_origin_share(b: Bench) -> list[CaseResult]:
    require_url(ORIGIN_SHARE_URL)
    timing = measure(lambda i: expect(b.api.get(ORIGIN_SHARE_URL)), warmup=b.warmup, repeats=b.repeats)
    result = result_from("origin share KR←ASEAN", "stats", timing)
    result.extra["rows"] = len(timing.last.json().get("rows", []))
    b.explain["origin_share"] = [
        {"sql": sql, "plan": explain(sql)} for sql in timing.last_sql if "seizures_" in sql and "SELECT" in sql
    ]
    return [judge(result, p95_max=300)]


# --- matching -------------------------------------------------------------------------------


# Identifiers of one consignment (a phone or a company recurs across hundreds of seizures).
CONVEYANCE_KINDS = ("container", "bill_of_lading", "air_waybill", "parcel_tracking")


def _foreign_identifiers(b: Bench, n: int) -> list[list[dict[str, str]]]:
    """Identifiers of other agencies' seizures, so that each new seizure really matches."""
    from django.db.models import Max, Min

    from cases.seizures.models import SeizureIdentifier

    bounds = SeizureIdentifier.objects.aggregate(lo=Min("id"), hi=Max("id"))
    if bounds["lo"] is None:
        raise CaseFailed("no identifiers in the database to match against")
    rng = random.Random(4)
    sets = []
    for _ in range(n * 3):
        row = (
            SeizureIdentifier.objects.filter(id__gte=rng.randint(bounds["lo"], bounds["hi"]))
            .exclude(seizure__agency_id=b.agency_id)
            .filter(seizure__status__in=("submitted", "verified"), kind__in=CONVEYANCE_KINDS)
            .order_by("id")
            .values("kind", "value", "normalized")
            .first()
        )
        if row:
            sets.append([{"kind": row["kind"], "value": row["value"]}])
            b.shared.setdefault("match_keys", []).append((row["kind"], row["normalized"]))
        if len(sets) == n:
            break
    return sets


def case_matching(b: Bench) -> list[CaseResult]:
    services = require_module("cases.matching.services")
    require_url(LIST_URL)
    from cases.seizures.models import Seizure

    total = b.warmup + b.repeats
    rng = random.Random(5)
    seizures = []
    for identifiers in _foreign_identifiers(b, total):
        created = expect(b.api.post(LIST_URL, seizure_payload(rng, identifiers), content_type="application/json"), 201)
        seizures.append(created.json()["id"])
    if len(seizures) < total:
        raise CaseFailed("not enough foreign identifiers to match against")
    # Submitted without the submit service (which would match them itself): the timed call is
    # then the first match of each new seizure, as in production, Match rows and alerts included.
    Seizure.objects.filter(pk__in=seizures).update(status="submitted", submitted_at=datetime.now(UTC))
    # With its agency, as seizure_submit (which locks and re-reads it) passes it to match_seizure.
    seizures = list(Seizure.objects.filter(pk__in=seizures).select_related("agency").order_by("pk"))
    matched = []

    def match(i: int):
        found = services.match_seizure(seizure=seizures[i], just_submitted=True)  # as seizure_submit calls it
        matched.append(len(found or []))
        return found

    timing = measure(match, warmup=b.warmup, repeats=b.repeats)
    result = result_from("match_seizure (new seizure)", "matching", timing)
    result.extra |= {"matches_found": matched[b.warmup :], "query_summary": summarize(timing.last_sql)}
    keys = b.shared.get("match_keys", [])[b.warmup : b.warmup + b.repeats]
    if keys:
        base = b.base.time_many(
            bl.MATCH_SQL, [{"kind": k, "normalized": n, "agency": b.agency_id} for k, n in keys], warmup=b.warmup
        )
        result.baseline_p95_ms = percentile(base.times_ms, 95)
        result.ratio = timing.p95 / result.baseline_p95_ms
    result.note = (
        f"{sum(result.extra['matches_found'])} matches over {b.repeats} seizures; queries grow with the "
        "matches found (a Match row and an alert per new pair)"
    )
    if not any(matched):
        result.note = "no match found: is match_seizure implemented?"
    lookups = [sql for sql in timing.last_sql if "seizures_seizureidentifier" in sql and sql.startswith("SELECT")]
    if lookups:
        b.explain["matching"] = [{"sql": sql, "plan": explain(sql)} for sql in lookups[:2]]
    return [judge(result, p95_max=10, constant=False)]


# --- operation report -----------------------------------------------------------------------


def _report_operation(b: Bench) -> int:
    """The visible operation with the most seizures, or one made for the bench with 2,000 linked."""
    from django.db.models import Count

    from cases.operations.models import JointOperation, Participation
    from cases.seizures.models import Seizure

    best = (
        JointOperation.objects.visible_to(b.officer)
        .annotate(n=Count("seizures"))
        .order_by("-n")
        .values("id", "n")
        .first()
    )
    if best and best["n"] >= 100:
        return best["id"]
    today = datetime.now(UTC).date()
    operation, _ = JointOperation.objects.get_or_create(
        code="JO-BENCH-001",
        defaults={
            "name": "Benchmark operation",
            "status": "active",
            "lead_agency_id": b.agency_id,
            "starts_on": today - timedelta(days=365),
            "ends_on": today + timedelta(days=30),
            "target_drugs": ["methamphetamine"],
            "transport_modes": ["sea_container"],
        },
    )
    Participation.objects.get_or_create(
        operation=operation, agency_id=b.agency_id, defaults={"role": "lead", "status": "accepted"}
    )
    own = Seizure.objects.filter(agency_id=b.agency_id, operation__isnull=True).order_by("-occurred_at")[:2000]
    Seizure.objects.filter(pk__in=list(own.values_list("pk", flat=True))).update(operation=operation)
    return operation.pk


def case_operation_report(b: Bench) -> list[CaseResult]:
    require_url("/api/v1/operations/1/report/")
    require_module("cases.operations.models")
    operation_id = _report_operation(b)
    url = f"/api/v1/operations/{operation_id}/report/"
    timing = measure(lambda i: expect(b.api.get(url)), warmup=b.warmup, repeats=b.repeats)
    result = result_from("operation report", "operations", timing)
    result.extra |= {"operation": operation_id, "seizures": timing.last.json().get("totals", {}).get("seizures")}
    return [judge(result, p95_max=300)]


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
    from urllib.parse import urlencode

    from cases.seizures.models import Seizure

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


# --- alert fan-out --------------------------------------------------------------------------


def case_alerts(b: Bench) -> list[CaseResult]:
    alerts = require_module("bench.alerts")
    n = 20 if b.quick else 200
    figures = alerts.run(n)
    lost = figures.get("lost")
    result = CaseResult(
        name=f"alert fan-out ({n} seizures)",
        group="alerts",
        median_ms=figures.get("p50_ms", figures.get("p50")),
        p95_ms=figures.get("p95_ms", figures.get("p95")),
        max_ms=figures.get("max_ms", figures.get("max")),
        target="0 lost",
        passed=lost == 0,
        note=f"commit → webhook; lost {lost}",
        extra=figures,
    )
    return [result]


# --- throughput -----------------------------------------------------------------------------


def case_throughput(b: Bench) -> list[CaseResult]:
    from bench import load

    require_url(LIST_URL)
    require_url(LIST_URL + "1/")
    ids = b.shared.get("first_page_ids") or []
    figures = load.run(b, ids=ids, seconds=10 if b.quick else 30)
    ok = figures["errors"] == 0 and figures["non_2xx"] == 0
    result = CaseResult(
        name="throughput, gunicorn 2×2 + wrk",
        group="throughput",
        median_ms=figures["p50_ms"],
        p95_ms=figures["p95_ms"],
        max_ms=figures["max_ms"],
        target="no errors",
        passed=ok,
        note=f"{figures['requests_per_s']:.0f} req/s over {figures['seconds']} s ({figures['mix']})",
        extra=figures,
    )
    return [result]


# The order matters: the alert run comes before create + submit, whose notices would otherwise
# wait in the broker for the alert bench's worker.
CASES: list[tuple[str, Callable[[Bench], list[CaseResult]]]] = [
    ("list", case_list),
    ("detail", case_detail),
    ("dashboard", case_dashboard),
    ("stats", case_origin_share),
    ("operations", case_operation_report),
    ("export", case_export),
    ("alerts", case_alerts),
    ("write", case_create_submit),
    ("matching", case_matching),
    ("throughput", case_throughput),
]
