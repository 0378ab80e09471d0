"""The one statistics read: seizures and kilograms per cell of chosen dimensions, visible seizures only.

`seizure_totals` answers from the seizure summary (SeizureStat, per UTC month) what it can and
from the seizures themselves only what it must, and the sum is exact at every moment:

- Visibility. For an agency A the visible seizures are A's own, other agencies' shared ones
  with sharing=members, and the few more it sees through an accepted operation or by being
  named in shared_with. The first two sets are selected in the summary by its key (agency,
  status, sharing); the third is aggregated live, through the shared_with and operation
  indexes, and never overlaps the first two (sharing != members, another agency's).
- Grain. SeizureStat holds every key; when the dimensions and filters asked for fit a public
  rollup (PublicModeStat: agency and transport mode; PublicRouteStat: origin, transit,
  destination), the read takes the rollup (what every member sees) plus the agency's own
  unshared SeizureStat rows — a tenth of the rows to add up at 1,000,000 seizures.
- Time. The summary's month is the UTC month; readers count in their own time zone, and
  periods and region membership start at a given instant. Each summary month is cut at
  every instant inside it where a counted dimension changes (a local month or year
  boundary, a period bound, a country joining a region); the longest piece is read from the
  summary, the other pieces (hours at a month boundary, a few days at an unaligned period
  bound) are corrected live: their seizures are taken out of the cell the summary put them
  in and added to the cell they belong to.

With `source="live"`, or under a filter the summary cannot answer (transit country,
detection method, operation, identifier, free text), every figure comes from the seizures.
Each source aggregates in the database; Python only adds up aggregated cells.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import BooleanField, Case, Count, DateField, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import ExtractMonth, ExtractYear, TruncMonth
from django.utils import timezone

from cases.choices import Drug, Unit
from cases.seizures import visibility
from cases.seizures.models import PublicModeStat, PublicRouteStat, Seizure, SeizureStat
from cases.seizures.selectors import apply_filters, as_datetime

ZERO = Decimal("0")
MICROSECOND = dt.timedelta(microseconds=1)

# Filters the summary answers; any other non-empty filter sends the read to the live source.
SUMMARY_FILTERS = frozenset(
    {
        "drug",
        "agency",
        "country",
        "origin_country",
        "destination_country",
        "transport_mode",
        "status",
        "occurred_after",
        "occurred_before",
    }
)
TIME_DIMENSIONS = ("month", "year", "in_region")
# Dimension -> (summary field, seizure field).
FIELDS = {
    "agency": ("agency__code", "agency__code"),
    "agency_id": ("agency_id", "agency_id"),
    "status": ("status", "status"),
    "country": ("country", "country"),
    "origin_country": ("origin_country", "origin_country"),
    "destination_country": ("destination_country", "destination_country"),
    "transport_mode": ("transport_mode", "transport_mode"),
    "transit": ("transit", "transit_countries"),
}

# The public rollups and the dimensions each can answer (a filter counts as a dimension).
ROLLUPS = (
    (PublicModeStat, frozenset({"agency", "agency_id", "transport_mode"})),
    (PublicRouteStat, frozenset({"origin_country", "destination_country", "transit", "in_region"})),
)
FILTER_DIMENSIONS = {
    "agency": "agency",
    "country": "country",
    "origin_country": "origin_country",
    "destination_country": "destination_country",
    "transport_mode": "transport_mode",
    "status": "status",
}

# (dimension values in the order asked) -> [seizures, weight_kg, tablets, items without weight]
Totals = dict[tuple, list]


def summary_can_answer(filters: dict[str, Any] | None) -> bool:
    return all(name in SUMMARY_FILTERS for name, value in (filters or {}).items() if value not in (None, "", []))


@dataclass
class TotalsQuery:
    agency_id: int
    by: tuple[str, ...]
    filters: dict[str, Any]
    per_drug: bool
    drug: str
    start: dt.datetime | None  # period [start, end), instants
    end: dt.datetime | None
    joined: dict[str, dt.datetime] = field(default_factory=dict)  # region member -> since
    tz: Any = None
    _moments: dict = field(default_factory=dict)

    # --- time, in Python (for summary months) -------------------------------------------

    def in_period(self, moment: dt.datetime) -> bool:
        return (self.start is None or moment >= self.start) and (self.end is None or moment < self.end)

    def _local_start(self, year: int, month: int) -> dt.datetime:
        return timezone.make_aware(dt.datetime(year, month, 1), self.tz)

    def cuts(self, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
        """Instants strictly inside [start, end) where a counted dimension may change."""
        found = {self.start, self.end}
        first, last = timezone.localtime(start, self.tz), timezone.localtime(end - MICROSECOND, self.tz)
        if "month" in self.by:
            index = first.year * 12 + first.month - 1
            for step in range(0, 3):
                found.add(self._local_start((index + step) // 12, (index + step) % 12 + 1))
        if "year" in self.by:
            for year in range(first.year, last.year + 2):
                found.add(self._local_start(year, 1))
        if "in_region" in self.by:
            found.update(self.joined.values())
        return sorted(c for c in found if c is not None and start < c < end)

    def _moment(self, moment: dt.datetime) -> tuple[bool, dt.date, int]:
        """(in the period, the reader's month, the reader's year) of an instant, memoised."""
        known = self._moments.get(moment)
        if known is None:
            local = timezone.localtime(moment, self.tz)
            known = self._moments[moment] = (self.in_period(moment), local.date().replace(day=1), local.year)
        return known

    def at(self, moment: dt.datetime | None, row: dict[str, Any]) -> tuple | None:
        """The cell of a seizure of `row` at `moment`, or None outside the period.

        `moment` None: somewhere inside the period, for a read without time dimensions.
        """
        in_period, month, year = self._moment(moment) if moment is not None else (True, None, None)
        if not in_period:
            return None
        values: list[Any] = []
        for name in self.by:
            if name == "month":
                values.append(month)
            elif name == "year":
                values.append(year)
            elif name == "in_region":
                since = self.joined.get(row["d_origin"])
                # A time dimension: `moment` is given.
                values.append(since is not None and moment is not None and moment >= since)
            else:
                values.append(_value(name, row[f"d_{name}"]))
        return tuple(values)

    # --- time, in SQL (for seizures read live) -------------------------------------------

    def sql_dimensions(self) -> dict[str, Any]:
        # Aliased "d_<name>": a values() name may not shadow a model field.
        dimensions: dict[str, Any] = {}
        for name in self.by:
            if name == "month":
                # year * 12 + month - 1: an integer is cheaper to fetch than a datetime to convert.
                dimensions["d_month"] = (
                    ExtractYear("occurred_at", tzinfo=self.tz) * 12 + ExtractMonth("occurred_at", tzinfo=self.tz) - 1
                )
            elif name == "year":
                dimensions["d_year"] = ExtractYear("occurred_at", tzinfo=self.tz)
            elif name == "in_region":
                member = Q(pk__in=[])
                for country, since in self.joined.items():
                    member |= Q(origin_country=country, occurred_at__gte=since)
                dimensions["d_in_region"] = Case(
                    When(member, then=Value(True)), default=Value(False), output_field=BooleanField()
                )
            elif name != "drug":
                dimensions[f"d_{name}"] = F(FIELDS[name][1])
        return dimensions

    def period_q(self) -> Q:
        q = Q()
        if self.start is not None:
            q &= Q(occurred_at__gte=self.start)
        if self.end is not None:
            q &= Q(occurred_at__lt=self.end)
        return q

    def row_cell(self, row: dict[str, Any]) -> tuple:
        values = []
        for name in self.by:
            value = row[f"d_{name}"]
            if name == "month":
                value = dt.date(value // 12, value % 12 + 1, 1)
            values.append(_value(name, value))
        return tuple(values)


def _value(name: str, value):
    if name == "transit":
        return ",".join(value) if isinstance(value, list) else (value or "")
    return value


def _add(cells: Totals, key: tuple | None, row: dict[str, Any], sign: int = 1) -> None:
    """Add an aggregated row's measures (n, w, t, u) to the cell `key`."""
    if key is None:
        return
    cell = cells.setdefault(key, [0, ZERO, ZERO, 0])
    cell[0] += sign * row["n"]
    cell[1] += sign * (row["w"] or ZERO)
    cell[2] += sign * (row["t"] or ZERO)
    cell[3] += sign * (row["u"] or 0)


