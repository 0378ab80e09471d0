"""A blind match tells the agency who to ask and nothing more: API, pages and alert text."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.alerts.models import Alert
from cases.matching.models import AccessRequest, Match
from cases.seizures.models import Seizure, SeizureRevision

pytestmark = pytest.mark.django_db

SECRETS = ("Secret warehouse 7", "False floor of a reefer", "CODE-NIGHTJAR")


@pytest.fixture
def hidden_pair(record, kim, somchai):
    """A Thai seizure kept to its own agency, matched by a Korean seizure shared with all."""
    thai = record(somchai, [("container", "CSQU 305438-3")], sharing="agency")
    korean = record(kim, [("container", "CSQU3054383")])
    assert not Seizure.objects.visible_to(kim).filter(pk=thai.pk).exists()
    return thai, korean


def _leaks(text: str, hidden: Seizure) -> list[str]:
    found = [s for s in (*SECRETS, hidden.reference) if s in text]
    if f"/seizures/{hidden.pk}/" in text:
        found.append("link")
    return found


def test_api_names_the_hidden_agency_but_not_its_seizure(hidden_pair, api_as, kim):
    thai, korean = hidden_pair

    response = api_as(kim).get("/api/v1/matches/")

    assert response.status_code == 200
    [match] = response.json()["results"]
    assert match["kind"] == "container"
    assert match["normalized"] == "CSQU3054383"
    assert set(match) == {"id", "kind", "normalized", "seizures", "created_at"}
    assert {"agency": "KCS", "id": korean.pk, "reference": korean.reference} in match["seizures"]
    assert {"agency": "TCD", "id": None, "reference": None} in match["seizures"]
    assert _leaks(response.content.decode(), thai) == []


def test_owner_sees_both_sides_when_the_other_is_shared(hidden_pair, api_as, somchai):
    thai, korean = hidden_pair

    [match] = api_as(somchai).get("/api/v1/matches/").json()["results"]

    assert {"agency": "KCS", "id": korean.pk, "reference": korean.reference} in match["seizures"]
    assert {"agency": "TCD", "id": thai.pk, "reference": thai.reference} in match["seizures"]


def test_outsider_sees_no_match(hidden_pair, api_as, maria):
    assert api_as(maria).get("/api/v1/matches/").json()["results"] == []
    match = Match.objects.get()
    assert api_as(maria).post(f"/api/v1/matches/{match.pk}/request-access/").status_code == 404


def test_matches_page_shows_agency_and_request_button_only(hidden_pair, client_as, kim):
    thai, korean = hidden_pair

    response = client_as(kim).get(reverse("matching:list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert korean.reference in html
    assert "TCD" in html
    assert "Request access" in html
    assert _leaks(html, thai) == []


def test_match_alert_text_leaks_nothing_of_the_hidden_seizure(hidden_pair):
    thai, korean = hidden_pair

    korean_alerts = Alert.objects.filter(kind="match", deliveries__agency__code="KCS")

    assert korean_alerts.count() == 1
    alert = korean_alerts.get()
    assert alert.seizure_id != thai.pk
    assert _leaks(f"{alert.title}\n{alert.body}", thai) == []


def test_linked_panel_is_blind_for_the_party_and_absent_for_a_third_agency(hidden_pair, kim, maria):
    from cases.matching.selectors import linked_seizures_for

    thai, korean = hidden_pair

    [row] = linked_seizures_for(kim, korean)
    assert row.other.blind
    assert (row.other.agency_code, row.other.id, row.other.reference) == ("TCD", None, None)
    # BOC can see the Korean seizure but is no party: it must not learn a hidden seizure exists.
    assert linked_seizures_for(maria, korean) == []


def test_linked_panel_template_renders_without_leaks(hidden_pair, kim, rf):
    from django.template.loader import render_to_string

    thai, korean = hidden_pair
    request = rf.get("/")
    request.user = kim

    html = render_to_string("matching/_linked_panel.html", {"seizure": korean}, request=request)

    assert "TCD" in html
    assert _leaks(html, thai) == []


def test_request_access_alerts_the_owner_once_and_grant_shares(hidden_pair, api_as, client_as, kim, niran):
    thai, korean = hidden_pair
    match = Match.objects.get()

    first = api_as(kim).post(f"/api/v1/matches/{match.pk}/request-access/")
    again = api_as(kim).post(f"/api/v1/matches/{match.pk}/request-access/")

    assert first.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    request_alerts = Alert.objects.filter(seizure=thai, deliveries__agency__code="TCD").exclude(kind="match")
    assert request_alerts.count() == 1

    access_request = AccessRequest.objects.get()
    response = client_as(niran).post(reverse("matching:grant_access", args=[access_request.pk]))

    assert response.status_code == 302
    assert Seizure.objects.visible_to(kim).filter(pk=thai.pk).exists()
    assert SeizureRevision.objects.filter(seizure=thai, action="shared", by=niran).exists()
    [row] = api_as(kim).get("/api/v1/matches/").json()["results"]
    assert {"agency": "TCD", "id": thai.pk, "reference": thai.reference} in row["seizures"]


def test_only_the_owning_agency_grants(hidden_pair, api_as, client_as, kim, park):
    match = Match.objects.get()
    api_as(kim).post(f"/api/v1/matches/{match.pk}/request-access/")
    access_request = AccessRequest.objects.get()

    # Park (KCS) is not the owner: the request is not even visible to him.
    assert client_as(park).post(reverse("matching:grant_access", args=[access_request.pk])).status_code == 404


def test_agency_admin_cannot_request_access(hidden_pair, api_as, lee):
    match = Match.objects.get()

    assert api_as(lee).post(f"/api/v1/matches/{match.pk}/request-access/").status_code == 403


def test_requesting_a_visible_seizure_conflicts(record, api_as, kim, somchai):
    record(somchai, [("container", "CSQU3054383")])
    record(kim, [("container", "CSQU3054383")])
    match = Match.objects.get()

    assert api_as(kim).post(f"/api/v1/matches/{match.pk}/request-access/").status_code == 409


@pytest.mark.parametrize("page_size", [1, 50])
def test_match_list_query_count_is_fixed(record, api_as, kim, somchai, page_size, django_assert_num_queries):
    for n in range(3):
        value = f"M{n:08d}"
        record(somchai, [("passport", value)], sharing="agency")
        record(kim, [("passport", value)])
    client = api_as(kim)

    # Queries: 1 the page of matches, both sides' visibility and access requests as EXISTS.
    with django_assert_num_queries(1):
        response = client.get(f"/api/v1/matches/?page_size={page_size}")
    assert len(response.json()["results"]) == min(page_size, 3)


def test_seizure_page_shows_the_linked_panel_without_leaks(hidden_pair, client_as, kim):
    thai, korean = hidden_pair

    html = client_as(kim).get(reverse("seizures:detail", args=[korean.pk])).content.decode()

    assert 'data-testid="linked-seizures"' in html
    assert "Request access" in html
    # The page shows the Korean seizure's own details; of the Thai one, nothing.
    assert thai.reference not in html
    assert f"/seizures/{thai.pk}/" not in html
