"""/api/v1/alerts/: the contract's shapes, who may do what, and constant queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.alerts.models import Alert, Delivery
from cases.alerts.services import alert_create
from tests.factories import SeizureFactory, agency

pytestmark = pytest.mark.django_db

ALERT_FIELDS = {
    "id",
    "kind",
    "priority",
    "title",
    "body",
    "notice",
    "params",
    "sender_agency",
    "seizure",
    "operation",
    "created_at",
    "ack_due_at",
    "deliveries",
}
DELIVERY_FIELDS = {"agency", "status", "acknowledged_at", "acknowledged_by", "outcome"}


def lookout(by, recipients=("TCD",), **kwargs) -> Alert:
    defaults = {"kind": "lookout", "priority": "urgent", "title": "Container MSCU1234565"}
    return alert_create(by=by, recipients=list(recipients), **{**defaults, **kwargs})


def url(alert=None, action="") -> str:
    return "/api/v1/alerts/" + (f"{alert.pk}/" if alert else "") + (f"{action}/" if action else "")


# --- Permission matrix: role × relation to the alert × endpoint → status -----------------------

PERSONAS = ["kim", "park", "lee", "somchai", "niran", "malee", "maria", "ana", "platform_admin"]
# kim (KCS) sends to TCD: KCS = sender, TCD = recipient, BOC = outsider.
EXPECTED = {
    # persona: (GET detail, POST acknowledge)
    "kim": (200, 404),
    "park": (200, 404),
    "lee": (200, 404),
    "somchai": (200, 200),
    "niran": (200, 200),
    "malee": (200, 200),
    "maria": (404, 404),
    "ana": (404, 404),
    "platform_admin": (404, 404),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix_of_one_alert(request, api_as, kim, persona):
    alert = lookout(kim)
    user = request.getfixturevalue(persona)
    client = api_as(user)
    get_status, ack_status = EXPECTED[persona]
    assert client.get(url(alert)).status_code == get_status
    assert client.post(url(alert, "acknowledge"), {"outcome": "seen"}, format="json").status_code == ack_status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("kim", 201), ("park", 201), ("lee", 403), ("somchai", 201), ("maria", 201), ("platform_admin", 403)],
)
def test_who_may_send_a_manual_alert(request, api_as, persona, status):
    user = request.getfixturevalue(persona)
    recipients = ["GDVC"]
    response = api_as(user).post(
        url(), {"recipients": recipients, "kind": "lookout", "priority": "routine", "title": "t"}, format="json"
    )
    assert response.status_code == status, response.content


def test_anonymous_gets_401(api):
    assert api.get(url()).status_code == 401


def test_recipient_acknowledges_with_an_outcome(api_as, kim, somchai):
    alert = lookout(kim)
    response = api_as(somchai).post(url(alert, "acknowledge"), {"outcome": "Container held"}, format="json")
    assert response.status_code == 200
    (delivery,) = response.json()["deliveries"]
    assert delivery["status"] == "acknowledged"
    assert delivery["outcome"] == "Container held"
    assert delivery["acknowledged_by"] == {"id": somchai.pk, "full_name": somchai.full_name}
    # A second acknowledgement is a state conflict.
    again = api_as(somchai).post(url(alert, "acknowledge"), {"outcome": "again"}, format="json")
    assert again.status_code == 409


def test_sender_sees_every_delivery_a_recipient_only_its_own(api_as, kim, somchai):
    alert = lookout(kim, recipients=("TCD", "GDVC"))
    as_sender = api_as(kim).get(url(alert)).json()
    assert [d["agency"] for d in as_sender["deliveries"]] == ["GDVC", "TCD"]
    as_recipient = api_as(somchai).get(url(alert)).json()
    assert [d["agency"] for d in as_recipient["deliveries"]] == ["TCD"]


# --- Creating ------------------------------------------------------------------------------


def test_create_answers_the_alert_object(api_as, kim):
    due = (timezone.now() + dt.timedelta(hours=2)).replace(microsecond=0)
    response = api_as(kim).post(
        url(),
        {
            "recipients": ["TCD", "GDVC"],
            "kind": "controlled_delivery",
            "priority": "flash",
            "title": "Parcel EE123456789KR",
            "body": "Let it run to the consignee.",
            "ack_due_at": due.isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == ALERT_FIELDS
    assert body["sender_agency"] == "KCS"
    assert body["kind"] == "controlled_delivery"
    assert {d["agency"]: d["status"] for d in body["deliveries"]} == {"GDVC": "pending", "TCD": "pending"}
    assert set(body["deliveries"][0]) == DELIVERY_FIELDS
    assert Delivery.objects.count() == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "seizure_notice"}, "kind"),
        ({"kind": "match"}, "kind"),
        ({"priority": "panic"}, "priority"),
        ({"recipients": []}, "recipients"),
        ({"recipients": ["XXX"]}, "recipients"),
        ({"recipients": ["KCS"]}, "recipients"),
        ({"title": ""}, "title"),
        ({"ack_due_at": "2020-01-01T00:00:00Z"}, "ack_due_at"),
        ({"ack_due_at": "tomorrow"}, "ack_due_at"),
        ({"seizure": "abc"}, "seizure"),
        ({"seizure": 99999999}, "seizure"),
        ({"operation": 99999999}, "operation"),
    ],
)
def test_bad_input_answers_400_on_the_field(api_as, kim, change, field):
    payload = {"recipients": ["TCD"], "kind": "lookout", "priority": "routine", "title": "t", **change}
    response = api_as(kim).post(url(), payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Alert.objects.exists()


def test_seizure_the_sender_cannot_see_is_refused_as_if_absent(api_as, kim, somchai):
    thai_draft = SeizureFactory(agency=agency("TCD"), status="draft")
    payload = {"recipients": ["GDVC"], "kind": "lookout", "priority": "routine", "title": "t"}
    response = api_as(kim).post(url(), {**payload, "seizure": thai_draft.pk}, format="json")
    assert response.status_code == 400
    assert "seizure" in response.json()
    own = SeizureFactory(agency=agency("KCS"))
    assert api_as(kim).post(url(), {**payload, "seizure": own.pk}, format="json").status_code == 201


# --- Listing -------------------------------------------------------------------------------


def test_inbox_sent_unacknowledged_and_kind_filters(api_as, kim, somchai, maria):
    to_thailand = lookout(kim)
    from_thailand = lookout(somchai, recipients=("KCS",), kind="pre_arrival")
    lookout(maria, recipients=("GDVC",))  # neither to nor from Korea
    client = api_as(kim)

    def ids(query=""):
        response = client.get(url() + query)
        assert response.status_code == 200
        return [a["id"] for a in response.json()["results"]]

    assert ids() == [from_thailand.pk, to_thailand.pk]
    assert ids("?box=inbox") == [from_thailand.pk]
    assert ids("?box=sent") == [to_thailand.pk]
    assert ids("?unacknowledged=true") == [from_thailand.pk]
    assert ids("?kind=lookout") == [to_thailand.pk]
    api_as(kim).post(url(from_thailand, "acknowledge"), {}, format="json")
    assert ids("?unacknowledged=true") == []


@pytest.mark.parametrize("query", ["?box=outbox", "?kind=nonsense", "?unacknowledged=maybe"])
def test_bad_filters_answer_400(api_as, kim, query):
    assert api_as(kim).get(url() + query).status_code == 400


def test_list_is_cursor_paginated(api_as, kim, somchai):
    for n in range(5):
        lookout(somchai, recipients=("KCS",), title=f"alert {n}")
    first = api_as(kim).get(url() + "?page_size=2").json()
    assert set(first) == {"next", "previous", "results"}
    assert len(first["results"]) == 2
    second = api_as(kim).get(first["next"]).json()
    assert [a["title"] for a in first["results"] + second["results"]] == ["alert 4", "alert 3", "alert 2", "alert 1"]


@pytest.mark.parametrize("page_size", [5, 50])
def test_list_runs_a_constant_number_of_queries(api_as, kim, somchai, django_assert_num_queries, page_size):
    for n in range(12):
        lookout(somchai, recipients=("KCS", "GDVC"), title=f"alert {n}")
    client = api_as(kim)
    # 1: the alerts page with their sender agencies; 2: their deliveries with agency and acknowledger.
    with django_assert_num_queries(2):
        response = client.get(url() + f"?page_size={page_size}")
    assert len(response.json()["results"]) == min(page_size, 12)
