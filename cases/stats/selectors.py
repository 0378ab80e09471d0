"""Statistics over visible seizures: every figure is a cell of `seizure_totals` (cases.stats.totals).

`seizure_totals` reads the seizure summary where it can and the seizures where it must, exact and
never stale, and aggregates in the database either way; the functions here only reshape its
cells (at most a few thousand aggregated rows, never seizure rows) into the pages' and the
API's figures. Under a drug filter, weights are the weights of that drug's items (a seizure
of heroin and methamphetamine weighs only its heroin under drug=heroin); without one, a
seizure weighs its `total_weight_kg`. Every function takes `source` ("auto", "summary",
"live") so that tests can hold the summary to the live figures.
"""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from cases.stats.regions import region_members
from cases.stats.totals import Totals, seizure_totals
from crackdown.db import session_settings
from members.models import Agency

ZERO = Decimal("0.000")
THREE = Decimal("0.001")


def q3(value: Decimal | None) -> Decimal:
    return (value or ZERO).quantize(THREE, rounding=ROUND_HALF_UP)


def _analytics_session() -> AbstractContextManager[None]:
    """Run the aggregates with PostgreSQL's JIT off and room to aggregate in memory.

    Measured at 1,000,000 seizures: JIT compilation cost 0.3–3 s per aggregate, more than the
    work itself (these queries are planned fresh each time, so JIT never pays back); with the
    default 4 MB work_mem a large grouping spills to disk. Only for the transaction.
    """
    return session_settings(jit="off", work_mem="64MB")


def figures(cell: list) -> dict[str, Any]:
    """A cell's measures as a row's figures: seizures, kg equivalent, tablets, items without weight."""
    count, weight, tablets, unweighed = cell
    return {"seizures": count, "weight_kg": q3(weight), "tablets": q3(tablets), "items_without_weight": unweighed}


def _rows(cells: Totals, *, heaviest_first: bool = True) -> list[dict[str, Any]]:
    """Totals of one dimension as API rows, heaviest first (or by key)."""
    rows = [{"key": key[0], **figures(cell)} for key, cell in cells.items()]
    if heaviest_first:
        return sorted(rows, key=lambda r: (-r["weight_kg"], -r["seizures"], r["key"] or ""))
    return sorted(rows, key=lambda r: r["key"])


# --- GET /api/v1/stats/seizures/ -------------------------------------------------------------


def seizure_stats(
    *, user, group_by: str, filters: dict[str, Any] | None = None, source: str = "auto"
) -> list[dict[str, Any]]:
    """Rows of {"key", "seizures", "weight_kg", "tablets", "items_without_weight"} for one grouping.

    group_by=drug counts item weights per drug: a seizure with two drugs is in both rows.
    Months are "YYYY-MM" and years integers, in the reader's time zone, oldest first; other
    groupings are heaviest first. An empty country is the key null.
    """
    with _analytics_session():
        cells = seizure_totals(user=user, by=(group_by,), filters=filters, per_drug=group_by == "drug", source=source)
    if group_by in ("month", "year"):
        rows = _rows(cells, heaviest_first=False)
        if group_by == "month":
            for row in rows:
                row["key"] = row["key"].strftime("%Y-%m")
        return rows
    rows = _rows(cells)
    for row in rows:
        row["key"] = row["key"] or None
    return rows


# --- GET /api/v1/stats/origin-share/ ---------------------------------------------------------


def origin_share(*, user, country: str, region: str, source: str = "auto") -> list[dict[str, Any]]:
    """Per year: weight seized in `country`, the part whose origin was then a member of `region`.

    Membership counts from the day a country joined (regions.csv `member_since`, the start
    of that day in the reader's time zone). Share = region / total rounded half-up to 3
    decimals (null when nothing of known weight was seized that year).
    """
    with _analytics_session():
        cells = seizure_totals(
            user=user,
            by=("year", "in_region"),
            filters={"country": country},
            region=region_members(region),
            source=source,
        )
    years: dict[int, list[Decimal]] = {}
    for (year, in_region), (_count, weight, *_rest) in cells.items():
        figures = years.setdefault(year, [ZERO, ZERO])
        figures[0] += weight or ZERO
        if in_region:
            figures[1] += weight or ZERO
    result = []
    for year in sorted(years):
        total, part = q3(years[year][0]), q3(years[year][1])
        share = (part / total).quantize(THREE, rounding=ROUND_HALF_UP) if total else None
        result.append({"year": year, "total_weight_kg": total, "region_weight_kg": part, "region_share": share})
    return result


# --- The dashboard ---------------------------------------------------------------------------


