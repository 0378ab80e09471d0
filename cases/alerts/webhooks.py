"""Signed webhooks to the agencies' national systems (API.md "Webhooks").

The body is signed with HMAC-SHA256 over "<timestamp>.<raw body>" keyed by the agency's
webhook secret; the receiver checks the signature and dedupes by X-Crackdown-Delivery.
Where a request may go is crackdown.outbound's policy: checked before sending, the host
resolved then and every address checked, the connection made to a checked address.
Each delivery is also signed per the Standard Webhooks specification (`webhook-id`,
`webhook-timestamp`, `webhook-signature: v1,<base64>` over "<id>.<timestamp>.<raw body>"),
so that the public `standardwebhooks` libraries verify it unchanged.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import http.client
import logging
import socket
import ssl
import time
from urllib.parse import SplitResult

from crackdown import outbound

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 5
USER_AGENT = "Crackdown-Webhook/1"


class WebhookError(Exception):
    """The webhook was not delivered.

    str() is the category kept as the delivery's last error and shown to the agency's admins
    ("refused by policy", "connection failed", "TLS error", "HTTP 503"): never an address, a
    port or a system message, so that the page cannot serve as a port scanner. The detail goes
    to the server log only.
    """

    def __init__(self, category: str, detail: str = ""):
        super().__init__(category)
        self.category = category
        self.detail = detail or category


REFUSED = "refused by policy"
CONNECTION_FAILED = "connection failed"
TLS_ERROR = "TLS error"
NO_SECRET = "no webhook secret is set for the agency"


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


def check_url(url: str) -> SplitResult:
    """The policy of crackdown.outbound before resolution: scheme, local names, literal addresses."""
    try:
        return outbound.parse(url)
    except outbound.OutboundRefused as exc:
        raise WebhookError(REFUSED, str(exc)) from None


def pinned_address(parts: SplitResult) -> str:
    """Resolve the host now and check every address; the one to connect to."""
    try:
        return str(outbound.resolve(parts)[0])
    except outbound.OutboundRefused as exc:
        raise WebhookError(REFUSED, str(exc)) from None
    except OSError as exc:
        raise WebhookError(CONNECTION_FAILED, f"{parts.hostname} does not resolve: {exc}") from None


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to an address checked beforehand, whatever the name resolves to by then."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.pinned_address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.pinned_address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """The same over TLS: the certificate is checked against the URL's host name (SNI too)."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float):
        self.tls_context = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls_context)
        self.pinned_address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.pinned_address, self.port), self.timeout)
        self.sock = self.tls_context.wrap_socket(sock, server_hostname=self.host)


def _send(parts: SplitResult, address: str, headers: dict[str, str], body: bytes) -> int:
    """One POST to the pinned address; the status (a redirect is never followed)."""
    kind = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = kind(parts.hostname or "", outbound.default_port(parts), address=address, timeout=TIMEOUT_SECONDS)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    try:
        connection.request("POST", path, body=body, headers=headers)
        return connection.getresponse().status
    except ssl.SSLError as exc:
        raise WebhookError(TLS_ERROR, f"{parts.hostname}: {exc}") from None
    except (OSError, http.client.HTTPException) as exc:
        raise WebhookError(CONNECTION_FAILED, f"{parts.hostname} ({address}): {exc!r}") from None
    finally:
        connection.close()


def post(*, url: str, secret: str, delivery_id: str, body: bytes) -> int:
    """POST the body, signed; return the 2xx status or raise WebhookError (detail logged)."""
    try:
        return _post(url=url, secret=secret, delivery_id=delivery_id, body=body)
    except WebhookError as exc:
        logger.warning("webhook delivery %s not delivered: %s (%s)", delivery_id, exc.category, exc.detail)
        raise


def _post(*, url: str, secret: str, delivery_id: str, body: bytes) -> int:
    parts = check_url(url)
    if not secret:
        raise WebhookError(NO_SECRET)
    address = pinned_address(parts)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        **signed_headers(secret=secret, delivery_id=delivery_id, timestamp=timestamp, body=body),
    }
    status = _send(parts, address, headers, body)
    if not 200 <= status < 300:
        raise WebhookError(f"HTTP {status}")
    return status
