"""The physical floor: the same rows fetched by one hand-written SQL query, turned into JSON by orjson.

Each baseline runs over its own psycopg 3 connection (no Django, no ORM, no DRF) and applies the
same visibility rule as `Seizure.objects.visible_to` (DESIGN.md "Roles and visibility"), so the
ratio framework/baseline says what the framework costs on top of the database.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as time_of_day
from typing import Any
from zoneinfo import ZoneInfo

import orjson
import psycopg
from django.conf import settings

# The visibility rule of SeizureQuerySet.visible_to, by hand. %(agency)s is the reader's agency.
VISIBLE = """
(s.agency_id = %(agency)s OR (
    s.status IN ('submitted', 'verified') AND (
        s.sharing = 'members'
        OR (s.sharing = 'operation' AND s.operation_id IN (
            SELECT p.operation_id FROM operations_participation p
            WHERE p.agency_id = %(agency)s AND p.status = 'accepted'))
        OR EXISTS (SELECT 1 FROM seizures_seizure_shared_with sw
                   WHERE sw.seizure_id = s.id AND sw.agency_id = %(agency)s)
    )
))
"""

# The same rule as visible_to(user, paged=True) writes it for a page walked in index order: the
# shared_with check as a range, so that PostgreSQL probes the index per row read instead of
# hashing every seizure shared with the agency first (the best hand-written form for a page).
VISIBLE_PAGED = VISIBLE.replace("sw.seizure_id = s.id", "sw.seizure_id >= s.id AND sw.seizure_id <= s.id")
assert VISIBLE_PAGED != VISIBLE

# Everything the API's seizure representation holds (API.md "Seizures"), nested rows as JSON
# built by PostgreSQL; decimals as text, as the API renders them.
SEIZURE_COLUMNS = """
s.id, s.reference, a.code AS agency, s.status,
CASE WHEN u.id IS NULL THEN NULL ELSE json_build_object('id', u.id, 'full_name', u.full_name) END
    AS reported_by,
s.occurred_at, s.location, s.country, s.transport_mode, s.detection_method, s.concealment,
s.origin_country, s.transit_countries, s.destination_country, s.operation_id AS operation, s.sharing,
ARRAY(SELECT sa.code FROM seizures_seizure_shared_with sw2 JOIN members_agency sa ON sa.id = sw2.agency_id
      WHERE sw2.seizure_id = s.id ORDER BY sa.code) AS shared_with,
COALESCE((SELECT json_agg(json_build_object(
        'drug', i.drug, 'description', i.description, 'quantity', i.quantity::text, 'unit', i.unit,
        'weight_kg', i.weight_kg::text) ORDER BY i.position, i.id)
    FROM seizures_seizureitem i WHERE i.seizure_id = s.id), '[]') AS items,
COALESCE((SELECT json_agg(json_build_object('kind', d.kind, 'value', d.value, 'normalized', d.normalized)
        ORDER BY d.position, d.id)
    FROM seizures_seizureidentifier d WHERE d.seizure_id = s.id), '[]') AS identifiers,
COALESCE((SELECT json_agg(json_build_object('role', pe.role, 'nationality', pe.nationality, 'sex', pe.sex,
        'birth_year', pe.birth_year) ORDER BY pe.position, pe.id)
    FROM seizures_seizureperson pe WHERE pe.seizure_id = s.id), '[]') AS persons,
