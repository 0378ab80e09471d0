"""Languages: what reading Crackdown in Korean costs beside English, and beside no translation
machinery at all (issue "Languages": list and detail p95 within noise of before).

"Before" is the same code with the language machinery off: `USE_I18N = False` and neither
LocaleMiddleware nor UserLanguageMiddleware in the chain (a client of its own, whose handler
loads the chain once under that setting). Django keeps the translation functions a process
has already loaded, so the templates still call gettext there, as they did before the
languages work (Django's own labels were translated already): what "before" leaves out is
choosing the reader's language and our catalogues. A profile of the list page finds the same
function calls for "before" and English (1.32 million for five pages each). Three readers — before, English, Korean (the
browser's `Accept-Language: ko`) — take turns in blocks of calls, round after round, so that a
change in the machine's load falls on all three alike (alternating runs), on four reads: the
API's first list page and a seizure's detail, and the same two as pages.

The noise is measured, not assumed: the two halves of the "before" reader's own calls (odd
and even rounds) differ by some amount; English and Korean pass when their p95 is within that
difference, or within 10 % (at least 2 ms) of "before", whichever is larger.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.test import Client
from django.test.utils import override_settings

from bench.measuring import LIST_URL, Bench, CaseResult, expect, percentile

LANGUAGE_MIDDLEWARE = ("django.middleware.locale.LocaleMiddleware", "crackdown.i18n.UserLanguageMiddleware")
ROUNDS = 10
BLOCK = 5  # timed calls per reader per round, after one untimed call


def _before() -> override_settings:
    return override_settings(
        USE_I18N=False, MIDDLEWARE=[m for m in settings.MIDDLEWARE if m not in LANGUAGE_MIDDLEWARE]
    )


def _readers(b: Bench) -> dict[str, tuple[Client, Client, dict[str, Any]]]:
    """(API client, page client, extra headers) per reader."""
    token = b.api.defaults["HTTP_AUTHORIZATION"]

    def pair() -> tuple[Client, Client]:
        web = Client()
        web.force_login(b.officer)
        return Client(HTTP_AUTHORIZATION=token), web

    return {
        "before (no translation)": (*pair(), {}),
        "English": (*pair(), {"HTTP_ACCEPT_LANGUAGE": "en"}),
        "Korean": (*pair(), {"HTTP_ACCEPT_LANGUAGE": "ko"}),
    }


def _reads(b: Bench) -> list[tuple[str, Callable[[Client, Client, dict[str, Any], int], Any]]]:
    rows = expect(b.api.get(LIST_URL + "?page_size=100")).json()["results"]
    ids = [row["id"] for row in rows]
    return [
        ("API list, first page", lambda api, web, h, i: expect(api.get(LIST_URL, **h))),
        ("API detail", lambda api, web, h, i: expect(api.get(f"{LIST_URL}{ids[i % len(ids)]}/", **h))),
        ("page /seizures/", lambda api, web, h, i: expect(web.get("/seizures/", **h))),
        ("page /seizures/<id>/", lambda api, web, h, i: expect(web.get(f"/seizures/{ids[i % len(ids)]}/", **h))),
    ]


def case_languages(b: Bench) -> list[CaseResult]:
    readers = _readers(b)
    rounds = 3 if b.quick else ROUNDS
    results = []
    # The user's saved language would win over Accept-Language: the bench reader has none.
    if getattr(b.officer, "language", ""):
        b.officer.__class__.objects.filter(pk=b.officer.pk).update(language="")
    for read_name, read in _reads(b):
        times: dict[str, list[list[float]]] = {name: [] for name in readers}
        cpu: dict[str, list[float]] = {name: [] for name in readers}
        korean_seen = False
        call = 0
        for _round in range(rounds):
            for name, (api, web, headers) in readers.items():
                block: list[float] = []
                with _before() if name.startswith("before") else override_settings():
                    read(api, web, headers, call)  # untimed: the reader's turn begins
                    for _ in range(BLOCK):
                        call += 1
                        start, cpu_start = time.perf_counter(), time.process_time()
                        response = read(api, web, headers, call)
                        block.append((time.perf_counter() - start) * 1000)
                        cpu[name].append((time.process_time() - cpu_start) * 1000)
                if name == "Korean" and response.get("Content-Language") == "ko":
                    korean_seen = True
                times[name].append(block)
        flat = {name: [t for block in blocks for t in block] for name, blocks in times.items()}
        cpu_median = {name: statistics.median(values) for name, values in cpu.items()}
        before = flat["before (no translation)"]
        halves = (
            [t for block in times["before (no translation)"][0::2] for t in block],
            [t for block in times["before (no translation)"][1::2] for t in block],
        )
        noise = abs(percentile(halves[0], 95) - percentile(halves[1], 95))
        before_p95 = percentile(before, 95)
        allowed = max(noise, before_p95 * 0.10, 2.0)
        for name in ("English", "Korean"):
            p95 = percentile(flat[name], 95)
            passed = p95 - before_p95 <= allowed and (name != "Korean" or korean_seen)
            results.append(
                CaseResult(
                    name=f"{read_name}: {name} vs before",
                    group="languages",
                    median_ms=round(sorted(flat[name])[len(flat[name]) // 2], 2),
                    p95_ms=round(p95, 2),
                    max_ms=round(max(flat[name]), 2),
                    baseline_p95_ms=round(before_p95, 2),
                    ratio=round(p95 / before_p95, 3) if before_p95 else None,
                    target="p95 within noise of before",
                    passed=passed,
                    extra={
                        "python_cpu_median_ms": round(statistics.median(cpu[name]), 2),
                        "before_python_cpu_median_ms": round(statistics.median(cpu["before (no translation)"]), 2),
                    },
                    note=f"before p95 {before_p95:.1f} ms, difference {p95 - before_p95:+.1f} ms, allowed "
                    f"{allowed:.1f} ms (halves of before differ by {noise:.1f} ms); Python CPU median "
                    f"{cpu_median[name]:.1f} vs {cpu_median['before (no translation)']:.1f} ms; "
                    f"{rounds} alternating "
                    f"rounds of {BLOCK}" + ("" if name != "Korean" or korean_seen else "; NOT served in Korean"),
                )
            )
    return results
