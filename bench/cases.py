"""The benchmark cases in the order they run, each a function returning CaseResult rows.

How a case measures is in bench/measuring.py; the cases themselves by concept in
bench/reads.py, bench/reports.py, bench/export.py, bench/writes.py and bench/evidence.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench import load
from bench.evidence import case_evidence
from bench.export import case_export
from bench.guards import case_guards
from bench.imports import case_import
from bench.languages import case_languages
from bench.lookouts import case_lookouts
from bench.measuring import LIST_URL, Bench, CaseResult, require_module, require_url
from bench.ops import case_ops
from bench.reads import case_detail, case_list
from bench.reports import case_dashboard, case_operation_report, case_operation_report_pdf, case_origin_share
from bench.targeting import case_targeting
from bench.writes import case_create_submit, case_matching

# --- alert fan-out --------------------------------------------------------------------------


def case_alerts(b: Bench) -> list[CaseResult]:
    fanout = require_module("bench.fanout")
    n = 20 if b.quick else 200
    figures = fanout.run(n)
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


def _wrk_row(name: str, figures: dict[str, Any], note: str) -> CaseResult:
    """A row of wrk's figures: latency percentiles of the whole run, passed when nothing failed."""
    return CaseResult(
        name=name,
        group="throughput",
        median_ms=figures["p50_ms"],
        p95_ms=figures["p95_ms"],
        max_ms=figures["max_ms"],
        target="no errors",
        passed=figures["errors"] == 0 and figures["non_2xx"] == 0,
        note=note,
        extra=figures,
    )


def case_throughput(b: Bench) -> list[CaseResult]:
    require_url(LIST_URL)
    require_url(LIST_URL + "1/")
    ids = b.shared.get("first_page_ids") or []
    figures = load.run(b, ids=ids, seconds=10 if b.quick else 30)
    floor, share = figures["floor"], figures["share"]
    floor_rps = f"{floor['requests_per_s']:.0f} req/s"
    ours = _wrk_row(
        "throughput, gunicorn 2×2 + wrk",
        figures,
        f"{figures['requests_per_s']:.0f} req/s over {figures['seconds']} s ({figures['mix']}); "
        + (f"{share:.0%} of the floor's {floor_rps}" if share is not None else "the floor served nothing"),
    )
    # The table's baseline columns: the floor's p95 under the same load, and ours against it.
    ours.set_baseline(floor["p95_ms"])
    floor_row = _wrk_row(
        "throughput floor (bench/floor.py)",
        floor,
        f"{floor_rps}: the same mix over the baseline SQL + orjson in a bare WSGI app, same gunicorn"
        + (f"; ours / floor = {share:.2f}" if share is not None else ""),
    )
    return [ours, floor_row]


# The order matters: the alert run comes before create + submit, whose notices would otherwise
# wait in the broker for the alert bench's worker.
CASES: list[tuple[str, Callable[[Bench], list[CaseResult]]]] = [
    ("list", case_list),
    ("detail", case_detail),
    ("languages", case_languages),
    ("dashboard", case_dashboard),
    ("stats", case_origin_share),
    ("operations", case_operation_report),
    ("report_pdf", case_operation_report_pdf),
    ("export", case_export),
    ("alerts", case_alerts),
    ("write", case_create_submit),
    ("matching", case_matching),
    ("lookouts", case_lookouts),
    ("import", case_import),
    ("targeting", case_targeting),
    ("ops", case_ops),
    ("throughput", case_throughput),
    ("evidence", case_evidence),
    ("guards", case_guards),
]
