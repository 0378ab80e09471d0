"""The webhook signature and URL rules, and the retry schedule (API.md "Webhooks")."""

from __future__ import annotations

import hashlib
import hmac
from http.server import BaseHTTPRequestHandler, HTTPServer
from threading import Thread

import pytest
from django.conf import settings

from cases.alerts import webhooks
from cases.alerts.delivery import JITTER, MAX_ATTEMPTS, RETRY_DELAYS, retry_delay


def test_signature_is_hmac_sha256_over_timestamp_dot_body():
    body = b'{"delivery":"d","alert":{}}'
    expected = hmac.new(b"s3cret", b"1767225600." + body, hashlib.sha256).hexdigest()
    assert webhooks.sign("s3cret", 1767225600, body) == f"sha256={expected}"
    assert webhooks.verify("s3cret", "1767225600", body, f"sha256={expected}")
    assert not webhooks.verify("s3cret", "1767225601", body, f"sha256={expected}")


@pytest.mark.parametrize(
    "url",
    [
        "http://customs.example/hook",
        "https://localhost/hook",
        "https://127.0.0.1/hook",
        "https://[::1]/hook",
        "https://169.254.169.254/latest",
        "ftp://customs.example/hook",
    ],
)
def test_production_refuses_plain_http_and_local_addresses(settings, url):
    settings.ALERTS_WEBHOOK_ALLOW_HTTP = False
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    with pytest.raises(webhooks.WebhookError):
        webhooks.check_url(url)


def test_production_accepts_https(settings):
    settings.ALERTS_WEBHOOK_ALLOW_HTTP = False
    webhooks.check_url("https://hook.customs.go.th/crackdown")


def test_a_redirect_is_a_failure_not_followed(settings):
    settings.ALERTS_WEBHOOK_ALLOW_HTTP = True
    hits = []

    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self):
            hits.append(self.path)
            self.send_response(307)
            self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Redirect)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(webhooks.WebhookError, match="307"):
            webhooks.post(
                url=f"http://127.0.0.1:{server.server_address[1]}/hook", secret="s", delivery_id="d", body=b"{}"
            )
    finally:
        server.shutdown()
        server.server_close()
    assert hits == ["/hook"]


def test_no_secret_is_an_error_not_an_unsigned_post(settings):
    settings.ALERTS_WEBHOOK_ALLOW_HTTP = True
    with pytest.raises(webhooks.WebhookError, match="secret"):
        webhooks.post(url="http://127.0.0.1:9/hook", secret="", delivery_id="d", body=b"{}")


def test_retry_schedule_meets_the_contract():
    assert MAX_ATTEMPTS >= 5
    # First retry within a minute, even with the jitter at its largest.
    assert RETRY_DELAYS[0] * (1 + JITTER) < 60
    # The attempts span at least ten minutes, even with the jitter at its smallest.
    assert sum(RETRY_DELAYS[: MAX_ATTEMPTS - 1]) * (1 - JITTER) >= 600
    for attempts in range(1, MAX_ATTEMPTS + 3):
        for _ in range(50):
            delay = retry_delay(attempts)
            assert 0 < delay < settings.CELERY_VISIBILITY_TIMEOUT


def test_retry_delays_are_jittered():
    assert len({round(retry_delay(2), 3) for _ in range(20)}) > 1