s.total_weight_kg::text AS total_weight_kg, s.notes, s.created_at, s.updated_at
"""

FROM = """
FROM seizures_seizure s
JOIN members_agency a ON a.id = s.agency_id
LEFT JOIN members_user u ON u.id = s.reported_by_id
"""


# The list's filters by their query parameter; each reads its value from the parameter of that name.
FILTERS = {
    "drug": "EXISTS (SELECT 1 FROM seizures_seizureitem fi WHERE fi.seizure_id = s.id AND fi.drug = %(drug)s)",
    "transport_mode": "s.transport_mode = %(transport_mode)s",
    "occurred_after": "s.occurred_at >= %(occurred_after)s",
}


def list_sql(*, filters: Iterable[str] = (), after: bool = False) -> str:
    """The list page: visible seizures, newest first, `limit` at a time, filtered by the named
    FILTERS, keyset after a row if asked."""
    where = [VISIBLE_PAGED, *(FILTERS[name] for name in sorted(filters))]
    if after:
        where.append("(s.occurred_at, s.id) < (%(after_at)s, %(after_id)s)")
    return (
        f"SELECT {SEIZURE_COLUMNS} {FROM} WHERE {' AND '.join(where)} "
        "ORDER BY s.occurred_at DESC, s.id DESC LIMIT %(limit)s"
    )


DETAIL_SQL = f"SELECT {SEIZURE_COLUMNS} {FROM} WHERE s.id = %(id)s AND {VISIBLE}"

# The dashboard's figures (cases.stats.selectors.dashboard: headline of this and last month,
# then totals, by month, by drug, by transport mode, by agency and top routes over the last 24
# months) in one statement.
DASHBOARD_SQL = f"""
WITH v AS (
    SELECT s.id, s.occurred_at, s.total_weight_kg, s.transport_mode, s.agency_id,
           s.origin_country, s.transit_countries, s.destination_country
    FROM seizures_seizure s WHERE {VISIBLE} AND s.occurred_at >= %(period_start)s),
h AS (
    SELECT s.occurred_at, s.total_weight_kg
    FROM seizures_seizure s WHERE {VISIBLE} AND s.occurred_at >= %(last_start)s)
SELECT json_build_object(
  'headline', (SELECT json_build_object(
      'this_seizures', count(*) FILTER (WHERE occurred_at >= %(this_start)s),
      'this_kg', COALESCE(sum(total_weight_kg) FILTER (WHERE occurred_at >= %(this_start)s), 0)::text,
      'last_seizures', count(*) FILTER (WHERE occurred_at < %(this_start)s),
      'last_kg', COALESCE(sum(total_weight_kg) FILTER (WHERE occurred_at < %(this_start)s), 0)::text) FROM h),
  'totals', (SELECT json_build_object('seizures', count(*), 'weight_kg', COALESCE(sum(total_weight_kg), 0)::text)
             FROM v),
  'by_month', (SELECT json_agg(r ORDER BY r.key) FROM (
      SELECT date_trunc('month', occurred_at AT TIME ZONE %(tz)s) AS key, count(*) AS seizures,
             COALESCE(sum(total_weight_kg), 0)::text AS weight_kg
      FROM v GROUP BY 1) r),
  'by_drug', (SELECT json_agg(r) FROM (
      SELECT i.drug AS key, count(DISTINCT i.seizure_id) AS seizures,
             COALESCE(sum(i.kg_equivalent), 0)::text AS weight_kg
      FROM seizures_seizureitem i JOIN v ON v.id = i.seizure_id
      GROUP BY i.drug ORDER BY sum(i.kg_equivalent) DESC NULLS LAST) r),
  'by_transport_mode', (SELECT json_agg(r) FROM (
      SELECT transport_mode AS key, count(*) AS seizures, COALESCE(sum(total_weight_kg), 0)::text AS weight_kg
      FROM v GROUP BY 1 ORDER BY sum(total_weight_kg) DESC NULLS LAST) r),
  'by_agency', (SELECT json_agg(r) FROM (
      SELECT a.code AS key, a.name, count(*) AS seizures, COALESCE(sum(v.total_weight_kg), 0)::text AS weight_kg
      FROM v JOIN members_agency a ON a.id = v.agency_id
      GROUP BY a.code, a.name ORDER BY sum(v.total_weight_kg) DESC NULLS LAST) r),
  'top_routes', (SELECT json_agg(r) FROM (
      SELECT origin_country, transit_countries, destination_country, count(*) AS seizures,
             COALESCE(sum(total_weight_kg), 0)::text AS weight_kg
      FROM v GROUP BY 1, 2, 3 ORDER BY sum(total_weight_kg) DESC NULLS LAST, count(*) DESC LIMIT 10) r)
) AS dashboard
"""


# Matching's index lookup: other agencies' shared seizures carrying the same identifier.
MATCH_SQL = """
SELECT d.seizure_id, d.kind, d.normalized
FROM seizures_seizureidentifier d JOIN seizures_seizure s ON s.id = d.seizure_id
WHERE d.kind = %(kind)s AND d.normalized = %(normalized)s
  AND s.status IN ('submitted', 'verified') AND s.agency_id <> %(agency)s
