"""An alert's acknowledgement deadline stays within two years, and a stored extreme one still
renders for every user of the recipient agency."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from cases.alerts.models import Alert
from cases.alerts.services import alert_create


def test_an_ack_deadline_in_year_9999_is_refused_on_its_field(api_as, kim):
    response = api_as(kim).post(
        "/api/v1/alerts/",
        {
            "recipients": ["TCD"],
            "kind": "lookout",
            "priority": "urgent",
            "title": "MSCU1234565",
            "ack_due_at": "9999-12-31T23:59:59Z",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "ack_due_at" in response.json()
    assert not Alert.objects.filter(title="MSCU1234565").exists()


def test_an_ack_deadline_offset_past_year_9999_is_refused_not_a_500(api_as, kim):
    client = api_as(kim)
    client.raise_request_exception = False
    response = client.post(
        "/api/v1/alerts/",
        {"recipients": ["TCD"], "kind": "lookout", "title": "MSCU1234565", "ack_due_at": "9999-12-31T23:59:59-05:00"},
        format="json",
    )
    assert response.status_code == 400


def test_an_ack_deadline_within_two_years_is_accepted(api_as, kim):
    due = (timezone.now() + dt.timedelta(days=3)).isoformat()
    response = api_as(kim).post(
        "/api/v1/alerts/",
        {"recipients": ["TCD"], "kind": "lookout", "title": "MSCU1234565", "ack_due_at": due},
        format="json",
    )
    assert response.status_code == 201


def test_a_stored_extreme_deadline_still_renders_for_the_recipients(client_as, api_as, kim, somchai):
    with transaction.atomic():
        alert = alert_create(by=kim, kind="lookout", recipients=["TCD"], priority="urgent", title="MSCU1234565")
    Alert.objects.filter(pk=alert.pk).update(ack_due_at=dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC))
    somchai.timezone = "Asia/Bangkok"
    somchai.save()
    assert client_as(somchai).get("/alerts/").status_code == 200
    assert client_as(somchai).get(f"/alerts/{alert.pk}/").status_code == 200
    assert api_as(somchai).get("/api/v1/alerts/").status_code == 200
