"""Throughput: gunicorn on loopback under wrk, with the mix of bench/mix.lua.

gunicorn runs as in production (2 workers × 2 threads: this machine has 2 cores) with the
bench's environment; wrk shares the same 2 cores, so the figures are a floor, not a ceiling.
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
from pathlib import Path
from typing import Any

from django.conf import settings

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


def _wait_ready(base: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CaseFailed(f"gunicorn exited with {process.returncode}; see var/bench/gunicorn.log")
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


def run(b, *, ids: list[int], seconds: int) -> dict[str, Any]:
    if not Path(WRK).exists():
        raise NotAvailable("wrk is not installed (apt-get install wrk)")
    gunicorn = Path(sys.executable).parent / "gunicorn"
    if not gunicorn.exists():
        raise NotAvailable("gunicorn is not installed in the virtualenv")
    cookie_name = settings.SESSION_COOKIE_NAME
    if cookie_name not in b.web.cookies:
        raise CaseFailed("the bench's browser client has no session")
    cookie = f"{cookie_name}={b.web.cookies[cookie_name].value}"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = ROOT / "var" / "bench" / "gunicorn.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [str(gunicorn), "crackdown.wsgi", "-w", "2", "--threads", "2", "-b", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_ready(base, process)
        token_headers = {"Authorization": f"Token {b.token}"}
        checks = {
            "/api/v1/seizures/": token_headers,
            "/api/v1/seizures/?drug=methamphetamine&transport_mode=sea_container": token_headers,
            "/": {"Cookie": cookie},
        }
        if ids:
            checks[f"/api/v1/seizures/{ids[0]}/"] = token_headers
        for path, headers in checks.items():
            status = _get(base + path, headers)
            if status != 200:
                raise CaseFailed(f"{path} answered {status} through gunicorn before the load")
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
            b.token,
            cookie,
            ",".join(str(i) for i in ids),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
        figures = _parse(done.stdout)
        figures.update({"mix": MIX, "connections": 8, "wrk_threads": 2, "gunicorn": "2 workers × 2 threads"})
        figures["wrk_output"] = done.stdout
        return figures
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
