"""Statistics over visible seizures: every figure is aggregated in the database.

Everything starts from `Seizure.objects.visible_to(user)` (through the seizure filters of
cases.seizures.selectors). Under a drug filter, weights are the weights of that drug's items
(a seizure of heroin and methamphetamine weighs only its heroin under drug=heroin); without
one, a seizure weighs its `total_weight_kg`. Python only reshapes the aggregated rows (at most
a few dozen), never seizure rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, Count, DecimalField, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear, TruncMonth
from django.utils import timezone

from cases.seizures.models import Seizure, SeizureItem
from cases.seizures.selectors import apply_filters
from cases.stats.regions import region_members
from members.models import Agency

ZERO = Decimal("0.000")
KG = DecimalField(max_digits=20, decimal_places=3)
THREE = Decimal("0.001")


def _kg(expression) -> Coalesce:
    return Coalesce(Sum(expression), Value(ZERO), output_field=KG)


@dataclass(frozen=True)
class Scope:
    """The filtered visible seizures and how to count and weigh them."""

    seizures: QuerySet[Seizure]
    drug: str | None

    @property
    def count(self) -> Count:
        # Under a drug filter the item join repeats a seizure once per item of that drug.
        return Count("id", distinct=True) if self.drug else Count("id")

    @property
    def weight(self) -> Coalesce:
        return _kg("items__weight_kg" if self.drug else "total_weight_kg")

    def count_if(self, condition: Q) -> Count:
        return Count("id", filter=condition, distinct=bool(self.drug))

    def weight_if(self, condition: Q) -> Coalesce:
        field = "items__weight_kg" if self.drug else "total_weight_kg"
        return Coalesce(Sum(field, filter=condition), Value(ZERO), output_field=KG)


def scope(user, filters: dict[str, Any] | None = None) -> Scope:
    """Visible seizures with the seizure filters applied; the drug filter as an item join."""
    filters = dict(filters or {})
    drug = filters.pop("drug", None) or None
    seizures = apply_filters(Seizure.objects.visible_to(user), filters).order_by()
    if drug:
        seizures = seizures.filter(items__drug=drug)
    return Scope(seizures=seizures, drug=drug)


def q3(value: Decimal | None) -> Decimal:
    return (value or ZERO).quantize(THREE, rounding=ROUND_HALF_UP)


@contextmanager
def _analytics_session() -> Iterator[None]:
    """Run the dashboard's aggregates with PostgreSQL's JIT off and room to aggregate in memory.

    Measured at 1,000,000 seizures: JIT compilation cost 0.3–3 s per aggregate, more than the
    scan itself (these queries are planned fresh each time, so JIT never pays back); with the
    default 4 MB work_mem the grouping of ~500,000 rows spilled to disk as an external merge
    sort. SET LOCAL ends with the transaction, leaving the connection as it was. Other
    databases run as they are.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")
        yield


# --- GET /api/v1/stats/seizures/ -------------------------------------------------------------

FIELD_KEYS = {
    "agency": "agency__code",
    "country": "country",
    "origin_country": "origin_country",
    "destination_country": "destination_country",
    "transport_mode": "transport_mode",
}


