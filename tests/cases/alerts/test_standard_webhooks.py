"""Deliveries verify with the public Standard Webhooks library and with the guide's plain HMAC.

API.md "Webhooks": `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>` over
"<id>.<timestamp>.<raw body>", keyed by the base64-decoded part after `whsec_` when the secret
has that form, else by the secret's bytes. A real alert goes over HTTP to a local receiver.
"""

from __future__ import annotations

import base64
import re
import time
from email.message import Message
from pathlib import Path

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from cases.alerts import webhooks
from cases.alerts.delivery import attempt
from cases.alerts.models import Delivery
from cases.alerts.services import alert_create
from tests.cases.alerts.conftest import WEBHOOK_SECRET, use_webhook
from tests.factories import agency

pytestmark = pytest.mark.django_db

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "api.md"
STANDARD_SECRET = "whsec_" + base64.b64encode(b"a 24-byte random key!!!!").decode()


def deliver(kim, receiver, secret: str):
    use_webhook(agency("TCD"), receiver, secret=secret)
    alert = alert_create(by=kim, recipients=["TCD"], kind="lookout", priority="urgent", title="Vessel 9074729 — 선박")
    delivery = Delivery.objects.get(alert=alert, agency__code="TCD")
    attempt(str(delivery.pk))
    [request] = receiver.requests
    # As a web framework hands them to the receiver: looked up without regard to case.
    headers = Message()
    for name, value in request.headers.items():
        headers[name] = value
    return delivery, headers, request.body


def guide_function():
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(), re.S)
    [source] = [b for b in blocks if "def verify_standard_webhook" in b]
    namespace: dict = {}
    exec(compile(source, str(GUIDE), "exec"), namespace)  # noqa: S102 - our own documentation
    return namespace["verify_standard_webhook"]


def test_a_whsec_secret_verifies_with_the_standardwebhooks_library(kim, receiver):
    delivery, headers, body = deliver(kim, receiver, STANDARD_SECRET)

    assert headers["webhook-id"] == str(delivery.pk) == headers["X-Crackdown-Delivery"]
    assert headers["webhook-timestamp"] == headers["X-Crackdown-Timestamp"]
    assert headers["webhook-signature"].startswith("v1,")
    payload = Webhook(STANDARD_SECRET).verify(body, headers)
    assert payload["delivery"] == str(delivery.pk)
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + base64.b64encode(b"another key").decode()).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(STANDARD_SECRET).verify(body.replace(b"lookout", b"lookouT"), headers)


def test_a_plain_secret_is_keyed_by_its_bytes(kim, receiver):
    _, headers, body = deliver(kim, receiver, WEBHOOK_SECRET)

    assert Webhook(WEBHOOK_SECRET.encode()).verify(body, headers)["alert"]["kind"] == "lookout"
    with pytest.raises(WebhookVerificationError):
        Webhook(b"another-secret").verify(body, headers)


def test_the_guides_plain_hmac_function_agrees_with_the_library(kim, receiver):
    verify = guide_function()
    for secret in (STANDARD_SECRET, WEBHOOK_SECRET):
        receiver.requests.clear()
        Delivery.objects.all().delete()
        _, headers, body = deliver(kim, receiver, secret)
        signed_at = int(headers["webhook-timestamp"])

        assert verify(secret, headers, body)
        assert verify(secret, headers, body, now=signed_at + 299)
        assert not verify(secret, headers, body, now=signed_at + 301)
        assert not verify(secret, headers, body + b" ")
        assert not verify("whsec_" + base64.b64encode(b"other").decode(), headers, body)


def test_the_library_accepts_five_minutes_of_clock_difference_and_no_more(kim, receiver):
    delivery, _, body = deliver(kim, receiver, STANDARD_SECRET)
    library = Webhook(STANDARD_SECRET)

    for age, accepted in ((240, True), (360, False)):
        at = int(time.time()) - age
        headers = webhooks.signed_headers(secret=STANDARD_SECRET, delivery_id=str(delivery.pk), timestamp=at, body=body)
        if accepted:
            assert library.verify(body, headers)["delivery"] == str(delivery.pk)
        else:
            with pytest.raises(WebhookVerificationError, match="too old"):
                library.verify(body, headers)
