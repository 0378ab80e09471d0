"""Lookouts: a submit's added cost with 100,000 active lookout values, and the retro-hunt.

Targets (issue "Lookouts that fire"): the lookout check of a submit ≤ 5 ms p95 with a constant
number of queries; the retro-hunt of a 500-value lookout over three years ≤ 2 s.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction

from bench.measuring import (
    LIST_URL,
    Bench,
    CaseFailed,
    CaseResult,
    expect,
    explain,
    judge,
    measure,
    require_module,
    require_url,
    result_from,
    summarize,
)
from bench.writes import container_number, seizure_payload
from cases.lookouts.models import Lookout, LookoutValue
from cases.seizures.models import Seizure, SeizureIdentifier
from members.models import Agency, User

BENCH_TITLE = "bench lookout"
VALUES_PER_LOOKOUT = 500


def ensure_lookout_values(total: int) -> int:
    """Active lookouts of every agency holding `total` values in all (created once, kept)."""
    have = LookoutValue.objects.filter(active=True, lookout__title=BENCH_TITLE).count()
    if have >= total:
        return have
    rng = random.Random(19)
    agencies = list(Agency.objects.order_by("code"))
    expires = datetime.now(UTC) + timedelta(days=300)
    missing = total - have
    with transaction.atomic():
        for n in range(-(-missing // VALUES_PER_LOOKOUT)):
            agency = agencies[n % len(agencies)]
            creator = User.objects.filter(agency=agency).first()
            lookout = Lookout.objects.create(
                agency=agency, created_by=creator, title=BENCH_TITLE, expires_at=expires, sharing="members"
            )
            size = min(VALUES_PER_LOOKOUT, missing - n * VALUES_PER_LOOKOUT)
            numbers = {container_number(rng) for _ in range(size)}
            LookoutValue.objects.bulk_create(
                LookoutValue(lookout=lookout, kind="container", value=v, normalized=v, position=i)
                for i, v in enumerate(sorted(numbers))
            )
    with connection.cursor() as cursor:
        cursor.execute('ANALYZE "lookouts_lookoutvalue"')
    return LookoutValue.objects.filter(active=True, lookout__title=BENCH_TITLE).count()


def _watched_sample(n: int) -> list[str]:
    return list(
        LookoutValue.objects.filter(active=True, lookout__title=BENCH_TITLE)
        .order_by("?")
        .values_list("normalized", flat=True)[:n]
    )


def case_lookout_submit(b: Bench) -> list[CaseResult]:
    """watch.hits_on_submit, as seizure_submit calls it, for new seizures that carry a watched
    container (each makes a hit and a lookout_hit alert) and for seizures that carry none."""
    watch = require_module("cases.lookouts.watch")
    require_url(LIST_URL)
    values = ensure_lookout_values(5_000 if b.quick else 100_000)
    total = b.warmup + b.repeats
    rng = random.Random(20)
    watched = _watched_sample(total)
    if len(watched) < total:
        raise CaseFailed("not enough lookout values")
    results = []
    for label, pick in (("hit", lambda i: watched[i]), ("no hit", lambda i: container_number(rng))):
        ids = []
        for i in range(total):
            payload = seizure_payload(rng, [{"kind": "container", "value": pick(i)}])
            ids.append(expect(b.api.post(LIST_URL, payload, content_type="application/json"), 201).json()["id"])
        # Submitted without the submit service (which runs the hook itself): the timed call is
        # the hook alone, on a seizure loaded with its agency as seizure_submit passes it.
        Seizure.objects.filter(pk__in=ids).update(status="submitted", submitted_at=datetime.now(UTC))
        seizures = list(Seizure.objects.filter(pk__in=ids).select_related("agency").order_by("pk"))
        found: list[int] = []

        def check(i: int, seizures=seizures, found=found):
            hits = watch.hits_on_submit(seizure=seizures[i], by=b.officer)
            found.append(len(hits))
            return hits

        # Inside one transaction, as the hook runs inside seizure_submit's: the submit's own
        # COMMIT is not the lookout check's added cost.
        with transaction.atomic():
            timing = measure(check, warmup=b.warmup, repeats=b.repeats)
        result = result_from(f"lookout check on submit ({label})", "lookouts", timing)
        result.extra |= {
            "hits": found[b.warmup :],
            "lookout_values": values,
            "query_summary": summarize(timing.last_sql),
        }
        result.note = f"{values:,} active lookout values; {sum(found[b.warmup :])} hits over {b.repeats} seizures"
        lookups = [sql for sql in timing.last_sql if "lookouts_lookoutvalue" in sql]
        if lookups:
            b.explain[f"lookout check ({label})"] = [{"sql": lookups[0], "plan": explain(lookups[0])}]
        results.append(judge(result, p95_max=5))
    return results


def case_retro_hunt(b: Bench) -> list[CaseResult]:
    """services.retro_hunt of a new 500-value lookout over the seizures of three years: 50 of
    its values are identifiers of recent seizures, the rest containers nobody seized."""
    services = require_module("cases.lookouts.services")
    since = datetime.now(UTC) - timedelta(days=3 * 365)
    seen = list(
        SeizureIdentifier.objects.filter(
            kind="container", seizure__status__in=("submitted", "verified"), seizure__occurred_at__gte=since
        )
        .order_by("-id")
        .values_list("normalized", flat=True)
        .distinct()[:50]
    )
    rng = random.Random(21)
    agency = b.officer.agency
    lookouts = []
    for _ in range(b.warmup + b.repeats):
        chosen = set(seen)
        while len(chosen) < VALUES_PER_LOOKOUT:
            chosen.add(container_number(rng))
        lookout = Lookout.objects.create(
            agency=agency,
            created_by=b.officer,
            title="bench retro",
            expires_at=datetime.now(UTC) + timedelta(days=30),
            sharing="agency",
        )
        LookoutValue.objects.bulk_create(
            LookoutValue(lookout=lookout, kind="container", value=v, normalized=v, position=i)
            for i, v in enumerate(sorted(chosen))
        )
        lookouts.append(lookout.pk)
    found: list[int] = []

    def hunt(i: int):
        made = services.retro_hunt(lookout_id=lookouts[i])
        found.append(made)
        return made

    timing = measure(hunt, warmup=min(b.warmup, 1), repeats=min(b.repeats, 5))
    result = result_from("retro-hunt of a 500-value lookout (3 years)", "lookouts", timing)
    result.extra |= {"hits": found, "query_summary": summarize(timing.last_sql)}
    result.note = f"{sum(found)} hits over {len(found)} runs; {len(seen)} values seized before"
    # Leave the bench's retro lookouts out of the next run's counts.
    Lookout.objects.filter(pk__in=lookouts).update(status="withdrawn")
    LookoutValue.objects.filter(lookout_id__in=lookouts).update(active=False)
    return [judge(result, p95_max=2000, constant=False)]


def case_lookouts(b: Bench) -> list[CaseResult]:
    return [*case_lookout_submit(b), *case_retro_hunt(b)]
