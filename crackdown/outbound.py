"""Where the server may send a request of its own (agency webhooks): the SSRF policy.

A URL is checked where it is saved (API, pages, Django admin: the Agency model's validator)
and again when it is used: the host name is resolved then, every address it resolves to is
checked, and the connection goes to an address that was checked (pinned), so a DNS answer
that changes between check and connect (rebinding) cannot point the request elsewhere.

Refused, in every mode: a scheme other than http/https (https only, unless
ALERTS_WEBHOOK_ALLOW_HTTP, which follows DEBUG); `localhost` names and cloud metadata names;
any address that is not globally routable: loopback, private (RFC 1918, unique local),
carrier-grade NAT (100.64.0.0/10), link-local (169.254.0.0/16 with the metadata service,
fe80::/10), multicast, reserved, unspecified, documentation and IPv4-mapped forms of these.

WEBHOOK_ALLOWED_NETWORKS (environment, comma-separated CIDRs, empty by default) lets an
operator admit networks of their own, e.g. a national system on a private network, or
127.0.0.1/32 for a receiver on the same host in a demo or a test. Nothing else bypasses the rule.
"""

from __future__ import annotations

import ipaddress
import socket
from functools import lru_cache
from urllib.parse import SplitResult, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

REFUSED_NAMES = ("localhost", "metadata", "metadata.google.internal", "instance-data")
REFUSED_SUFFIXES = (".localhost", ".internal", ".local")


class OutboundRefused(Exception):
    """The policy refuses this URL or address; the message says why (for the server log)."""


class SchemeRefused(OutboundRefused):
    """Not https (or http where allowed)."""


@lru_cache(maxsize=8)
def _networks(raw: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in raw)


def allowed_networks() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return _networks(tuple(getattr(settings, "WEBHOOK_ALLOWED_NETWORKS", ())))


def http_allowed() -> bool:
    return bool(getattr(settings, "ALERTS_WEBHOOK_ALLOW_HTTP", settings.DEBUG))


def check_address(address: Address) -> None:
    """Raise OutboundRefused unless the address is globally routable or operator-allowed."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if any(address in network for network in allowed_networks()):
        return
    if not address.is_global or address.is_multicast or address.is_reserved:
        raise OutboundRefused(f"address {address} is not a public address")


def parse(url: str) -> SplitResult:
    """The URL's parts, when its scheme and host are acceptable before any resolution."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise OutboundRefused(f"malformed URL: {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise SchemeRefused(f"scheme {parts.scheme!r}")
    if parts.scheme == "http" and not http_allowed():
        raise SchemeRefused("plain http")
    if not parts.hostname:
        raise OutboundRefused("no host")
    if port == 0:
        raise OutboundRefused("port 0")
    host = parts.hostname.rstrip(".").lower()
    if host in REFUSED_NAMES or host.endswith(REFUSED_SUFFIXES):
        raise OutboundRefused(f"host name {host} is local")
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        return parts
    check_address(literal)
    return parts


def default_port(parts: SplitResult) -> int:
    return parts.port or (443 if parts.scheme == "https" else 80)


def resolve(parts: SplitResult) -> list[Address]:
    """Every address the URL's host resolves to, each checked; OutboundRefused if any is refused.

    OSError (socket.gaierror) when the name does not resolve.
    """
    infos = socket.getaddrinfo(parts.hostname, default_port(parts), type=socket.SOCK_STREAM)
    addresses: list[Address] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(sockaddr[0])
        check_address(address)
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise OSError(f"{parts.hostname} has no address")
    return addresses


def validate_webhook_url(url: str) -> None:
    """The Agency.webhook_url validator: the policy at save time, before any resolution."""
    if not url:
        return
    try:
        parse(url)
    except SchemeRefused:
        raise ValidationError(_("A webhook URL must use https."), code="webhook_https") from None
    except OutboundRefused:
        raise ValidationError(_("A webhook URL must name a public host."), code="webhook_host") from None
