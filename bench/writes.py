"""Writing: a seizure created and submitted, and a new seizure matched against the others."""

from __future__ import annotations

import random
import string
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Max, Min
from stdnum import iso6346

from bench import baseline as bl
from bench.measuring import (
    LIST_URL,
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
    summarize,
)
from cases.seizures.models import Seizure, SeizureIdentifier

# --- create + submit ------------------------------------------------------------------------


def container_number(rng: random.Random) -> str:
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


# --- matching -------------------------------------------------------------------------------


# Identifiers of one consignment (a phone or a company recurs across hundreds of seizures).
CONVEYANCE_KINDS = ("container", "bill_of_lading", "air_waybill", "parcel_tracking")


def _foreign_identifiers(b: Bench, n: int) -> list[list[dict[str, str]]]:
    """Identifiers of other agencies' seizures, so that each new seizure really matches."""
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
        result.set_baseline(percentile(base.times_ms, 95))
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
