"""Alert test fixtures: a real Celery worker on the real Redis broker, and a webhook receiver.

The worker runs our app (crackdown.celery.app) in a thread, so the settings must have
REDIS_URL (make test sets it); without it the worker tests are skipped, not faked.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.db import connections

from crackdown.celery import app as celery_app

WEBHOOK_SECRET = "test-webhook-secret-0123456789"


def wait_for(condition: Callable[[], object], *, timeout: float = 60.0, interval: float = 0.05, message: str = ""):
    """Poll until `condition()` is truthy and return its value; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {message or condition}")
        time.sleep(interval)


def _close_worker_connections(**kwargs) -> None:
    # The in-thread worker opens its own database connections; close them after each task so
    # that transactional_db can flush and the test database can be dropped at the end.
    connections.close_all()


def needs_broker() -> None:
    if not settings.REDIS_URL or settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("needs REDIS_URL: a real Redis broker and worker")


@contextlib.contextmanager
def running_worker(*, purge: bool = True) -> Iterator[object]:
    """A real Celery worker (solo pool, in a thread) consuming from the real broker; with
    `purge`, what earlier tests left in the queue is dropped first."""
    needs_broker()
    if purge:
        with celery_app.connection_for_write() as conn:
            conn.default_channel.queue_purge("celery")
    task_postrun.connect(_close_worker_connections, weak=False)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
            yield worker
    finally:
        task_postrun.disconnect(_close_worker_connections)


@pytest.fixture
def celery_worker(transactional_db) -> Iterator[object]:
    with running_worker() as worker:
        yield worker


@contextlib.contextmanager
def dead_broker() -> Iterator[None]:
    """Point the app's publisher at a port where nothing listens (as if Redis were down)."""
    conf = celery_app.conf
    saved = conf.broker_url
    conf.broker_url = "redis://127.0.0.1:1/0"
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    try:
        yield
    finally:
        conf.broker_url = saved
        celery_app._pool = None
        celery_app.amqp._producer_pool = None


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)

    @property
    def delivery(self) -> str:
        return self.headers["X-Crackdown-Delivery"]


@dataclass
class Receiver:
    """A national system's webhook endpoint on 127.0.0.1, in a thread.

    status: what it answers; hold: when set to an Event, each request waits on it first.
    stop()/start(): the endpoint goes down (connection refused) and comes back on the same port.
    """

    status: int = 200
    hold: threading.Event | None = None
    requests: list[Received] = field(default_factory=list)
    port: int = 0
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/crackdown"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append(Received(headers=dict(self.headers.items()), body=body))
                if receiver.hold is not None:
                    receiver.hold.wait(20)
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def deliveries(self) -> list[str]:
        return [r.delivery for r in self.requests]


@pytest.fixture(autouse=True)
def _allow_local_webhooks(settings):
    # pytest-django runs with DEBUG off, which refuses plain http; the receiver is on this
    # host, admitted as an operator would (crackdown/outbound.py).
    settings.ALERTS_WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    r.start()
    yield r
    if r.hold is not None:
        r.hold.set()
    r.stop()


def use_webhook(agency, receiver: Receiver, *, secret: str = WEBHOOK_SECRET) -> None:
    agency.webhook_url = receiver.url
    agency.webhook_secret = secret
    agency.webhook_enabled = True
    agency.save()
