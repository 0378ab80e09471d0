"""Orchestrates a benchmark run: database, data, cases, table, JSON and a Markdown report."""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.models import Max, Min
from django.db.utils import OperationalError
from django.test import Client
from django.test.utils import override_settings
from knox.models import AuthToken

from bench import baseline as bl
from bench.cases import CASES
from bench.measuring import Bench, CaseFailed, CaseResult, NotAvailable
from cases.seizures.models import Seizure, SeizureIdentifier, SeizureItem
from members import demo
from members.models import User

OFFICER_EMAIL = "officer@kcs.example"
VACUUM_TABLES = [
    "seizures_seizure",
    "seizures_seizureitem",
    "seizures_seizureidentifier",
    "seizures_seizureperson",
    "seizures_seizuretransit",
    "seizures_seizure_shared_with",
]


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def ensure_database_exists() -> None:
    """A fresh clone has no bench database yet: create it (PostgreSQL's CREATE DATABASE)."""
    try:
        connection.ensure_connection()
        return
    except OperationalError as exc:
        if "does not exist" not in str(exc):
            raise
    name = settings.DATABASES["default"]["NAME"]
    conninfo = bl.conninfo(dbname="postgres")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    say(f"created database {name}")


def prepare_database() -> None:
    """Migrate, and make sure the agencies (a data migration) and the demo users exist."""
    ensure_database_exists()
    say("migrating the database")
    call_command("migrate", verbosity=0, interactive=False)
    created = demo.seed_users()
    say(f"demo users ready ({created} created)")


def ensure_seizures(count: int, *, skip: bool) -> dict[str, Any]:
    have = Seizure.objects.count()
    info: dict[str, Any] = {"before": have, "generated": 0, "generate_seconds": 0.0}
    if skip or have >= count:
        say(f"{have:,} seizures in the database: reusing them")
    else:
        missing = count - have
        say(f"{have:,} seizures in the database: generating {missing:,} more (generate_seizures)")
        start = time.perf_counter()
        try:
            # DEBUG (on for the bench's demo users) would format and keep every bulk INSERT.
            with override_settings(DEBUG=False):
                call_command("generate_seizures", count=missing, stdout=sys.stdout)
        except Exception as exc:  # the generator is another module's: say what went wrong, go on
            say(f"generate_seizures failed: {exc!r}")
            info["generate_error"] = repr(exc)
        info["generate_seconds"] = time.perf_counter() - start
        info["generated"] = Seizure.objects.count() - have
        say(f"generated {info['generated']:,} seizures in {info['generate_seconds']:.0f} s")
    # Always: plans depend on fresh statistics (without them PostgreSQL sorts every visible row
    # instead of walking the (-occurred_at, -id) index), and a second run then costs seconds.
    info["vacuum_seconds"] = vacuum_analyze()
    info["after"] = Seizure.objects.count()
    return info


def vacuum_analyze() -> float:
    """Fresh statistics and visibility map after a bulk load, as autovacuum would give later."""
    say("VACUUM ANALYZE of the seizure tables")
    start = time.perf_counter()
    with connection.cursor() as cursor:
        for table in VACUUM_TABLES:
            cursor.execute(f'VACUUM ANALYZE "{table}"')
    elapsed = time.perf_counter() - start
    say(f"VACUUM ANALYZE done in {elapsed:.0f} s")
    return round(elapsed, 1)


