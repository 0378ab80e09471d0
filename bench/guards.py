"""What the input guards cost a request: the JSON limits (nesting, NUL) on a large body, and
the outbound URL policy a webhook send runs before it resolves the host."""

from __future__ import annotations

import io
import json

from bench.measuring import Bench, CaseResult, measure
from crackdown import outbound
from crackdown.api.parsers import JSONParser

# A seizure about as large as officers send: 200 identifiers, 50 items, 20 persons.
BODY = json.dumps(
    {
        "occurred_at": "2026-03-01T10:00:00Z",
        "location": "Busan New Port",
        "items": [{"drug": "methamphetamine", "quantity": "1.5", "unit": "kg"} for _ in range(50)],
        "identifiers": [{"kind": "container", "value": f"MSCU{i:07d}"} for i in range(200)],
        "persons": [{"role": "courier", "full_name": f"Person {i}", "nationality": "KR"} for i in range(20)],
        "notes": "x" * 4000,
    }
).encode()


def _parse(_i: int) -> object:
    return JSONParser().parse(io.BytesIO(BODY), "application/json", {})


def _url(_i: int) -> object:
    return outbound.parse("https://hooks.customs.go.th:8443/crackdown/alerts?v=1")


def case_guards(b: Bench) -> list[CaseResult]:
    repeats = 50 if b.quick else 500
    rows = []
    for name, fn, target_ms in (
        (f"JSON body with limits ({len(BODY) // 1024} KB)", _parse, 5.0),
        ("webhook URL policy (before resolution)", _url, 0.5),
    ):
        timing = measure(fn, warmup=5, repeats=repeats)
        rows.append(
            CaseResult(
                name=name,
                group="guards",
                median_ms=timing.median,
                p95_ms=timing.p95,
                max_ms=timing.max,
                target=f"p95 < {target_ms} ms",
                passed=timing.p95 < target_ms,
            )
        )
    return rows
