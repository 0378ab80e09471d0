"""Webhook SSRF: the URL policy where a URL is saved and where it is used (crackdown/outbound.py)."""

from __future__ import annotations

import socket

import pytest
from django.db import transaction
from django.urls import reverse

from cases.alerts import delivery as engine
from cases.alerts.models import Delivery
from cases.alerts.services import alert_create
from members.models import Agency
from tests.cases.alerts.conftest import Receiver
from tests.factories import agency

REFUSED_AT_SAVE = [
    "https://100.64.0.1/hook",
    "https://10.1.2.3/hook",
    "https://192.168.10.1/hook",
    "https://127.0.0.1:9443/hook",
    "https://[::1]/hook",
    "https://[::ffff:127.0.0.1]/hook",
    "https://169.254.169.254/latest/meta-data/",
    "https://[fd00:ec2::254]/",
    "https://224.0.0.1/hook",
    "https://240.0.0.1/hook",
    "https://0.0.0.0/hook",
    "https://localhost/hook",
    "https://metadata.google.internal/computeMetadata/v1/",
    "ftp://customs.example/hook",
]


@pytest.fixture(params=[False, True], ids=["production", "debug"])
def mode(request, settings):
    settings.DEBUG = request.param
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    return request.param


@pytest.fixture
def receiver():
    r = Receiver()
    r.start()
    yield r
    r.stop()


