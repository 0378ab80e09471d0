"""Reading seizures through the API: the list (first and deep pages) and one seizure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db import connection, reset_queries
from django.db.models import Max
from django.test.utils import CaptureQueriesContext

from bench import baseline as bl
from bench.measuring import (
    DEEP_HOPS,
    LIST_URL,
    Bench,
    CaseResult,
    expect,
    explain,
    judge,
    main_seizure_query,
    measure,
    percentile,
    require_url,
    result_from,
)
from cases.seizures.models import Seizure, SeizureIdentifier

PAGE_URL = "/seizures/"

# --- list -----------------------------------------------------------------------------------


def _filters(b: Bench) -> dict[str, str]:
    if "filters" not in b.shared:
        newest = Seizure.objects.aggregate(m=Max("occurred_at"))["m"] or datetime.now(UTC)
        after = (newest - timedelta(days=3 * 365)).date().isoformat()
        b.shared["filters"] = {"drug": "methamphetamine", "transport_mode": "sea_container", "occurred_after": after}
    return b.shared["filters"]


def _query(params: dict[str, str]) -> str:
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
        pages: list[tuple[str, str, dict | None]] = [("first page", first_url, None)]
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
            sql = bl.list_sql(filters=params, after=after is not None)
            base = b.base.time(
                sql,
                bl.list_params(agency_id=b.agency_id, filters=params or None, after=after),
                warmup=b.warmup,
                repeats=b.repeats,
            )
            result = result_from(f"list {label}, {where}", "list", timing)
            result.set_baseline(percentile(base.times_ms, 95))
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
    out.extend(_search_cases(b))
    return out


def _search_terms(b: Bench) -> list[tuple[str, str]]:
    """A container number as an officer types it (spaces, a dash, lower case) and a company
    name, both of visible seizures."""
    visible = Seizure.objects.visible_to_agency(b.agency_id)
    terms = []
    container = (
        SeizureIdentifier.objects.filter(kind="container", seizure__in=visible.values("pk")[:5000])
        .values_list("normalized", flat=True)
        .first()
    )
    if container:
        terms.append(("container typed with spaces", f"{container[:4].lower()} {container[4:10]}-{container[10:]}"))
    company = (
        SeizureIdentifier.objects.filter(kind="company", seizure__in=visible.values("pk")[:5000])
        .values_list("normalized", flat=True)
        .first()
    )
    if company:
        terms.append(("company name", company.title()))
    return terms


def _search_cases(b: Bench) -> list[CaseResult]:
    """`q` over identifiers: the API list and the page (which also counts the matches)."""
    out = []
    for label, term in _search_terms(b):
        for where, url, client in (
            ("API", LIST_URL + _query({"q": term}), b.api),
            ("page", PAGE_URL + _query({"q": term}), b.web),
        ):

            def get(i: int, url: str = url, client: Any = client) -> Any:
                return expect(client.get(url))

            timing = measure(get, warmup=b.warmup, repeats=b.repeats)
            result = result_from(f"list q={label} ({where})", "list", timing)
            result.extra |= {"url": url}
            judge(result, p95_max=30 if where == "API" else 100)
            if where == "API":
                found = len(timing.last.json()["results"])
                result.extra["rows"] = found
                if not found:
                    result.note = "the search found nothing"
                    result.passed = False
            out.append(result)
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

        # A different seizure each time, as people browse.
        def open_seizure(i: int, ids: list[int] = ids) -> Any:
            return expect(b.api.get(f"{LIST_URL}{ids[i % len(ids)]}/"))

        timing = measure(open_seizure, warmup=b.warmup, repeats=b.repeats)
        order = [ids[(b.warmup + i) % len(ids)] for i in range(b.repeats)]
        base = b.base.time_many(bl.DETAIL_SQL, [{"id": i, "agency": b.agency_id} for i in order], warmup=b.warmup)
        result = result_from(f"detail, {label}", "detail", timing)
        result.set_baseline(percentile(base.times_ms, 95))
        out.append(judge(result, p95_max=20))
    return out
