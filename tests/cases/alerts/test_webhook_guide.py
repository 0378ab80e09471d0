"""The verification function of docs/api.md ("Verifying a delivery") accepts what the app sends.

The function is read out of the guide and run as written, so the guide cannot drift from the
signer (cases/alerts/webhooks.py): a delivery of a real alert goes over HTTP to a local
receiver, and the guide's function must accept it and refuse it once anything is changed.
"""

from __future__ import annotations

import re
from email.message import Message
from pathlib import Path

import pytest

from cases.alerts.delivery import attempt
from cases.alerts.models import Delivery
from cases.alerts.services import alert_create
from tests.cases.alerts.conftest import WEBHOOK_SECRET, use_webhook
from tests.factories import agency

pytestmark = pytest.mark.django_db

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "api.md"


def guide_function():
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(), re.S)
    [source] = [b for b in blocks if "def verify_crackdown_webhook" in b]
    namespace: dict = {}
    exec(compile(source, str(GUIDE), "exec"), namespace)  # noqa: S102 - our own documentation
    return namespace["verify_crackdown_webhook"]


def _headers(received: dict[str, str]) -> Message:
    # As a web framework hands them to the receiver: looked up without regard to case.
    headers = Message()
    for name, value in received.items():
        headers[name] = value
    return headers


@pytest.fixture
def delivered(receiver, kim):
    """One webhook delivery of a real alert (non-ASCII title included), as the receiver got it."""
    use_webhook(agency("TCD"), receiver)
    alert = alert_create(
        by=kim, recipients=["TCD"], kind="lookout", priority="urgent", title="Conteneur MSCU1234565 — 화물"
    )
    delivery = Delivery.objects.get(alert=alert, agency__code="TCD")
    attempt(str(delivery.pk))
    [request] = receiver.requests
    return _headers(request.headers), request.body


def test_the_guides_function_accepts_a_delivery_the_app_signed(delivered):
    verify = guide_function()
    headers, body = delivered

    assert verify(WEBHOOK_SECRET, headers, body)


def test_the_guides_function_refuses_a_changed_body_secret_or_signature(delivered):
    verify = guide_function()
    headers, body = delivered

    assert not verify(WEBHOOK_SECRET, headers, body.replace(b"lookout", b"lookouT"))
    assert not verify("another-secret", headers, body)
    forged = _headers({**dict(headers.items()), "X-Crackdown-Signature": "sha256=" + "0" * 64})
    assert not verify(WEBHOOK_SECRET, forged, body)


def test_the_guides_function_refuses_a_replay_after_the_tolerance(delivered):
    verify = guide_function()
    headers, body = delivered
    signed_at = int(headers["X-Crackdown-Timestamp"])

    assert verify(WEBHOOK_SECRET, headers, body, now=signed_at + 299)
    assert not verify(WEBHOOK_SECRET, headers, body, now=signed_at + 301)