def seizure_stats(*, user, group_by: str, filters: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Rows of {"key", "seizures", "weight_kg"} for one grouping; one query.

    group_by=drug counts item weights per drug: a seizure with two drugs is in both rows.
    Months are "YYYY-MM" and years integers, in the reader's time zone, oldest first; other
    groupings are heaviest first. An empty country is the key null.
    """
    with _analytics_session():
        return _seizure_stats(scope(user, filters), group_by)


def _seizure_stats(s: Scope, group_by: str) -> list[dict[str, Any]]:
    if group_by == "drug":
        return by_drug(s)
    if group_by in ("month", "year"):
        key = TruncMonth("occurred_at") if group_by == "month" else ExtractYear("occurred_at")
        rows = s.seizures.values(key=key).annotate(seizures=s.count, weight_kg=s.weight).order_by("key")
        return [
            {
                "key": row["key"].strftime("%Y-%m") if group_by == "month" else row["key"],
                "seizures": row["seizures"],
                "weight_kg": q3(row["weight_kg"]),
            }
            for row in rows
        ]
    rows = (
        s.seizures.values(key=F(FIELD_KEYS[group_by]))
        .annotate(seizures=s.count, weight_kg=s.weight)
        .order_by("-weight_kg", "-seizures", "key")
    )
    return [{"key": row["key"] or None, "seizures": row["seizures"], "weight_kg": q3(row["weight_kg"])} for row in rows]


def by_drug(s: Scope) -> list[dict[str, Any]]:
    """Per drug: seizures holding it and the weight of its items (one query)."""
    items = SeizureItem.objects.filter(seizure__in=s.seizures.values("pk"))
    if s.drug:
        items = items.filter(drug=s.drug)
    rows = (
        items.values(key=F("drug"))
        .annotate(seizures=Count("seizure_id", distinct=True), weight_kg=_kg("weight_kg"))
        .order_by("-weight_kg", "-seizures", "key")
    )
    return [{"key": row["key"], "seizures": row["seizures"], "weight_kg": q3(row["weight_kg"])} for row in rows]


# --- GET /api/v1/stats/origin-share/ ---------------------------------------------------------


def _start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def origin_share(*, user, country: str, region: str) -> list[dict[str, Any]]:
    """Per year: weight seized in `country`, the part whose origin was then a member of `region`.

    Membership counts from the day a country joined (regions.csv `member_since`): one
    conditional Sum over `origin_country = X AND occurred_at >= joined(X)` per member, in one
    query grouped by year. Share = region / total rounded half-up to 3 decimals (null when
    nothing of known weight was seized that year).
    """
    members = region_members(region)
    in_region = Q()
    for member, since in members:
        in_region |= Q(origin_country=member, occurred_at__gte=_start_of_day(since))
    queryset = (
        Seizure.objects.visible_to(user)
        .filter(country=country)
        .order_by()
        .values(year=ExtractYear("occurred_at"))
        .annotate(
            total=_kg("total_weight_kg"),
            in_region=Coalesce(
                Sum(Case(When(in_region, then=F("total_weight_kg")), default=Value(ZERO), output_field=KG)),
                Value(ZERO),
                output_field=KG,
            ),
        )
        .order_by("year")
    )
    with _analytics_session():
        rows = list(queryset)
    result = []
    for row in rows:
        total, part = q3(row["total"]), q3(row["in_region"])
        share = (part / total).quantize(THREE, rounding=ROUND_HALF_UP) if total else None
        result.append({"year": row["year"], "total_weight_kg": total, "region_weight_kg": part, "region_share": share})
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


def _sum_rows(rows, key: str) -> list[dict[str, Any]]:
    """Fold aggregated cells into one row per `key` (cells are aggregates, never seizure rows)."""
    folded: dict[Any, dict[str, Any]] = {}
    for row in rows:
        target = folded.setdefault(row[key], {"key": row[key], "seizures": 0, "weight_kg": ZERO})
        target["seizures"] += row["seizures"]
        target["weight_kg"] += row["weight_kg"] or ZERO
        if key == "agency_code":
            target["name"] = row["agency_name"]
    result = sorted(folded.values(), key=lambda r: (-r["weight_kg"], -r["seizures"], r["key"] or ""))
    for row in result:
        row["weight_kg"] = q3(row["weight_kg"])
    return result


def dashboard(*, user, date_from: dt.date | None = None, date_to: dt.date | None = None, drug: str = "") -> Dashboard:
    """The home page's figures in five queries (four aggregates), whatever the number of seizures.

    The headline compares this calendar month with the last (drug filter applied, period
    not); every breakdown covers the period, by default the last 24 months (a bounded range on
    the `occurred_at` index rather than all history). Month, transport mode and agency come
    from one query grouped by all three: each seizure falls in exactly one cell, so the cells
    add up to exact totals, and the database scans the period once instead of four times.
    """
    today = timezone.localdate()
    this_start, last_start = month_start(today), month_start(today, 1)
    period_start = date_from or month_start(today, MONTHS - 1)
    filters: dict[str, Any] = {"drug": drug, "occurred_after": period_start}
    if date_to:
        filters["occurred_before"] = date_to

    with _analytics_session():
        # 1. Headline: two months on the occurred_at index, conditional aggregation.
        head = scope(user, {"drug": drug, "occurred_after": last_start})
        this_q = Q(occurred_at__gte=_start_of_day(this_start))
        figures = head.seizures.aggregate(
            this_seizures=head.count_if(this_q),
            this_kg=head.weight_if(this_q),
            last_seizures=head.count_if(~this_q),
            last_kg=head.weight_if(~this_q),
        )
        s = scope(user, filters)
        # 2. Month × transport mode × agency cells (at most a few thousand aggregated rows).
        cells = list(
            s.seizures.values(
                month=TruncMonth("occurred_at"),
                mode=F("transport_mode"),
                # The agency's id, not its code: a narrow integer key lets PostgreSQL hash
                # the groups in memory instead of sorting ~500,000 rows by text.
                agency_ref=F("agency_id"),
            )
            .annotate(seizures=s.count, weight_kg=s.weight)
            .order_by()
        )
        # 3. The agencies in those cells (a handful of rows).
        agencies = {
            pk: (code, name)
            for pk, code, name in Agency.objects.filter(pk__in={c["agency_ref"] for c in cells}).values_list(
                "pk", "code", "name"
            )
        }
        # 4. By drug (item weights).
        drugs = by_drug(s)
        # 5. Top routes: origin → transits → destination, heaviest first.
        route_rows = list(
            s.seizures.values("origin_country", "transit_countries", "destination_country")
            .annotate(seizures=s.count, weight_kg=s.weight)
            .order_by("-weight_kg", "-seizures")[:TOP_ROUTES]
        )

    for cell in cells:
        month = cell["month"]
        cell["month"] = month.date() if isinstance(month, dt.datetime) else month
        cell["agency_code"], cell["agency_name"] = agencies.get(cell["agency_ref"], ("?", ""))
    monthly = {row["key"]: row for row in _sum_rows(cells, "month")}
    end = date_to or today
    months, cursor = [], month_start(period_start)
    while cursor <= end and len(months) < 240:
        row = monthly.get(cursor, {})
        months.append(
            {"key": cursor.strftime("%Y-%m"), "seizures": row.get("seizures", 0), "weight_kg": q3(row.get("weight_kg"))}
        )
        cursor = month_start(cursor, -1)
    modes = _sum_rows(cells, "mode")
    routes = [
        {
            "origin": row["origin_country"] or None,
            "transit": list(row["transit_countries"] or []),
            "destination": row["destination_country"] or None,
            "seizures": row["seizures"],
            "weight_kg": q3(row["weight_kg"]),
        }
        for row in route_rows
    ]
    for route in routes:
        route["label"] = " → ".join([route["origin"] or "?", *route["transit"], route["destination"] or "?"])

    return Dashboard(
        this_month={"seizures": figures["this_seizures"], "weight_kg": q3(figures["this_kg"])},
        last_month={"seizures": figures["last_seizures"], "weight_kg": q3(figures["last_kg"])},
        period_start=period_start,
        period_end=date_to,
        totals={
            "seizures": sum(m["seizures"] for m in modes),
            "weight_kg": q3(sum((m["weight_kg"] for m in modes), ZERO)),
        },
        by_drug=drugs,
        by_month=months,
        by_transport_mode=modes,
        top_routes=routes,
        by_agency=_sum_rows(cells, "agency_code"),
    )
