"""Signed webhooks to the agencies' national systems (API.md "Webhooks").

The body is signed with HMAC-SHA256 over "<timestamp>.<raw body>" keyed by the agency's
webhook secret; the receiver checks the signature and dedupes by X-Crackdown-Delivery.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings

TIMEOUT_SECONDS = 5
USER_AGENT = "Crackdown-Webhook/1"


class WebhookError(Exception):
    """The webhook was not delivered; the message is kept as the delivery's last error."""


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """The X-Crackdown-Signature value for a body sent at `timestamp`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiver does: recompute and compare in constant time."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def check_url(url: str) -> None:
    """In production only https to a non-local host; with DEBUG on, http and loopback are fine."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookError("the webhook URL is not an http(s) URL")
    # DEBUG (or the test suite, through ALERTS_WEBHOOK_ALLOW_HTTP) accepts a local receiver.
    if getattr(settings, "ALERTS_WEBHOOK_ALLOW_HTTP", settings.DEBUG):
        return
    if parts.scheme != "https":
        raise WebhookError("the webhook URL must use https")
    host = parts.hostname
    if host == "localhost" or host.endswith(".localhost"):
        raise WebhookError("the webhook URL must not point at this host")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return
    if address.is_loopback or address.is_link_local or address.is_unspecified:
        raise WebhookError("the webhook URL must not point at a local address")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect could carry the signed body elsewhere: treat it as a failure.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def post(*, url: str, secret: str, delivery_id: str, body: bytes) -> int:
    """POST the body, signed; return the 2xx status or raise WebhookError."""
    check_url(url)
    if not secret:
        raise WebhookError("no webhook secret is set for the agency")
    timestamp = int(time.time())
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Crackdown-Delivery": delivery_id,
            "X-Crackdown-Timestamp": str(timestamp),
            "X-Crackdown-Signature": sign(secret, timestamp, body),
        },
    )
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        raise WebhookError(f"the receiver answered HTTP {exc.code}")
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise WebhookError(f"could not reach the receiver: {reason}")
    if not 200 <= status < 300:
        raise WebhookError(f"the receiver answered HTTP {status}")
    return status
