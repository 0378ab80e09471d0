"""Statistics over visible seizures: every figure is aggregated in the database.

Everything starts from `Seizure.objects.visible_to(user)` (through the seizure filters of
cases.seizures.selectors). Under a drug filter, weights are the weights of that drug's items
(a seizure of heroin and methamphetamine weighs only its heroin under drug=heroin); without
one, a seizure weighs its `total_weight_kg`. Python only reshapes the aggregated rows (at most
a few dozen), never seizure rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Case, Count, DecimalField, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear, TruncMonth
from django.utils import timezone

from cases.seizures.models import Seizure, SeizureItem
from cases.seizures.selectors import apply_filters
from cases.stats.regions import region_members

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
    s = scope(user, filters)
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
    rows = (
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
    result = []
    for row in rows:
        total, part = q3(row["total"]), q3(row["in_region"])
        share = (part / total).quantize(THREE, rounding=ROUND_HALF_UP) if total else None
        result.append(
            {"year": row["year"], "total_weight_kg": total, "region_weight_kg": part, "region_share": share}
        )
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


def dashboard(
    *, user, date_from: dt.date | None = None, date_to: dt.date | None = None, drug: str = ""
) -> Dashboard:
    """The home page's figures in seven queries, whatever the number of seizures.

    The headline compares this calendar month with the last (drug filter applied, period
    not); every breakdown covers the period, by default the last 24 months (a bounded range on
    the `occurred_at` index rather than all history).
    """
    today = timezone.localdate()
    this_start, last_start = month_start(today), month_start(today, 1)
    period_start = date_from or month_start(today, MONTHS - 1)
    filters: dict[str, Any] = {"drug": drug, "occurred_after": period_start}
    if date_to:
        filters["occurred_before"] = date_to

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
    # 2. Totals over the period.
    totals = s.seizures.aggregate(seizures=s.count, weight_kg=s.weight)
    # 3. By month (zero months filled in below, from at most a few dozen aggregated rows).
    monthly = {
        row["key"].date() if isinstance(row["key"], dt.datetime) else row["key"]: row
        for row in s.seizures.values(key=TruncMonth("occurred_at"))
        .annotate(seizures=s.count, weight_kg=s.weight)
        .order_by("key")
    }
    end = date_to or today
    months, cursor = [], month_start(period_start)
    while cursor <= end and len(months) < 240:
        row = monthly.get(cursor, {})
        months.append(
            {"key": cursor.strftime("%Y-%m"), "seizures": row.get("seizures", 0), "weight_kg": q3(row.get("weight_kg"))}
        )
        cursor = month_start(cursor, -1)
    # 4. By drug; 5. by transport mode; 6. by agency.
    drugs = by_drug(s)
    modes = [
        {"key": row["key"], "seizures": row["seizures"], "weight_kg": q3(row["weight_kg"])}
        for row in s.seizures.values(key=F("transport_mode"))
        .annotate(seizures=s.count, weight_kg=s.weight)
        .order_by("-weight_kg", "-seizures", "key")
    ]
    agencies = [
        {"key": row["key"], "name": row["name"], "seizures": row["seizures"], "weight_kg": q3(row["weight_kg"])}
        for row in s.seizures.values(key=F("agency__code"), name=F("agency__name"))
        .annotate(seizures=s.count, weight_kg=s.weight)
        .order_by("-weight_kg", "-seizures", "key")
    ]
    # 7. Top routes: origin → transits → destination, heaviest first.
    routes = [
        {
            "origin": row["origin_country"] or None,
            "transit": list(row["transit_countries"] or []),
            "destination": row["destination_country"] or None,
            "seizures": row["seizures"],
            "weight_kg": q3(row["weight_kg"]),
        }
        for row in s.seizures.values("origin_country", "transit_countries", "destination_country")
        .annotate(seizures=s.count, weight_kg=s.weight)
        .order_by("-weight_kg", "-seizures")[:TOP_ROUTES]
    ]
    for route in routes:
        route["label"] = " → ".join([route["origin"] or "?", *route["transit"], route["destination"] or "?"])

    return Dashboard(
        this_month={"seizures": figures["this_seizures"], "weight_kg": q3(figures["this_kg"])},
        last_month={"seizures": figures["last_seizures"], "weight_kg": q3(figures["last_kg"])},
        period_start=period_start,
        period_end=date_to,
        totals={"seizures": totals["seizures"], "weight_kg": q3(totals["weight_kg"])},
        by_drug=drugs,
        by_month=months,
        by_transport_mode=modes,
        top_routes=routes,
        by_agency=agencies,
    )