def month_start(day: dt.date, back: int = 0) -> dt.date:
    """The first day of the month `back` months before `day`'s month."""
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass
class Dashboard:
    this_month: dict[str, Any]
    last_month: dict[str, Any]
    period_start: dt.date
    period_end: dt.date | None
    totals: dict[str, Any]
    by_drug: list[dict[str, Any]]
    by_month: list[dict[str, Any]]
    by_transport_mode: list[dict[str, Any]]
    top_routes: list[dict[str, Any]]
    by_agency: list[dict[str, Any]]


MONTHS = 24
TOP_ROUTES = 10


def _fold(cells: Totals, position: int) -> dict[Any, list]:
    """Add up cells over every dimension but one (cells are aggregates, never seizure rows)."""
    folded: dict[Any, list] = {}
    for key, cell in cells.items():
        target = folded.setdefault(key[position], [0, ZERO, ZERO, 0])
        for index, value in enumerate(cell):
            target[index] += value or 0
    return folded


def _ranked(folded: dict[Any, list]) -> list[dict[str, Any]]:
    rows = [{"key": key, **figures(cell)} for key, cell in folded.items()]
    return sorted(rows, key=lambda r: (-r["weight_kg"], -r["seizures"], str(r["key"] or "")))


def dashboard(
    *,
    user,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    drug: str = "",
    source: str = "auto",
) -> Dashboard:
    """The home page's figures: four reads of `seizure_totals` and the agencies' names.

    The headline compares this calendar month with the last (drug filter applied, period
    not); every breakdown covers the period, by default the last 24 months. Month, transport
    mode and agency come from one read grouped by all three: each seizure falls in exactly
    one cell, so the cells add up to exact totals.
    """
    today = timezone.localdate()
    this_start, last_start = month_start(today), month_start(today, 1)
    period_start = date_from or month_start(today, MONTHS - 1)
    filters: dict[str, Any] = {"drug": drug, "occurred_after": period_start, "occurred_before": date_to}

    def read(by: tuple[str, ...], **kwargs) -> Totals:
        return seizure_totals(user=user, by=by, source=source, **kwargs)

    with _analytics_session():
        # 1. Headline: this month and last, in the reader's months.
        head = read(("month",), filters={"drug": drug, "occurred_after": last_start})
        # 2. Month × transport mode × agency cells.
        cells = read(("month", "transport_mode", "agency_id"), filters=filters)
        # 3. The agencies in those cells (a handful of rows).
        agencies = {
            pk: (code, name)
            for pk, code, name in Agency.objects.filter(pk__in={key[2] for key in cells}).values_list(
                "pk", "code", "name"
            )
        }
        # 4. By drug (item weights).
        drugs = read(("drug",), filters=filters, per_drug=True)
        # 5. Routes: origin → transits → destination.
        route_cells = read(("origin_country", "transit", "destination_country"), filters=filters)

    # Keyed by "is this month": True for this month, False for the last.
    heads: dict[bool, list] = {True: [0, ZERO, ZERO, 0], False: [0, ZERO, ZERO, 0]}
    for (month,), cell in head.items():
        for index, value in enumerate(cell):
            heads[month >= this_start][index] += value or 0

    monthly = _fold(cells, 0)
    end = date_to or today
    months: list[dict[str, Any]] = []
    cursor = month_start(period_start)
    while cursor <= end and len(months) < 240:
        months.append({"key": cursor.strftime("%Y-%m"), **figures(monthly.get(cursor, [0, ZERO, ZERO, 0]))})
        cursor = month_start(cursor, -1)
    modes = _ranked(_fold(cells, 1))
    by_agency = _ranked({agencies.get(pk, ("?", ""))[0]: cell for pk, cell in _fold(cells, 2).items()})
    names = dict(agencies.values())
    for row in by_agency:
        row["name"] = names.get(row["key"], "")

    ranked_routes = sorted(
        route_cells.items(), key=lambda item: (-item[1][1], -item[1][0], tuple(str(part) for part in item[0]))
    )[:TOP_ROUTES]
    routes = []
    for (origin, transit, destination), cell in ranked_routes:
        route = {
            "origin": origin or None,
            "transit": transit.split(",") if transit else [],
            "destination": destination or None,
            **figures(cell),
        }
        route["label"] = " → ".join([route["origin"] or "?", *route["transit"], route["destination"] or "?"])
        routes.append(route)

    return Dashboard(
        this_month=figures(heads[True]),
        last_month=figures(heads[False]),
        period_start=period_start,
        period_end=date_to,
        totals={
            "seizures": sum(m["seizures"] for m in modes),
            "weight_kg": q3(sum((m["weight_kg"] for m in modes), ZERO)),
            "tablets": q3(sum((m["tablets"] for m in modes), ZERO)),
            "items_without_weight": sum(m["items_without_weight"] for m in modes),
        },
        by_drug=_rows({(key[0],): cell for key, cell in drugs.items()}),
        by_month=months,
        by_transport_mode=modes,
        top_routes=routes,
        by_agency=by_agency,
    )
