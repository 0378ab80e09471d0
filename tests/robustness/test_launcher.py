"""`make run` as a user starts it, with no environment: the embedded default.

The launcher runs gunicorn, a Celery worker and beat on the embedded SQLite broker, in its own
temporary var/ directory and on a free port. A webhook answered 500 is retried by the worker
with the same delivery id; a worker killed with SIGKILL is started again; SIGTERM stops every
child. Every wait is a poll on a condition with a deadline.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.cases.alerts.conftest import Receiver, wait_for

SECRET = "embedded-default-secret-0123456789"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> dict[int, str]:
    found = {}
    for task in Path(f"/proc/{pid}/task").glob("*"):
        for child in (task / "children").read_text().split():
            try:
                found[int(child)] = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except FileNotFoundError:
                pass
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except FileNotFoundError:
        return False
    return state != "Z"


def _worker_pid(launcher: int) -> int | None:
    return next((pid for pid, cmd in _children(launcher).items() if " worker " in cmd), None)


def _api(port: int, path: str, body: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", **({"Authorization": f"Token {token}"} if token else {})},
        method="POST" if body is not None else "GET",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own server
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, {}
    except OSError:
        return 0, {}


@pytest.fixture
def embedded(tmp_path):
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "CRACKDOWN_TESTING", "PYTEST_XDIST_WORKER", "DJANGO_SETTINGS_MODULE")
    }
    # var/ does not exist yet: the launcher creates it. The receiver runs on this host,
    # admitted as an operator would (crackdown/outbound.py).
    env.update(
        CRACKDOWN_VAR_DIR=str(tmp_path / "var"),
        PORT=str(port),
        WEBHOOK_ALLOWED_NETWORKS="127.0.0.1/32",
    )
    log = (tmp_path / "launcher.log").open("w")
    launcher = subprocess.Popen(
        [sys.executable, "-m", "crackdown.launcher"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for(lambda: _api(port, "/healthz")[0] == 200 or launcher.poll() is not None, timeout=600, interval=1)
        assert launcher.poll() is None, (tmp_path / "launcher.log").read_text()[-3000:]
        yield launcher, port, env, tmp_path / "launcher.log"
    finally:
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGKILL)
        launcher.wait(30)
        log.close()


def test_the_embedded_default_retries_a_failed_webhook_survives_a_killed_worker_and_stops_clean(embedded):
    launcher, port, env, log = embedded
    receiver = Receiver(status=500)
    receiver.start()
    try:
        # The operator points TCD's webhook at the receiver.
        configure = (
            "from members.models import Agency; a = Agency.objects.get(code='TCD'); "
            f"a.webhook_url = {receiver.url!r}; a.webhook_secret = {SECRET!r}; a.webhook_enabled = True; "
            "a.full_clean(); a.save()"
        )
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", configure], cwd=settings.BASE_DIR, env=env, check=True
        )

        # A Korean officer sends an alert to TCD through the API.
        status, body = _api(port, "/api/v1/auth/login/", {"email": "officer@kcs.example", "password": "crackdown-demo"})
        assert status == 200
        status, _alert = _api(
            port,
            "/api/v1/alerts/",
            {"recipients": ["TCD"], "kind": "lookout", "priority": "urgent", "title": "Container MSCU1234565"},
            token=body["token"],
        )
        assert status == 201

        def ours() -> list:
            # Only our alert's requests: the demo data's own alerts to TCD may arrive too.
            return [r for r in list(receiver.requests) if r.json["alert"]["title"] == "Container MSCU1234565"]

        wait_for(lambda: len(ours()) >= 1, timeout=120, interval=0.5, message="the first attempt")
        receiver.status = 200
        # The first retry is due within a minute (30 s ± 20%); the worker sends it.
        wait_for(lambda: len(ours()) >= 2, timeout=180, interval=0.5, message="the retry")
        first, retry = ours()[:2]
        assert retry.delivery == first.delivery
    finally:
        receiver.stop()

    # A worker killed with SIGKILL is started again; the web server stays up meanwhile.
    worker = _worker_pid(launcher.pid)
    assert worker is not None
    os.kill(worker, signal.SIGKILL)
    wait_for(lambda: (_worker_pid(launcher.pid) or worker) != worker, timeout=60, interval=0.2)
    assert "worker" in log.read_text() and "restarting in" in log.read_text()
    assert _api(port, "/healthz")[0] == 200
    assert launcher.poll() is None

    # SIGTERM stops every child, and the launcher itself.
    children = list(_children(launcher.pid))
    assert len(children) == 3
    launcher.send_signal(signal.SIGTERM)
    assert launcher.wait(timeout=60) == 0
    wait_for(lambda: not any(_alive(pid) for pid in children), timeout=30, interval=0.2)
