"""The lookout pages: field errors with the input kept, one-click from a seizure, hits and badges."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.lookouts.models import Lookout

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {
        "title": "Reefer watch",
        "reason": "Tip",
        "expires_at": (timezone.localtime() + dt.timedelta(days=20)).strftime("%Y-%m-%dT%H:%M"),
        "sharing": "members",
        "values-TOTAL_FORMS": "2",
        "values-INITIAL_FORMS": "0",
        "values-0-kind": "container",
        "values-0-value": "csqu 305438-3",
        "values-1-kind": "",  # the untouched spare row
        "values-1-value": "",
    }
    data.update(overrides)
    return data


def test_bad_value_is_shown_on_its_row_with_the_input_kept(client_as, somchai):
    response = client_as(somchai).post("/lookouts/new/", _form(**{"values-0-value": "CSQU3054384"}))

    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="CSQU3054384"' in html
    assert 'value="Reefer watch"' in html
    assert response.context["values"].forms[0].errors["value"]
    assert not Lookout.objects.exists()


def test_expiry_beyond_a_year_is_refused_on_its_field(client_as, somchai):
    late = (timezone.localtime() + dt.timedelta(days=400)).strftime("%Y-%m-%dT%H:%M")
    response = client_as(somchai).post("/lookouts/new/", _form(expires_at=late))

    assert response.status_code == 400
    assert response.context["form"].errors["expires_at"]
    assert not Lookout.objects.exists()


def test_create_then_detail_and_edit(client_as, somchai):
    client = client_as(somchai)
    response = client.post("/lookouts/new/", _form())
    lookout = Lookout.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/lookouts/{lookout.pk}/"
    page = client.get(f"/lookouts/{lookout.pk}/").content.decode()
    assert "CSQU3054383" in page

    edit = client.get(f"/lookouts/{lookout.pk}/edit/").content.decode()
    assert 'value="csqu 305438-3"' in edit
    form = _form(title="Reefer watch 2", **{"values-TOTAL_FORMS": "1"})
    assert client.post(f"/lookouts/{lookout.pk}/edit/", form).status_code == 302
    lookout.refresh_from_db()
    assert lookout.title == "Reefer watch 2"


def test_one_click_lookout_from_a_seizure(client_as, record, kim, somchai):
    seizure = record(kim, [("container", "CSQU3054383"), ("phone", "+66 81 234 5678")])
    client = client_as(somchai)
    assert 'data-testid="watch-identifiers"' in client.get(f"/seizures/{seizure.pk}/").content.decode()

    response = client.post(f"/lookouts/from-seizure/{seizure.pk}/")

    lookout = Lookout.objects.get()
    assert response["Location"] == f"/lookouts/{lookout.pk}/"
    assert lookout.agency.code == "TCD"
    assert sorted(lookout.values.values_list("normalized", flat=True)) == ["+66812345678", "CSQU3054383"]


def test_blind_hit_is_marked_and_new_hits_badge_clears_when_opened(client_as, record, watch, somchai, kim):
    lookout = watch(somchai, [("container", "CSQU3054383")])
    hidden = record(kim, [("container", "CSQU3054383")], sharing="agency")
    client = client_as(somchai)

    listing = client.get("/lookouts/").content.decode()
    assert 'data-testid="new-hits"' in listing
    detail = client.get(f"/lookouts/{lookout.pk}/").content.decode()
    assert 'data-blind="true"' in detail
    assert hidden.reference not in detail
    assert "Request access" in detail
    assert 'data-testid="new-hits"' not in client.get("/lookouts/").content.decode()