def _live(read: TotalsQuery, seizures: QuerySet[Seizure], extra: dict[str, Any] | None = None) -> Iterable[dict]:
    """Aggregate seizures live into rows of the read's dimensions (plus `extra` expressions)."""
    dimensions = {**read.sql_dimensions(), **(extra or {})}
    if read.per_drug or read.drug:
        if read.drug:
            seizures = seizures.filter(items__drug=read.drug)
        if read.per_drug:
            dimensions["d_drug"] = F("items__drug")
        measures = {
            "n": Count("id", distinct=True),
            "w": Sum("items__kg_equivalent"),
            "t": Sum("items__quantity", filter=Q(items__unit=Unit.TABLET)),
            "u": Count("items", filter=Q(items__kg_equivalent__isnull=True)),
        }
    else:
        measures = {
            "n": Count("id"),
            "w": Sum("total_weight_kg"),
            "t": Sum("tablets"),
            "u": Sum("items_without_weight"),
        }
    rows = seizures.order_by().values(**dimensions).annotate(**measures).order_by()
    return (row for row in rows if not read.per_drug or row["d_drug"] is not None)


def _sources(read: TotalsQuery) -> list[QuerySet]:
    """The summary rows to read: SeizureStat under the visibility rule, or, when a public
    rollup has every dimension asked for, the rollup plus the agency's own unshared rows."""
    needed = {name for name in read.by if name not in ("month", "year", "drug")}
    needed |= {dimension for name, dimension in FILTER_DIMENSIONS.items() if read.filters.get(name)}
    for model, dimensions in ROLLUPS:
        if needed <= dimensions:
            own_unshared = SeizureStat.objects.filter(visibility.own_unshared(read.agency_id))
            return [_narrowed(read, model.objects.all()), _narrowed(read, own_unshared)]
    return [_narrowed(read, SeizureStat.objects.filter(visibility.in_summary(read.agency_id)))]