@pytest.fixture
def resolves_to(monkeypatch):
    """A DNS answer for a name of ours: `resolves_to("hook.customs.example", "127.0.0.1", ...)`."""
    real = socket.getaddrinfo
    answers: dict[str, list[str]] = {}

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            address = answers[host].pop(0) if len(answers[host]) > 1 else answers[host][0]
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (address, port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    def set_answer(host: str, *addresses: str) -> None:
        answers[host] = list(addresses)

    return set_answer


@pytest.mark.parametrize("url", REFUSED_AT_SAVE)
def test_the_api_refuses_to_save_a_url_to_a_non_public_place(api_as, lee, mode, url):
    response = api_as(lee).patch("/api/v1/agencies/KCS/settings/", {"webhook_url": url}, format="json")
    assert response.status_code == 400, url
    assert "webhook_url" in response.json()
    assert Agency.objects.get(code="KCS").webhook_url != url


def test_the_agency_page_refuses_a_cgnat_url(client_as, lee, mode):
    response = client_as(lee).post(
        reverse("members:agency_settings"),
        {"webhook_url": "https://100.64.0.1/hook", "webhook_secret": "s3cret-value", "webhook_enabled": "on"},
    )
    assert response.status_code == 400
    assert Agency.objects.get(code="KCS").webhook_url == ""


def test_the_django_admin_refuses_a_private_url(client_as, platform_admin, kcs, mode):
    url = reverse("admin:members_agency_change", args=[kcs.pk])
    response = client_as(platform_admin).post(
        url,
        {
            "code": kcs.code,
            "name": kcs.name,
            "country": kcs.country,
            "timezone": kcs.timezone,
            "is_active": "on",
            "contact_email": "",
            "webhook_url": "https://10.0.0.5/hook",
        },
    )
    assert response.status_code == 200  # the form again, with its error
    assert "public host" in response.content.decode()
    kcs.refresh_from_db()
    assert kcs.webhook_url == ""


def test_a_public_https_url_is_saved(api_as, lee, mode):
    response = api_as(lee).patch(
        "/api/v1/agencies/KCS/settings/", {"webhook_url": "https://hooks.kcs.example/crackdown"}, format="json"
    )
    assert response.status_code == 200


def test_an_operator_allowed_network_admits_a_private_receiver(api_as, lee, settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    client = api_as(lee)
    assert client.patch("/api/v1/agencies/KCS/settings/", {"webhook_url": "https://10.20.1.5/h"}).status_code == 200
    assert client.patch("/api/v1/agencies/KCS/settings/", {"webhook_url": "https://10.21.1.5/h"}).status_code == 400


# --- At send time --------------------------------------------------------------------------


def _alert_to_tcd(kim) -> Delivery:
    with transaction.atomic():
        alert = alert_create(by=kim, kind="lookout", recipients=["TCD"], priority="urgent", title="MSCU1234565")
    return Delivery.objects.get(alert=alert)


def _point_webhook(url: str) -> None:
    tcd = agency("TCD")
    tcd.webhook_url = url  # stored as an old row or a direct write would be: no save-time check
    tcd.webhook_secret = "test-webhook-secret-0123456789"
    tcd.webhook_enabled = True
    tcd.save()


def _attempt(delivery: Delivery) -> Delivery:
    engine.attempt(str(delivery.pk))
    return Delivery.objects.get(pk=delivery.pk)


@pytest.fixture
def sending(settings):
    settings.ALERTS_WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOWED_NETWORKS = []


def test_a_name_resolving_to_loopback_is_refused_at_send_and_nothing_connects(
    sending, kim, receiver, resolves_to, caplog
):
    resolves_to("hooks.tcd.example", "127.0.0.1")
    _point_webhook(f"http://hooks.tcd.example:{receiver.port}/crackdown")
    row = _attempt(_alert_to_tcd(kim))
    assert receiver.requests == []
    assert row.webhook_sent_at is None
    assert row.last_error == "webhook: refused by policy"
    assert "127.0.0.1" in caplog.text  # the detail is in the server log


@pytest.mark.parametrize("address", ["10.0.0.7", "192.168.1.20", "100.64.0.1", "169.254.169.254"])
def test_a_private_literal_stored_before_the_rules_is_refused_at_send(sending, kim, address):
    _point_webhook(f"https://{address}/hook")
    row = _attempt(_alert_to_tcd(kim))
    assert row.last_error == "webhook: refused by policy"


def test_any_refused_address_among_those_resolved_refuses_the_send(sending, kim, receiver, settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    real = socket.getaddrinfo

    def two_answers(host, port, *args, **kwargs):
        if host == "hooks.tcd.example":
            return [
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.9", port)),
            ]
        return real(host, port, *args, **kwargs)

    socket_module = pytest.MonkeyPatch()
    socket_module.setattr(socket, "getaddrinfo", two_answers)
    try:
        _point_webhook(f"http://hooks.tcd.example:{receiver.port}/crackdown")
        row = _attempt(_alert_to_tcd(kim))
    finally:
        socket_module.undo()
    assert receiver.requests == []
    assert row.last_error == "webhook: refused by policy"


def test_the_connection_goes_to_the_checked_address_not_a_rebound_one(sending, kim, receiver, resolves_to, settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    # First answer checked and allowed; any later lookup would rebind the name to the metadata service.
    resolves_to("hooks.tcd.example", "127.0.0.1", "169.254.169.254")
    _point_webhook(f"http://hooks.tcd.example:{receiver.port}/crackdown")
    delivery = _alert_to_tcd(kim)
    row = _attempt(delivery)
    assert row.last_error == ""
    assert receiver.deliveries() == [str(delivery.pk)]
    assert receiver.requests[0].headers["Host"] == f"hooks.tcd.example:{receiver.port}"


def test_last_error_is_a_category_never_an_address_or_port(sending, kim, receiver, settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    port = receiver.port
    receiver.status = 503
    _point_webhook(f"http://127.0.0.1:{port}/crackdown")
    delivery = _alert_to_tcd(kim)
    assert _attempt(delivery).last_error == "webhook: HTTP 503"

    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=None)
    _point_webhook(f"https://127.0.0.1:{port}/crackdown")  # TLS to a plain-http receiver
    assert _attempt(delivery).last_error == "webhook: TLS error"

    receiver.stop()
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=None)
    _point_webhook(f"http://127.0.0.1:{port}/crackdown")
    error = _attempt(delivery).last_error
    assert error == "webhook: connection failed"
    assert str(port) not in error
