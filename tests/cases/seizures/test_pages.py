"""The seizure pages: list, filters, load more, detail, buttons by role and state, export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.choices import Drug, Unit
from cases.seizures.models import Seizure, SeizureAccess, SeizureIdentifier, SeizureTransit
from tests.factories import SeizureFactory

pytestmark = pytest.mark.django_db

LIST = reverse("seizures:list")


def rows_of(response) -> list[str]:
    """References listed on a list page, in order."""
    return [s.reference for s in response.context["seizures"]]


# --- list: visibility, filters, load more -----------------------------------------------------


def test_list_shows_only_visible_seizures(client_as, kim, maria, tcd, kcs):
    shared = SeizureFactory(agency=kcs, sharing="members")
    tcd_private = SeizureFactory(agency=tcd, sharing="agency")
    tcd_public = SeizureFactory(agency=tcd, sharing="members")
    tcd_draft = SeizureFactory(agency=tcd, sharing="members", status="draft")

    seen_by_kim = rows_of(client_as(kim).get(LIST))
    assert shared.reference in seen_by_kim
    assert tcd_public.reference in seen_by_kim
    assert tcd_private.reference not in seen_by_kim
    assert tcd_draft.reference not in seen_by_kim

    response = client_as(maria).get(LIST)
    assert set(rows_of(response)) == {shared.reference, tcd_public.reference}
    assert tcd_private.reference not in response.content.decode()


def test_list_shows_own_drafts(client_as, kim, kcs):
    draft = SeizureFactory(agency=kcs, status="draft", sharing="agency")
    assert rows_of(client_as(kim).get(LIST)) == [draft.reference]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"drug": "heroin"}, {"heroin"}),
        ({"origin_country": "MM"}, {"heroin"}),
        ({"destination_country": "JP"}, {"heroin"}),
        ({"transport_mode": "air_passenger"}, {"heroin"}),
        ({"detection_method": "detector_dog"}, {"heroin"}),
        ({"status": "draft"}, {"draft"}),
        ({"agency": "TCD"}, {"heroin"}),
        ({"country": "TH"}, {"heroin"}),
        ({"q": "suitcase lining"}, {"heroin"}),
        ({"transit_country": "LA"}, {"heroin"}),
        ({"identifier": "csqu 305438-3"}, {"meth"}),
        ({"occurred_after": "2026-01-01", "occurred_before": "2026-01-31"}, {"heroin"}),
        ({}, {"heroin", "meth", "draft"}),
    ],
)
def test_list_filters(client_as, kim, kcs, tcd, params, expected):
    made = {
        "meth": SeizureFactory(agency=kcs, occurred_at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC)),
        "heroin": SeizureFactory(
            agency=tcd,
            occurred_at=dt.datetime(2026, 1, 15, 10, tzinfo=dt.UTC),
            origin_country="MM",
            destination_country="JP",
            transport_mode="air_passenger",
            detection_method="detector_dog",
            concealment="Suitcase lining",
            items=[(Drug.HEROIN, Decimal("2"), Unit.KG)],
        ),
        "draft": SeizureFactory(agency=kcs, status="draft", occurred_at=dt.datetime(2024, 3, 1, tzinfo=dt.UTC)),
    }
    SeizureIdentifier.objects.create(
        seizure=made["meth"], kind="container", value="CSQU3054383", normalized="CSQU3054383"
    )
    SeizureTransit.objects.create(seizure=made["heroin"], country="LA", position=0)
    response = client_as(kim).get(LIST, params)
    assert response.status_code == 200
    assert set(rows_of(response)) == {made[name].reference for name in expected}


def test_list_invalid_filter_is_shown_on_its_field(client_as, kim):
    response = client_as(kim).get(LIST, {"drug": "sugar"})
    assert response.status_code == 200
    assert "drug" in response.context["filter_form"].errors


def _next_url(response) -> str | None:
    query = response.context["next_query"]
    return f"{LIST}?{query}" if query else None


def test_load_more_returns_the_next_page_without_overlap(client_as, kim, kcs):
    base = timezone.now() - dt.timedelta(days=1)
    # Two share the same moment: the id breaks the tie so none is skipped or repeated.
    made = [SeizureFactory(agency=kcs, occurred_at=base - dt.timedelta(hours=h)) for h in (0, 1, 1, 2, 3)]
    expected = [s.reference for s in sorted(made, key=lambda s: (s.occurred_at, s.pk), reverse=True)]
    client = client_as(kim)

    first = client.get(LIST, {"page_size": 2})
    assert rows_of(first) == expected[:2]
    next_url = _next_url(first)
    assert "after=" in next_url and "page_size=2" in next_url
    second = client.get(next_url)
    assert rows_of(second) == expected[2:4]
    third = client.get(_next_url(second))
    assert rows_of(third) == expected[4:]
    assert _next_url(third) is None


def test_load_more_link_keeps_filters_and_targets_the_rows_for_htmx(client_as, kim, kcs):
    for h in range(3):
        SeizureFactory(agency=kcs, occurred_at=timezone.now() - dt.timedelta(hours=h + 1))
    SeizureFactory(agency=kcs, transport_mode="postal")
    response = client_as(kim).get(LIST, {"page_size": 2, "transport_mode": "sea_container"})
    query = parse_qs(urlparse(_next_url(response)).query)
    assert query["transport_mode"] == ["sea_container"]
    html = response.content.decode()
    assert 'hx-target="#seizure-rows"' in html and 'hx-swap="beforeend"' in html
    assert 'hx-get="?' in html
    following = client_as(kim).get(_next_url(response), HTTP_HX_REQUEST="true")
    assert len(rows_of(following)) == 1


def test_list_query_count_does_not_grow_with_the_page(client_as, kim, kcs, django_assert_num_queries):
    for h in range(25):
        SeizureFactory(agency=kcs, occurred_at=timezone.now() - dt.timedelta(hours=h + 1))
    client = client_as(kim)
    client.get(LIST)  # warm the session
    # 1 session, 2 user, 3 the user's OTP devices, 4 the user's agency (time zone), 5 agencies
    # of the filter form, 6 seizures (+agency, reporter, operation, verifier), 7 items,
    # 8 identifiers, 9 persons, 10 shared_with, 11 the navigation's unacknowledged-alert badge,
    # 12 operations of the filter form, 13 the count of matches (bounded), 14-16 session save
    # (savepoint, update, release).
    for size in (5, 20):
        with django_assert_num_queries(16):
            response = client.get(LIST, {"page_size": size})
        assert len(rows_of(response)) == size


# --- detail: 404 / 403 ------------------------------------------------------------------------


def test_detail_of_invisible_seizure_is_404(client_as, maria, tcd):
    private = SeizureFactory(agency=tcd, sharing="agency")
    draft = SeizureFactory(agency=tcd, status="draft")
    client = client_as(maria)
    assert client.get(reverse("seizures:detail", args=[private.pk])).status_code == 404
    assert client.get(reverse("seizures:detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("seizures:edit", args=[private.pk])).status_code == 404
    assert client.post(reverse("seizures:submit", args=[draft.pk])).status_code == 404


def test_partner_sees_detail_and_access_is_recorded(client_as, somchai, kcs):
    seizure = SeizureFactory(agency=kcs, sharing="members", origin_country="TH", destination_country="KR")
    response = client_as(somchai).get(reverse("seizures:detail", args=[seizure.pk]))
    assert response.status_code == 200
    assert "Thailand" in response.content.decode()
    assert SeizureAccess.objects.filter(seizure=seizure, user=somchai, action="view").count() == 1


def test_partner_may_not_edit_or_change_state(client_as, somchai, kcs):
    seizure = SeizureFactory(agency=kcs, sharing="members")
    client = client_as(somchai)
    assert client.get(reverse("seizures:edit", args=[seizure.pk])).status_code == 403
    assert client.post(reverse("seizures:verify", args=[seizure.pk])).status_code == 403
    assert client.post(reverse("seizures:delete", args=[seizure.pk])).status_code == 403


def test_agency_admin_may_not_log_or_edit(client_as, lee, kcs):
    seizure = SeizureFactory(agency=kcs, status="draft")
    client = client_as(lee)
    assert client.get(reverse("seizures:create")).status_code == 403
    assert client.get(reverse("seizures:edit", args=[seizure.pk])).status_code == 403


def test_state_changes_are_post_only(client_as, kim, kcs):
    seizure = SeizureFactory(agency=kcs, status="draft")
    assert client_as(kim).get(reverse("seizures:submit", args=[seizure.pk])).status_code == 405
    seizure.refresh_from_db()
    assert seizure.status == "draft"


def test_state_changes_need_csrf(kim, kcs):
    from django.test import Client

    seizure = SeizureFactory(agency=kcs, status="draft")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(kim)
    assert strict.post(reverse("seizures:submit", args=[seizure.pk])).status_code == 403
    seizure.refresh_from_db()
    assert seizure.status == "draft"


# --- buttons by role and state ----------------------------------------------------------------


def _actions(response):
    return response.context["actions"]


def test_officer_sees_submit_and_delete_on_a_draft_but_not_verify(client_as, kim, kcs):
    draft = SeizureFactory(agency=kcs, status="draft")
    response = client_as(kim).get(reverse("seizures:detail", args=[draft.pk]))
    html = response.content.decode()
    assert reverse("seizures:submit", args=[draft.pk]) in html
    assert reverse("seizures:delete", args=[draft.pk]) in html
    assert reverse("seizures:verify", args=[draft.pk]) not in html
    assert _actions(response).edit and not _actions(response).amend


def test_only_the_owning_coordinator_sees_verify_on_a_submitted_seizure(client_as, kim, park, niran, kcs):
    submitted = SeizureFactory(agency=kcs, status="submitted")
    verify_url = reverse("seizures:verify", args=[submitted.pk])
    detail = reverse("seizures:detail", args=[submitted.pk])
    assert verify_url in client_as(park).get(detail).content.decode()
    assert verify_url not in client_as(kim).get(detail).content.decode()
    partner_view = client_as(niran).get(detail)
    assert verify_url not in partner_view.content.decode()
    assert _actions(partner_view) == type(_actions(partner_view))()  # no button at all


def test_verified_seizure_offers_amend_not_edit_or_submit(client_as, kim, kcs):
    verified = SeizureFactory(agency=kcs, status="verified")
    response = client_as(kim).get(reverse("seizures:detail", args=[verified.pk]))
    actions = _actions(response)
    assert actions.amend and not (actions.edit or actions.submit or actions.verify or actions.delete)
    assert "Amend" in response.content.decode()


def test_submit_then_verify_through_the_pages(client_as, kim, park, kcs):
    draft = SeizureFactory(agency=kcs, status="draft")
    response = client_as(kim).post(reverse("seizures:submit", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "submitted"
    response = client_as(park).post(reverse("seizures:verify", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "verified"


def test_wrong_state_answers_the_409_page(client_as, kim, park, kcs):
    submitted = SeizureFactory(agency=kcs, status="submitted")
    response = client_as(kim).post(reverse("seizures:submit", args=[submitted.pk]))
    assert response.status_code == 409
    assert "Only a draft" in response.content.decode()
    assert client_as(kim).post(reverse("seizures:delete", args=[submitted.pk])).status_code == 409
    assert Seizure.objects.filter(pk=submitted.pk).exists()
    draft = SeizureFactory(agency=kcs, status="draft")
    assert client_as(park).post(reverse("seizures:verify", args=[draft.pk])).status_code == 409


def test_officer_cannot_verify(client_as, kim, kcs):
    submitted = SeizureFactory(agency=kcs, status="submitted")
    assert client_as(kim).post(reverse("seizures:verify", args=[submitted.pk])).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_delete_a_draft(client_as, kim, kcs):
    draft = SeizureFactory(agency=kcs, status="draft")
    response = client_as(kim).post(reverse("seizures:delete", args=[draft.pk]))
    assert response.status_code == 302 and response["Location"] == LIST
    assert not Seizure.objects.filter(pk=draft.pk).exists()


# --- export -----------------------------------------------------------------------------------


def test_export_contains_the_filtered_visible_rows(client_as, somchai, kcs, tcd):
    meth = SeizureFactory(agency=kcs, sharing="members", transport_mode="postal")
    SeizureFactory(agency=kcs, sharing="members", transport_mode="sea_container")
    private = SeizureFactory(agency=kcs, sharing="agency", transport_mode="postal")
    response = client_as(somchai).get(reverse("seizures:export"), {"transport_mode": "postal"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    # The pages export the same columns as GET /api/v1/seizures/export.csv.
    assert body.splitlines()[0].split(",") == [
        "reference", "external_reference", "agency", "status", "occurred_at", "country", "location", "transport_mode",
        "detection_method", "concealment", "origin_country", "transit_countries", "destination_country",
        "operation", "sharing", "drugs", "items", "total_weight_kg", "tablets", "items_without_weight",
        "identifiers", "persons",
    ]  # fmt: skip
    assert [r["reference"] for r in rows] == [meth.reference]
    assert rows[0]["agency"] == "KCS" and rows[0]["transport_mode"] == "postal"
    assert private.reference not in body
    assert list(SeizureAccess.objects.filter(user=somchai, action="export").values_list("owner__code", "rows")) == [
        ("KCS", 1)
    ]


def test_export_link_carries_the_current_filter(client_as, kim):
    response = client_as(kim).get(LIST, {"drug": "heroin", "origin_country": "MM"})
    html = response.content.decode()
    assert reverse("seizures:export") + "?drug=heroin&amp;origin_country=MM" in html


def test_export_refuses_spreadsheet_formulas(client_as, kim, kcs):
    SeizureFactory(agency=kcs, location="=HYPERLINK(1)")
    body = b"".join(client_as(kim).get(reverse("seizures:export")).streaming_content).decode()
    assert "'=HYPERLINK(1)" in body


def test_anonymous_is_sent_to_sign_in(client, kcs):
    seizure = SeizureFactory(agency=kcs)
    for url in (LIST, reverse("seizures:detail", args=[seizure.pk]), reverse("seizures:export")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