def _narrowed(read: TotalsQuery, stats: QuerySet) -> QuerySet:
    if read.per_drug:
        stats = stats.filter(drug=read.drug) if read.drug else stats.filter(drug__in=Drug.values)
    else:
        stats = stats.filter(drug=read.drug or "")
    f = read.filters
    if f.get("agency"):
        stats = stats.filter(agency__code=str(getattr(f["agency"], "code", f["agency"])).upper())
    for name in ("country", "origin_country", "destination_country"):
        if f.get(name):
            stats = stats.filter(**{name: str(f[name]).upper()})
    for name in ("transport_mode", "status"):
        if f.get(name):
            stats = stats.filter(**{name: f[name]})
    if read.start is not None:
        stats = stats.filter(month__gte=read.start.astimezone(dt.UTC).date().replace(day=1))
    if read.end is not None:
        stats = stats.filter(month__lte=(read.end - MICROSECOND).astimezone(dt.UTC).date().replace(day=1))
    return stats


def _utc_month(moment: dt.datetime) -> dt.date:
    return moment.astimezone(dt.UTC).date().replace(day=1)


def _summary(read: TotalsQuery, cells: Totals) -> None:
    fields: dict[str, F | Case] = {
        f"d_{name}": F(FIELDS[name][0]) for name in read.by if name not in (*TIME_DIMENSIONS, "drug")
    }
    if read.per_drug:
        fields["d_drug"] = F("drug")
    if any(name in read.by for name in TIME_DIMENSIONS):
        fields["stat_month"] = F("month")
    elif read.start is not None or read.end is not None:
        # Without time dimensions only the months holding a period bound are cut; the months
        # between lie wholly inside the period and are added up by the database.
        edge_months = [_utc_month(b) for b in (read.start, read.end - MICROSECOND if read.end else None) if b]
        fields["stat_month"] = Case(
            When(month__in=edge_months, then=F("month")), default=Value(None), output_field=DateField()
        )
    if "in_region" in read.by:
        fields["d_origin"] = F("origin_country")
    rows = [
        row
        for stats in _sources(read)
        for row in stats.values(**fields)
        .annotate(n=Sum("seizures"), w=Sum("weight_kg"), t=Sum("tablets"), u=Sum("unweighed"))
        .order_by()
    ]
    if "stat_month" not in fields:
        for row in rows:
            _add(cells, read.at(None, row), row)
        return

    # Each UTC month is read at the start of its longest piece; the other pieces go live.
    representative: dict[dt.date, dt.datetime] = {}
    corrections: list[tuple[dt.datetime, dt.datetime]] = []
    for month in sorted({row["stat_month"] for row in rows} - {None}):
        start = dt.datetime(month.year, month.month, 1, tzinfo=dt.UTC)
        end = dt.datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=dt.UTC)
        edges = [start, *read.cuts(start, end), end]
        pieces = list(zip(edges, edges[1:], strict=False))
        longest = max(pieces, key=lambda piece: piece[1] - piece[0])
        representative[month] = longest[0]
        corrections.extend(piece for piece in pieces if piece != longest)
    for row in rows:
        month = row["stat_month"]
        _add(cells, read.at(representative[month] if month else None, row), row)
    if not corrections:
        return

    slices = Q()
    for start, end in corrections:
        slices |= Q(occurred_at__gte=start, occurred_at__lt=end)
    seizures: QuerySet[Seizure] = Seizure.objects.filter(visibility.in_summary(read.agency_id)).filter(slices)
    seizures = apply_filters(seizures, _plain_filters(read.filters), agency_id=read.agency_id)
    # The UTC month of a seizure is the summary month that counted it.
    extra: dict[str, Any] = {
        "utc_month": TruncMonth("occurred_at", output_field=DateField(), tzinfo=dt.UTC),
        "in_period": (
            Case(When(read.period_q(), then=Value(True)), default=Value(False), output_field=BooleanField())
            if read.start is not None or read.end is not None
            else Value(True, output_field=BooleanField())
        ),
    }
    if "in_region" in read.by:
        extra["d_origin"] = F("origin_country")
    for row in _live(read, seizures, extra):
        month = row["utc_month"]
        # Out of the cell the summary counted it in, into the cell it belongs to.
        _add(cells, read.at(representative[month], row), row, sign=-1)
        if row["in_period"]:
            _add(cells, read.row_cell(row), row)


