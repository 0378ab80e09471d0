"""The alert pages: inbox with badge and filters, detail, acknowledge, new alert, preferences."""

from __future__ import annotations

import pytest

from cases.alerts.models import Alert, AlertPreference, Delivery
from cases.alerts.services import alert_create
from cases.choices import DeliveryStatus
from tests.factories import SeizureFactory, agency

pytestmark = pytest.mark.django_db


def lookout(by, recipients=("TCD",), **kwargs) -> Alert:
    defaults = {"kind": "lookout", "priority": "urgent", "title": "Container MSCU1234565"}
    return alert_create(by=by, recipients=list(recipients), **{**defaults, **kwargs})


def test_inbox_lists_alerts_to_my_agency_and_the_nav_badge_counts_them(client_as, kim, somchai):
    lookout(kim)
    lookout(kim, title="Second lookout")
    html = client_as(somchai).get("/alerts/").content.decode()
    assert "Container MSCU1234565" in html and "Second lookout" in html
    assert '<span class="badge" data-testid="nav-badge">2</span>' in html


def test_badge_counts_only_what_is_not_acknowledged(client_as, kim, somchai):
    alert = lookout(kim)
    client = client_as(somchai)
    client.post(f"/alerts/{alert.pk}/acknowledge/", {"outcome": ""})
    assert 'data-testid="nav-badge"' not in client.get("/alerts/").content.decode()


def test_inbox_filters_by_kind_and_sent_box(client_as, kim, somchai):
    lookout(kim, title="To Thailand")
    lookout(somchai, recipients=("KCS",), kind="pre_arrival", title="From Thailand")
    client = client_as(kim)
    inbox = client.get("/alerts/").content.decode()
    assert "From Thailand" in inbox and "To Thailand" not in inbox
    sent = client.get("/alerts/sent/").content.decode()
    assert "To Thailand" in sent and "From Thailand" not in sent
    by_kind = client.get("/alerts/?box=&kind=lookout").content.decode()
    assert "To Thailand" in by_kind and "From Thailand" not in by_kind


def test_recipient_opens_and_acknowledges_with_an_outcome(client_as, kim, somchai):
    alert = lookout(kim)
    client = client_as(somchai)
    page = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert f'action="/alerts/{alert.pk}/acknowledge/"' in page
    response = client.post(f"/alerts/{alert.pk}/acknowledge/", {"outcome": "Container held at Laem Chabang"})
    assert response.status_code == 302
    delivery = Delivery.objects.get(alert=alert)
    assert delivery.status == DeliveryStatus.ACKNOWLEDGED
    assert delivery.acknowledged_by == somchai
    assert "Container held at Laem Chabang" in client.get(f"/alerts/{alert.pk}/").content.decode()


def test_sender_sees_the_alert_but_cannot_acknowledge_it(client_as, kim):
    alert = lookout(kim)
    client = client_as(kim)
    page = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert "acknowledge/" not in page
    assert client.post(f"/alerts/{alert.pk}/acknowledge/", {"outcome": "x"}).status_code == 404


def test_outsider_gets_404(client_as, kim, maria):
    alert = lookout(kim)
    client = client_as(maria)
    assert client.get(f"/alerts/{alert.pk}/").status_code == 404
    assert client.post(f"/alerts/{alert.pk}/acknowledge/", {"outcome": "x"}).status_code == 404


def test_failed_delivery_error_is_shown_to_the_sender_and_the_recipient_admin_only(client_as, kim, somchai, malee):
    alert = lookout(kim)
    Delivery.objects.filter(alert=alert).update(
        status=DeliveryStatus.FAILED, last_error="webhook: the receiver answered HTTP 500"
    )
    assert "HTTP 500" in client_as(kim).get(f"/alerts/{alert.pk}/").content.decode()
    assert "HTTP 500" in client_as(malee).get(f"/alerts/{alert.pk}/").content.decode()
    assert "HTTP 500" not in client_as(somchai).get(f"/alerts/{alert.pk}/").content.decode()


def test_linked_seizure_is_a_link_only_where_the_reader_may_see_it(client_as, kim, somchai):
    private = SeizureFactory(agency=agency("KCS"), sharing="agency")
    alert = lookout(kim, seizure=private)
    assert f'href="/seizures/{private.pk}/"' in client_as(kim).get(f"/alerts/{alert.pk}/").content.decode()
    page = client_as(somchai).get(f"/alerts/{alert.pk}/").content.decode()
    assert f"/seizures/{private.pk}/" not in page
    assert private.reference not in page


def test_officer_sends_a_new_alert_from_the_form(client_as, kim):
    client = client_as(kim)
    assert client.get("/alerts/new/").status_code == 200
    response = client.post(
        "/alerts/new/",
        {"recipients": ["TCD", "GDVC"], "kind": "pre_arrival", "priority": "flash", "title": "MV Sea Star", "body": ""},
    )
    alert = Alert.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/alerts/{alert.pk}/"
    assert sorted(alert.deliveries.values_list("agency__code", flat=True)) == ["GDVC", "TCD"]


def test_new_alert_form_shows_field_errors(client_as, kim):
    response = client_as(kim).post(
        "/alerts/new/", {"recipients": ["TCD"], "kind": "lookout", "priority": "urgent", "title": "x", "seizure": 999}
    )
    assert response.status_code == 200
    assert "No seizure you can see has this reference." in response.content.decode()
    assert not Alert.objects.exists()


def test_new_alert_links_a_seizure_typed_by_reference(client_as, kim, kcs):
    seizure = SeizureFactory(agency=kcs, reference="KCS-2026-000777")
    client = client_as(kim)
    form = client.get("/alerts/new/").content.decode()
    assert '<option value="KCS-2026-000777">' in form  # the search box's suggestions
    response = client.post(
        "/alerts/new/",
        {"recipients": ["TCD"], "kind": "lookout", "priority": "urgent", "title": "x", "seizure": "kcs-2026-000777"},
    )
    assert response.status_code == 302
    assert Alert.objects.get().seizure == seizure


def test_agency_admin_may_not_send_alerts(client_as, lee):
    assert client_as(lee).get("/alerts/new/").status_code == 403


def test_agency_admin_sets_email_preferences(client_as, malee):
    client = client_as(malee)
    assert client.get("/alerts/preferences/").status_code == 200
    response = client.post(
        "/alerts/preferences/",
        {
            "email_enabled": "on",
            "email_kinds": ["seizure_notice", "controlled_delivery"],
            "email_drugs": ["heroin"],
            "routine_as_digest": "on",
        },
    )
    assert response.status_code == 302
    preference = AlertPreference.objects.get(agency__code="TCD")
    assert preference.email_kinds == ["controlled_delivery", "seizure_notice"]
    assert preference.email_drugs == ["heroin"]
    assert preference.email_transport_modes == []
    assert preference.routine_as_digest is True


@pytest.mark.parametrize("persona", ["somchai", "niran"])
def test_officers_and_coordinators_cannot_change_preferences(request, client_as, persona):
    client = client_as(request.getfixturevalue(persona))
    assert client.get("/alerts/preferences/").status_code == 403
    assert client.post("/alerts/preferences/", {"email_enabled": ""}).status_code == 403