def data_shape(officer) -> dict[str, Any]:
    span = Seizure.objects.aggregate(first=Min("occurred_at"), last=Max("occurred_at"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    return {
        "seizures": Seizure.objects.count(),
        "items": SeizureItem.objects.count(),
        "identifiers": SeizureIdentifier.objects.count(),
        "agencies": Seizure.objects.values("agency").distinct().count(),
        "first_occurred_at": span["first"].isoformat() if span["first"] else None,
        "last_occurred_at": span["last"].isoformat() if span["last"] else None,
        "visible_to_reader": Seizure.objects.visible_to(officer).count(),
        "reader": OFFICER_EMAIL,
        "database_size": size,
    }


def calibrate() -> float:
    """Milliseconds of a fixed pure-Python workload (median of 7): how fast this machine runs
    Python right now. On a shared virtual machine it moves from run to run, and every
    latency with it; the figure lets two runs be compared (lower is faster)."""
    times = []
    for _ in range(7):
        start = time.perf_counter()
        rows: list[dict[str, Any]] = [{"id": i, "key": f"K{i % 97}", "weight": i * 0.5} for i in range(40_000)]
        rows.sort(key=lambda r: (r["key"], -r["id"]))
        totals: dict[str, float] = {}
        for r in rows:
            totals[r["key"]] = totals.get(r["key"], 0.0) + r["weight"]
        times.append((time.perf_counter() - start) * 1000)
    return round(sorted(times)[3], 1)


def machine() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        pg_version = cursor.fetchone()[0]
        settings_rows = {}
        for name in ("shared_buffers", "work_mem", "effective_cache_size", "random_page_cost", "jit"):
            cursor.execute(f"SHOW {name}")
            settings_rows[name] = cursor.fetchone()[0]
    mem_kb = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    cpu = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(mem_kb / 2**20, 1),
        "python": platform.python_version(),
        "postgresql": pg_version,
        "postgresql_settings": settings_rows,
        "load_average_at_start": os.getloadavg(),
    }


def reader_clients() -> tuple[Any, str, Client, Client]:
    """The bench's reader, a knox token of theirs, and a test client for the API (the token)
    and one for the pages (signed in)."""
    officer = User.objects.select_related("agency").get(email__iexact=OFFICER_EMAIL)
    _, token = AuthToken.objects.create(user=officer)
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    web = Client()
    web.force_login(officer)
    return officer, token, api, web


def make_bench(args: argparse.Namespace) -> Bench:
    officer, token, api, web = reader_clients()
    quick = args.quick
    return Bench(
        quick=quick,
        warmup=2 if quick else 5,
        repeats=10 if quick else 30,
        officer=officer,
        token=token,
        api=api,
        web=web,
        base=bl.Baseline(),
    )


def run_cases(b: Bench, only: set[str]) -> list[CaseResult]:
    results: list[CaseResult] = []
    for group, case in CASES:
        if only and group not in only:
            continue
        speed = calibrate()
        say(f"case {group} (machine speed: fixed Python workload {speed} ms)")
        start = time.perf_counter()
        try:
            rows = case(b)
        except NotAvailable as exc:
            rows = [CaseResult(name=group, group=group, status="not available", note=str(exc))]
        except CaseFailed as exc:
            rows = [CaseResult(name=group, group=group, status="error", passed=False, note=str(exc))]
        except Exception as exc:  # one broken case must not hide the others' figures
            traceback.print_exc()
            rows = [CaseResult(name=group, group=group, status="error", passed=False, note=repr(exc)[:300])]
        for row in rows:
            row.extra.setdefault("case_seconds", round(time.perf_counter() - start, 1))
            row.extra.setdefault("python_calibration_ms", speed)
            print("    " + one_line(row), flush=True)
        results.extend(rows)
    return results


def _ms(value: float | None) -> str:
    return "—" if value is None else (f"{value:.1f}" if value < 100 else f"{value:.0f}")


def one_line(r: CaseResult) -> str:
    if r.status != "ok":
        return f"{r.name}: {r.status} ({r.note})"
    cpu = r.extra.get("python_cpu_median_ms")
    cpu_part = f", Python CPU {cpu:.1f} ms" if cpu is not None else ""
    return (
        f"{r.name}: median {_ms(r.median_ms)} ms, p95 {_ms(r.p95_ms)} ms{cpu_part}, {r.queries_label} queries {r.note}"
    )


def table(results: list[CaseResult]) -> list[list[str]]:
    header = ["case", "median ms", "p95 ms", "queries", "baseline p95", "ratio", "target", "pass/fail"]
    rows = [header]
    for r in results:
        verdict = {True: "PASS", False: "FAIL", None: "—"}[r.passed] if r.status == "ok" else r.status
        rows.append(
            [
                r.name,
                _ms(r.median_ms),
                _ms(r.p95_ms),
                r.queries_label,
                _ms(r.baseline_p95_ms),
                "—" if r.ratio is None else f"{r.ratio:.1f}×",
                r.target,
                verdict if r.status != "error" else "ERROR",
            ]
        )
    return rows


def print_table(results: list[CaseResult]) -> None:
    rows = table(results)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    line = "+".join("-" * (w + 2) for w in widths)
    print("\n" + line)
    for n, row in enumerate(rows):
        print(" | ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)))
        if n == 0:
            print(line)
    print(line)
    for r in results:
        if r.note and r.status == "ok":
            print(f"  {r.name}: {r.note}")
        elif r.status != "ok":
            print(f"  {r.name}: {r.status}: {r.note}")
    print(flush=True)


def markdown(report: dict[str, Any], results: list[CaseResult]) -> str:
    rows = table(results)
    out = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    out += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    notes = [f"- {r.name}: {r.note}" for r in results if r.note]
    plans = []
    for key, value in report["explain"].items():
        for item in value if isinstance(value, list) else [value]:
            plans.append(f"#### {key}\n\n```sql\n{item['sql']}\n```\n\n```\n{item['plan']}\n```\n")
    return "\n".join(out) + "\n\n" + "\n".join(notes) + "\n\n### EXPLAIN (ANALYZE, BUFFERS)\n\n" + "\n".join(plans)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    only = {g.strip() for g in args.only.split(",") if g.strip()}
    if connection.vendor != "postgresql":
        say("the benchmark needs PostgreSQL: set DATABASE_URL (make bench does)")
        return 2
    prepare_database()
    data = ensure_seizures(args.count, skip=args.skip_generate)
    b = make_bench(args)
    say("data shape")
    shape = data_shape(b.officer)
    say(json.dumps(shape))
    host = machine()
    host["python_calibration_ms_at_start"] = calibrate()
    say(f"machine speed: fixed Python workload {host['python_calibration_ms_at_start']} ms (lower is faster)")
    try:
        results = run_cases(b, only)
    finally:
        b.base.close()
    host["python_calibration_ms_at_end"] = calibrate()
    report = {
        "started_at": datetime.now(UTC).isoformat(),
        "args": vars(args),
        "machine": host,
        "git_commit": _git_commit(),
        "data": {**shape, **data},
        "settings": {"DEBUG": settings.DEBUG, "repeats": b.repeats, "warmup": b.warmup},
        "cases": [r.as_dict() for r in results],
        "explain": b.explain,
        "total_seconds": round(time.perf_counter() - started, 1),
        "load_average_at_end": os.getloadavg(),
    }
    print_table(results)
    path = Path(args.json)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, default=str))
    path.with_suffix(".md").write_text(markdown(report, results))
    say(
        f"machine speed: fixed Python workload {host['python_calibration_ms_at_start']} ms at the start, "
        f"{host['python_calibration_ms_at_end']} ms at the end (lower is faster)"
    )
    say(f"results in {path} and {path.with_suffix('.md')}; total {report['total_seconds']:.0f} s")
    return 0


def _git_commit() -> str | None:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True, timeout=5
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