def _plain_filters(filters: dict[str, Any]) -> dict[str, Any]:
    """The filters apply_filters takes, without the period and the drug (handled by the read)."""
    return {k: v for k, v in filters.items() if k not in ("drug", "occurred_after", "occurred_before")}


def seizure_totals(
    *,
    user,
    by: Iterable[str],
    filters: dict[str, Any] | None = None,
    per_drug: bool = False,
    region: Iterable[tuple[str, dt.date]] | None = None,
    source: str = "auto",
) -> Totals:
    """Seizures and kilograms of the seizures `user` may see, per cell of the dimensions `by`.

    Dimensions: month (first day of the reader's month), year (the reader's), agency (code),
    agency_id, status, country, origin_country, destination_country, transport_mode, transit
    ("TH,LA"), drug (with per_drug), in_region (with region: (country, member since)). Under
    a drug filter or per drug, a seizure counts once per drug it holds and weighs that drug's
    items; otherwise it counts once and weighs its total. `source` is "auto" (the summary when
    the filters allow), "summary" or "live"; all give the same numbers.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.agency_id:
        return {}
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "", [])}
    tz = timezone.get_current_timezone()
    start = as_datetime(filters.get("occurred_after"))
    before = as_datetime(filters.get("occurred_before"), end_of_day=True)
    read = TotalsQuery(
        agency_id=user.agency_id,
        by=tuple(by),
        filters=filters,
        per_drug=per_drug,
        drug=filters.get("drug") or "",
        start=start,
        end=before + MICROSECOND if before is not None else None,
        joined={
            country: timezone.make_aware(dt.datetime.combine(since, dt.time.min), tz) for country, since in region or ()
        },
        tz=tz,
    )
    if "drug" in read.by and not per_drug:
        raise ValueError("group by drug with per_drug=True")
    cells: Totals = {}
    if source == "live" or (source == "auto" and not summary_can_answer(filters)):
        seizures = apply_filters(
            Seizure.objects.visible_to_agency(read.agency_id), _plain_filters(filters), agency_id=read.agency_id
        )
        for row in _live(read, seizures.filter(read.period_q())):
            _add(cells, read.row_cell(row), row)
        return cells
    if not summary_can_answer(filters):
        raise ValueError("the summary cannot answer these filters")
    _summary(read, cells)
    beyond = Seizure.objects.filter(
        visibility.beyond_summary(Seizure, read.agency_id, with_items=read.per_drug or bool(read.drug))
    ).filter(read.period_q())
    for row in _live(read, apply_filters(beyond, _plain_filters(filters), agency_id=read.agency_id)):
        _add(cells, read.row_cell(row), row)
    # A correction can empty a cell the summary filled: such cells are not figures.
    return {key: cell for key, cell in cells.items() if any(cell)}
