"""A pre-arrival alert from a line reaches the partner's inbox with the line's identifiers and route."""

from __future__ import annotations

from cases.alerts.models import Alert
from cases.targeting.models import ManifestLine
from tests.cases.targeting.conftest import cargo_line


def test_alert_carries_identifiers_and_route_to_the_partner(kim, somchai, send, api_as):
    send(kim, [cargo_line("DEC-9", origin_country="MM", transit_countries=["TH"])])
    line = ManifestLine.objects.get()
    response = api_as(kim).post(
        f"/api/v1/manifests/lines/{line.pk}/alert/", {"recipients": ["TCD"], "priority": "urgent"}, format="json"
    )
    assert response.status_code == 201, response.json()
    alert = Alert.objects.get(pk=response.json()["id"])
    assert alert.kind == "pre_arrival" and alert.priority == "urgent"
    assert "MM→TH→KR" in alert.title and "DEC-9" in alert.title
    assert "MSKU6043216" in alert.body
    inbox = api_as(somchai).get("/api/v1/alerts/?box=inbox").json()["results"]
    assert [a["id"] for a in inbox] == [alert.pk]
    # The score and its reasons stay with the sender.
    assert "score" not in alert.body.lower()


def test_alert_needs_partner_recipients(kim, send, api_as):
    send(kim, [cargo_line()])
    line = ManifestLine.objects.get()
    client = api_as(kim)
    url = f"/api/v1/manifests/lines/{line.pk}/alert/"
    assert client.post(url, {"recipients": []}, format="json").status_code == 400
    assert client.post(url, {"recipients": ["KCS"]}, format="json").status_code == 400
    assert client.post(url, {"recipients": ["NOPE"]}, format="json").status_code == 400
    assert Alert.objects.count() == 0
