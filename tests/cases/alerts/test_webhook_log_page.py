"""The agency page's webhook panel: the delivery log and "Send a test delivery", for the agency's admins."""

from __future__ import annotations

import pytest
from django.urls import reverse
from standardwebhooks import Webhook

from cases.alerts.delivery import attempt
from cases.alerts.models import Delivery
from cases.alerts.services import alert_create
from tests.cases.alerts.conftest import WEBHOOK_SECRET, use_webhook
from tests.factories import agency

pytestmark = pytest.mark.django_db

AGENCY = "/accounts/agency/"
TEST = "/alerts/webhook/test/"


def test_the_admin_sees_deliveries_with_status_attempts_error_and_next_attempt(client_as, malee, niran, park, receiver):
    use_webhook(agency("TCD"), receiver)
    receiver.status = 503
    alert = alert_create(by=park, recipients=["TCD"], kind="lookout", priority="urgent", title="Container MSCU1234565")
    delivery = Delivery.objects.get(alert=alert, agency__code="TCD")
    attempt(str(delivery.pk))
    delivery.refresh_from_db()

    html = client_as(malee).get(AGENCY).content.decode()

    assert 'data-testid="webhook-log"' in html
    assert "Container MSCU1234565" in html
    assert "receiver error" in html
    assert delivery.next_attempt_at.strftime("%Y-%m-%d") in html
    assert ">1</td>" in html  # one attempt so far
    # Other roles do not get the panel.
    assert 'data-testid="webhook-log"' not in client_as(niran).get(AGENCY).content.decode()


def test_a_test_delivery_is_signed_and_its_answer_shown(client_as, lee, receiver):
    use_webhook(agency("KCS"), receiver)

    response = client_as(lee).post(TEST, follow=True)

    assert response.redirect_chain[-1][0] == reverse("members:agency")
    assert "The test delivery was accepted" in response.content.decode()
    [request] = receiver.requests
    payload = Webhook(WEBHOOK_SECRET.encode()).verify(request.body, request.headers)
    assert payload["test"] is True
    assert not Delivery.objects.exists()  # nothing stored


def test_a_failing_receiver_is_reported(client_as, lee, receiver):
    use_webhook(agency("KCS"), receiver)
    receiver.status = 500

    html = client_as(lee).post(TEST, follow=True).content.decode()

    assert "The test delivery failed" in html
    assert "HTTP 500" in html


def test_only_the_agency_admin_may_send_one(client_as, park, receiver):
    use_webhook(agency("KCS"), receiver)

    assert client_as(park).post(TEST).status_code == 403
    assert receiver.requests == []
