"""Throughput: gunicorn on loopback under wrk, with the mix of bench/mix.lua, for ours and the floor.

gunicorn runs as in production (2 workers × 2 threads: this machine has 2 cores) with the
bench's environment; wrk shares the same 2 cores, so the figures are a lower bound, not a ceiling.
The same mix then runs against bench/floor.py (the baseline SQL + orjson in a bare WSGI app) under
the same gunicorn: ours / floor is the share of the machine's throughput the framework keeps.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings

from bench import baseline as bl
from bench.measuring import CaseFailed, NotAvailable

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
WRK = shutil.which("wrk") or "/usr/bin/wrk"
MIX = "50% list, 15% filtered list, 25% detail, 10% dashboard"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, headers=headers)
    try:
        # A redirect (e.g. to the sign-in page) must show up as such, not be followed.
        opener = urllib.request.build_opener(_NoRedirect)
        with opener.open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _wait_ready(base: str, process: subprocess.Popen, log_path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CaseFailed(f"gunicorn exited with {process.returncode}; see {log_path}")
        try:
            if _get(base + "/healthz", {}) == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)  # polling a server that is starting; nothing to wait on instead
    raise CaseFailed("gunicorn did not answer /healthz within 60 s")


def _parse(output: str) -> dict[str, Any]:
    match = re.search(r"^BENCH (.*)$", output, re.M)
    if not match:
        raise CaseFailed(f"wrk printed no summary: {output[-500:]}")
    values = {k: int(v) for k, v in (pair.split("=") for pair in match.group(1).split())}
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    return {
        "requests": values["requests"],
        "seconds": round(values["duration_us"] / 1e6, 1),
        "requests_per_s": float(rps.group(1)) if rps else values["requests"] / (values["duration_us"] / 1e6),
        "p50_ms": values["p50_us"] / 1000,
        "p90_ms": values["p90_us"] / 1000,
        "p95_ms": values["p95_us"] / 1000,
        "p99_ms": values["p99_us"] / 1000,
        "max_ms": values["max_us"] / 1000,
        "errors": values["socket_errors"],
        "non_2xx": values["status_errors"],
    }


@contextmanager
def _served(app: str, *, env: dict[str, str], log_name: str) -> Iterator[str]:
    """`app` under gunicorn as in production (2 workers × 2 threads) on a free loopback port;
    yields its base URL and stops it on the way out."""
    gunicorn = Path(sys.executable).parent / "gunicorn"
    if not gunicorn.exists():
        raise NotAvailable("gunicorn is not installed in the virtualenv")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = ROOT / "var" / "bench" / log_name
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [str(gunicorn), app, "-w", "2", "--threads", "2", "-b", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_ready(base, process, log_path)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _load(base: str, checks: dict[str, dict[str, str]], *, args: list[str], seconds: int) -> dict[str, Any]:
    """Check that every path of the mix answers 200, then run the wrk mix against `base`."""
    for path, headers in checks.items():
        status = _get(base + path, headers)
        if status != 200:
            raise CaseFailed(f"{path} answered {status} at {base} before the load")
    command = [
        WRK,
        "-t2",
        "-c8",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "10s",
        "-s",
        str(BENCH_DIR / "mix.lua"),
        base,
        "--",
        *args,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
    figures = _parse(done.stdout)
    figures.update({"mix": MIX, "connections": 8, "wrk_threads": 2, "gunicorn": "2 workers × 2 threads"})
    figures["wrk_output"] = done.stdout
    return figures


def run(b, *, ids: list[int], seconds: int) -> dict[str, Any]:
    """The wrk mix against ours, then against the floor (bench/floor.py) under the same server:
    ours' figures, with the floor's under "floor" and ours / floor as "share"."""
    if not Path(WRK).exists():
        raise NotAvailable("wrk is not installed (apt-get install wrk)")
    cookie_name = settings.SESSION_COOKIE_NAME
    if cookie_name not in b.web.cookies:
        raise CaseFailed("the bench's browser client has no session")
    cookie = f"{cookie_name}={b.web.cookies[cookie_name].value}"
    token_headers = {"Authorization": f"Token {b.token}"}
    checks = {
        "/api/v1/seizures/": token_headers,
        "/api/v1/seizures/?drug=methamphetamine&transport_mode=sea_container": token_headers,
        "/": {"Cookie": cookie},
    }
    if ids:
        checks[f"/api/v1/seizures/{ids[0]}/"] = token_headers
    args = [b.token, cookie, ",".join(str(i) for i in ids)]
    with _served("crackdown.wsgi", env=dict(os.environ), log_name="gunicorn.log") as base:
        figures = _load(base, checks, args=args, seconds=seconds)
    floor_env = {
        **os.environ,
        "FLOOR_CONNINFO": bl.conninfo(),
        "FLOOR_AGENCY": str(b.agency_id),
        "FLOOR_TZ": b.officer.timezone or b.officer.agency.timezone or "UTC",
        "FLOOR_TOKEN": b.token,
        "FLOOR_COOKIE": cookie,
    }
    with _served("bench.floor:app", env=floor_env, log_name="gunicorn-floor.log") as base:
        floor = _load(base, checks, args=args, seconds=seconds)
    floor.pop("wrk_output", None)
    figures["floor"] = floor
    figures["share"] = figures["requests_per_s"] / floor["requests_per_s"] if floor["requests_per_s"] else None
    return figures
