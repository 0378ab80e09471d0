"""Summaries: the dashboard page, the origin-share statistic and an operation's report."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta

from django.db.models import Count

from bench import baseline as bl
from bench.measuring import (
    DASHBOARD_URL,
    ORIGIN_SHARE_URL,
    Bench,
    CaseFailed,
    CaseResult,
    expect,
    explain,
    judge,
    measure,
    percentile,
    require_module,
    require_url,
    result_from,
)
from cases.operations.models import JointOperation, Participation
from cases.seizures.models import Seizure

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
    result.set_baseline(percentile(base.times_ms, 95))
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
        note="per query ms: " + ", ".join(f"{ms:g}" for ms in figures["per_query_ms"]),
        extra=figures,
    )
    selector.set_baseline(result.baseline_p95_ms)
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


# --- operation report -----------------------------------------------------------------------


def _report_operation(b: Bench) -> int:
    """The visible operation with the most seizures, or one made for the bench with 2,000 linked."""
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


def case_operation_report_pdf(b: Bench) -> list[CaseResult]:
    """The after-action report as PDF (WeasyPrint) over the same operation: budget 3 s."""
    require_url("/api/v1/operations/1/report.pdf")
    operation_id = _report_operation(b)
    url = f"/api/v1/operations/{operation_id}/report.pdf"
    repeats = max(3, min(b.repeats, 10))

    def get(i: int):
        response = expect(b.api.get(url))
        if not response.content.startswith(b"%PDF-"):
            raise CaseFailed("the report did not answer a PDF")
        return response

    timing = measure(get, warmup=1, repeats=repeats)
    result = result_from("operation report PDF", "operations", timing)
    result.extra |= {"operation": operation_id, "bytes": len(timing.last.content)}
    return [judge(result, p95_max=3000)]
