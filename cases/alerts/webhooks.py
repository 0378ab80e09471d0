"""Signed webhooks to the agencies' national systems (API.md "Webhooks").

The body is signed with HMAC-SHA256 over "<timestamp>.<raw body>" keyed by the agency's
webhook secret; the receiver checks the signature and dedupes by X-Crackdown-Delivery.
Each delivery is also signed per the Standard Webhooks specification (`webhook-id`,
`webhook-timestamp`, `webhook-signature: v1,<base64>` over "<id>.<timestamp>.<raw body>"),
so that the public `standardwebhooks` libraries verify it unchanged.
"""

from __future__ import annotations

import base64
import binascii
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


STANDARD_SECRET_PREFIX = "whsec_"


def standard_key(secret: str) -> bytes:
    """The Standard Webhooks key: the base64-decoded part after `whsec_` when the secret has
    that form, else the secret's UTF-8 bytes (API.md "Webhooks")."""
    if secret.startswith(STANDARD_SECRET_PREFIX):
        # As the libraries read it: unpadded base64 accepted (extra padding is ignored).
        try:
            key = base64.b64decode(secret[len(STANDARD_SECRET_PREFIX) :] + "==")
        except (binascii.Error, ValueError):
            key = b""
        if key:
            return key
    return secret.encode()


def standard_sign(secret: str, message_id: str, timestamp: int | str, body: bytes) -> str:
    """The `webhook-signature` value: `v1,<base64 HMAC-SHA256 over "<id>.<timestamp>.<body>">`."""
    mac = hmac.new(standard_key(secret), f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256)
    return "v1," + base64.b64encode(mac.digest()).decode()


def signed_headers(*, secret: str, delivery_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """Our own signature headers and the Standard Webhooks ones, for one attempt."""
    return {
        "X-Crackdown-Delivery": delivery_id,
        "X-Crackdown-Timestamp": str(timestamp),
        "X-Crackdown-Signature": sign(secret, timestamp, body),
        "webhook-id": delivery_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": standard_sign(secret, delivery_id, timestamp, body),
    }


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
            **signed_headers(secret=secret, delivery_id=delivery_id, timestamp=timestamp, body=body),
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
