"""What is known about a manifest line when it is scored: its fields in comparable form, the
"first seen" ages of its parties, and the seizure history its agency may see.

Seizure history is read through `Seizure.objects.visible_to_agency`, so neither a rule, the
model nor a reason ever draws on a seizure the line's agency may not see.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, F, Field, Min
from django.db.models.expressions import RawSQL
from django.utils import timezone

from cases.seizures.models import Seizure, SeizureIdentifier
from cases.targeting.lookups import AnyOf
from cases.targeting.models import ManifestLine
from crackdown.celery import app

HISTORY_YEARS = 3
NEW_PARTY_DAYS = 30
HISTORY_CACHE_SECONDS = 600
# How long counts older than HISTORY_CACHE_SECONDS are still served while a worker refreshes them.
HISTORY_KEEP_SECONDS = 24 * 3600
REFRESH_TASK = "targeting.refresh_origin_counts"
logger = logging.getLogger(__name__)

Facts = dict[str, Any]


@dataclass
class History:
    """The agency's context for a batch of lines (one query per kind of fact)."""

    first_seen: dict[tuple[str, str], dt.datetime] = field(default_factory=dict)
    origin_seizures: dict[str, int] = field(default_factory=dict)
    seized_companies: set[str] = field(default_factory=set)


def history_for(*, agency_id: int, lines: Sequence[ManifestLine]) -> History:
    """First-seen dates of the lines' parties and the visible seizure history that concerns them."""
    return history_of(
        agency_id=agency_id,
        shippers={line.shipper_normalized for line in lines},
        consignees={line.consignee_normalized for line in lines},
    )


def history_of(*, agency_id: int, shippers: set[str], consignees: set[str]) -> History:
    """The history for lines naming these shippers and consignees (normalised names)."""
    history = History()
    for party, names in (("shipper", shippers - {""}), ("consignee", consignees - {""})):
        for name, first in first_seen(agency_id=agency_id, party=party, names=names).items():
            history.first_seen[(party, name)] = first
    history.origin_seizures = origin_seizure_counts(agency_id)
    history.seized_companies = seized_companies(agency_id=agency_id, names=(shippers | consignees) - {""})
    return history


def seized_companies(*, agency_id: int, names: set[str]) -> set[str]:
    """Which of these company names a seizure the agency may see names (as a company identifier).

    On PostgreSQL each name stops at its first visible seizure: the generated national data
    names a few companies on ~13,000 seizures each, and reading every such identifier and its
    seizure took 3–6 s at 1,000,000 seizures; probing name by name takes ~15 ms.
    """
    if not names:
        return set()
    visible = Seizure.objects.visible_to_agency(agency_id)
    if connection.vendor != "postgresql":
        return set(
            SeizureIdentifier.objects.filter(
                AnyOf(F("normalized"), sorted(names)), kind="company", seizure__in=visible.values("pk")
            ).values_list("normalized", flat=True)
        )
    # The visibility rule as Django writes it, for one name of the outer list (`sent.name`).
    naming = visible.filter(identifiers__kind="company", identifiers__normalized=RawSQL("sent.name", ()))
    inner, params = naming.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT sent.name FROM unnest(%s::text[]) AS sent(name) WHERE EXISTS ({inner})",  # noqa: S608
            [sorted(names), *params],
        )
        return {name for (name,) in cursor.fetchall()}


def first_seen(*, agency_id: int, party: str, names: set[str]) -> dict[str, dt.datetime]:
    """The earliest ETA of the agency's lines naming each of these parties (the names never seen
    are left out).

    On PostgreSQL one probe per name of the (agency, party, eta) index, the first entry only:
    a GROUP BY with MIN would read every line of every name (53,000 lines for the 700
    consignees of a 5,000-line batch against a 200,000-line history, ~150 ms; this: ~10 ms).
    """
    if not names:
        return {}
    column = f"{party}_normalized"
    if connection.vendor != "postgresql":
        rows = (
            ManifestLine.objects.filter(AnyOf(F(column), sorted(names)), agency_id=agency_id)
            .values(column)
            .annotate(first=Min("eta"))
        )
        return {row[column]: row["first"] for row in rows}
    table = connection.ops.quote_name(ManifestLine._meta.db_table)
    name_column, eta, agency = _column(column), _column("eta"), _column("agency")
    sql = (
        f"SELECT name, (SELECT {eta} FROM {table} WHERE {agency} = %s AND {name_column} = name "  # noqa: S608
        f"ORDER BY {eta} LIMIT 1) FROM unnest(%s::text[]) AS name"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [agency_id, sorted(names)])
        return {name: first for name, first in cursor.fetchall() if first is not None}


def _column(name: str) -> str:
    field = ManifestLine._meta.get_field(name)
    assert isinstance(field, Field)
    return connection.ops.quote_name(field.column)


def origin_seizure_counts(agency_id: int) -> dict[str, int]:
    """Seizures the agency may see per origin country over the last three years.

    An aggregate over the whole seizure table (1.6–2.4 s at 1,000,000 seizures), the same for
    every batch of a few minutes: kept in the cache, and once older than
    HISTORY_CACHE_SECONDS still served while a worker counts again (`refresh_origin_counts`,
    queued once), so a manifest batch pays the count only when none is kept at all.
    """
    key = _origin_key(agency_id)
    kept = cache.get(key)
    if not isinstance(kept, dict) or "counts" not in kept:
        return refresh_origin_counts(agency_id)
    if time.time() - kept["at"] > HISTORY_CACHE_SECONDS and cache.add(f"{key}:refreshing", 1, 300):
        transaction.on_commit(lambda: _queue_refresh(agency_id))
    return kept["counts"]