"""


def _month_start(day: date, back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def dashboard_params(*, agency_id: int, tz_name: str) -> dict[str, Any]:
    """The dashboard's default period in the reader's time zone: the last 24 calendar months."""
    tz = ZoneInfo(tz_name)
    today = datetime.now(tz).date()

    def start(day: date) -> datetime:
        return datetime.combine(day, time_of_day.min, tzinfo=tz)

    return {
        "agency": agency_id,
        "tz": tz_name,
        "this_start": start(_month_start(today)),
        "last_start": start(_month_start(today, 1)),
        "period_start": start(_month_start(today, 23)),
    }


def conninfo(dbname: str | None = None) -> str:
    db = settings.DATABASES["default"]
    parts = {
        "dbname": dbname or db.get("NAME"),
        "user": db.get("USER"),
        "password": db.get("PASSWORD"),
        "host": db.get("HOST"),
        "port": db.get("PORT"),
    }
    return " ".join(f"{k}={v}" for k, v in parts.items() if v not in (None, ""))


@dataclass
class Timed:
    times_ms: list[float]
    body: bytes
    rows: list[dict[str, Any]]


class Baseline:
    """One psycopg connection, prepared statements (as a hand-tuned service would use)."""

    def __init__(self) -> None:
        self.conn = psycopg.connect(conninfo(), autocommit=True, prepare_threshold=1)

    def close(self) -> None:
        self.conn.close()

    def _fetch(self, sql: str, params: dict[str, Any]) -> tuple[bytes, list[dict[str, Any]]]:
        with self.conn.cursor() as cur:
            cur.execute(sql, params)
            # A SELECT always describes its columns.
            assert cur.description is not None
            names = [c.name for c in cur.description]
            rows = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        return orjson.dumps({"results": rows}), rows

    def time(self, sql: str, params: dict[str, Any], *, warmup: int, repeats: int) -> Timed:
        for _ in range(warmup):
            self._fetch(sql, params)
        times: list[float] = []
        body: bytes = b""
        rows: list[dict[str, Any]] = []
        for _ in range(repeats):
            start = time.perf_counter()
            body, rows = self._fetch(sql, params)
            times.append((time.perf_counter() - start) * 1000)
        return Timed(times, body, rows)

    def time_many(self, sql: str, param_list: list[dict[str, Any]], *, warmup: int) -> Timed:
        """One run per parameter set (e.g. one detail per id), after `warmup` runs of the first."""
        for _ in range(warmup):
            self._fetch(sql, param_list[0])
        times: list[float] = []
        body: bytes = b""
        rows: list[dict[str, Any]] = []
        for params in param_list:
            start = time.perf_counter()
            body, rows = self._fetch(sql, params)
            times.append((time.perf_counter() - start) * 1000)
        return Timed(times, body, rows)


def list_params(
    *, agency_id: int, limit: int = 50, filters: dict[str, str] | None = None, after: tuple[datetime, int] | None = None
) -> dict[str, Any]:
    params: dict[str, Any] = {"agency": agency_id, "limit": limit}
    if filters:
        params.update(filters)
    if after:
        params["after_at"], params["after_id"] = after
    return params