def refresh_origin_counts(agency_id: int) -> dict[str, int]:
    """Count again and keep the counts (the task `targeting.refresh_origin_counts` runs this)."""
    since = timezone.now() - dt.timedelta(days=365 * HISTORY_YEARS)
    rows = (
        Seizure.objects.visible_to_agency(agency_id)
        .filter(occurred_at__gte=since)
        .exclude(origin_country="")
        .values("origin_country")
        .annotate(n=Count("id"))
    )
    counts = {row["origin_country"]: row["n"] for row in rows}
    key = _origin_key(agency_id)
    cache.set(key, {"counts": counts, "at": time.time()}, HISTORY_KEEP_SECONDS)
    cache.delete(f"{key}:refreshing")
    return counts


def _origin_key(agency_id: int) -> str:
    return f"targeting:origin-seizures:{agency_id}"


def _queue_refresh(agency_id: int) -> None:
    try:
        app.signature(REFRESH_TASK, args=(agency_id,)).delay()
    except Exception:
        # The kept counts go on serving; the next batch after the lock expires queues again.
        logger.exception("could not queue the origin counts' refresh for agency %s", agency_id)


# The line's fields the facts read: a ManifestLine's attributes, or the keys of a row as
# `ManifestLine.objects.values(*FACT_FIELDS)` or the manifest input gives it.
FACT_FIELDS = (
    "kind", "eta", "transport_mode", "origin_country", "destination_country", "transit_countries",
    "loading_place", "discharge_place", "hs_code", "goods_description", "shipper_normalized",
    "consignee_normalized", "gross_weight_kg", "traveller_birth_year", "traveller_nationality",
)  # fmt: skip


def line_facts(line: ManifestLine, history: History, *, at: dt.datetime | None = None) -> Facts:
    """The line as rules and the model read it (row_facts of its fields)."""
    return row_facts({name: getattr(line, name) for name in FACT_FIELDS}, history, at=at)


def row_facts(row: Mapping[str, Any], history: History, *, at: dt.datetime | None = None) -> Facts:
    """The line as rules and the model read it. `at` is when it is judged (its ETA by default):
    a party first seen 3 days before that is "first seen 3 days ago"."""
    when = at or row["eta"]
    origin, destination = row["origin_country"], row["destination_country"]
    transits = list(row["transit_countries"] or [])
    weight = row["gross_weight_kg"]
    shipper, consignee = row["shipper_normalized"], row["consignee_normalized"]
    seized = history.seized_companies
    facts: Facts = {
        "kind": row["kind"],
        "transport_mode": row["transport_mode"],
        "origin_country": origin,
        "destination_country": destination,
        "transit_countries": transits,
        "route": [origin, *transits, destination],
        "loading_place": (row["loading_place"] or "").upper(),
        "discharge_place": (row["discharge_place"] or "").upper(),
        "hs_code": row["hs_code"] or "",
        "goods_description": (row["goods_description"] or "").upper(),
        "shipper_normalized": shipper,
        "consignee_normalized": consignee,
        "gross_weight_kg": float(weight) if weight is not None else None,
        "traveller_birth_year": row["traveller_birth_year"],
        "traveller_nationality": row["traveller_nationality"],
        "origin_seizures": history.origin_seizures.get(origin, 0),
        "seized_companies": [
            party for party, name in (("shipper", shipper), ("consignee", consignee)) if name and name in seized
        ],
        "year": when.year,
    }
    for party, name in (("shipper", shipper), ("consignee", consignee)):
        days = None
        if name:
            first = history.first_seen.get((party, name))
            days = 0 if first is None else max(0, (when - first).days)
        facts[f"{party}_first_seen_days"] = days
    return facts


# --- the model's features -------------------------------------------------------------------

WEIGHT_BANDS = ((100, "lt100"), (1000, "100-1000"), (10000, "1000-10000"))
AGE_BANDS = ((25, "lt25"), (40, "25-39"), (60, "40-59"))


def model_features(facts: Facts, *, use_nationality: bool) -> dict[str, float]:
    """The named features of a line. Sex is never one; nationality only when the agency turned it on."""
    out: dict[str, float] = {
        f"route={'>'.join(facts['route'])}": 1.0,
        f"origin={facts['origin_country']}": 1.0,
        f"mode={facts['transport_mode']}": 1.0,
    }
    for code in facts["transit_countries"]:
        out[f"transit={code}"] = 1.0
    if facts["kind"] == "cargo":
        if len(facts["hs_code"]) >= 2:
            out[f"hs2={facts['hs_code'][:2]}"] = 1.0
        for word in _words(facts["goods_description"]):
            out[f"goods={word}"] = 1.0
        weight = facts["gross_weight_kg"]
        if weight is not None:
            out[f"weight={_band(weight, WEIGHT_BANDS, 'ge10000')}"] = 1.0
        for party in ("shipper", "consignee"):
            days = facts[f"{party}_first_seen_days"]
            if days is not None and days <= NEW_PARTY_DAYS:
                out[f"{party}_new"] = 1.0
            if party in facts["seized_companies"]:
                out[f"{party}_in_seizures"] = 1.0
    else:
        year = facts["traveller_birth_year"]
        if year:
            out[f"age={_band(facts['year'] - year, AGE_BANDS, 'ge60')}"] = 1.0
        if use_nationality and facts["traveller_nationality"]:
            out[f"nationality={facts['traveller_nationality']}"] = 1.0
    if facts["origin_seizures"]:
        out["origin_seizures"] = math.log1p(facts["origin_seizures"])
    return out


def _band(value: float, bands: Iterable[tuple[int, str]], top: str) -> str:
    for limit, name in bands:
        if value < limit:
            return name
    return top


def _words(text: str) -> set[str]:
    return {
        word.lower() for word in text.replace(",", " ").replace("/", " ").split() if len(word) >= 3 and word.isalpha()
    }
