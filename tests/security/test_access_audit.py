"""The access audit: an agency admin reads who from other agencies looked at its seizures."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from cases.seizures.models import SeizureAccess
from cases.seizures.services import seizure_record_access
from tests.factories import SeizureFactory, agency

pytestmark = pytest.mark.django_db

AUDIT = "/accounts/agency/audit/"
API = "/api/v1/audit/accesses/"


def _access(seizure, user, action: str, at: dt.datetime | None = None) -> SeizureAccess:
    seizure_record_access(seizure=seizure, user=user, action=action)
    row = SeizureAccess.objects.filter(seizure=seizure, user=user).latest("id")
    if at is not None:
        SeizureAccess.objects.filter(pk=row.pk).update(at=at)
        row.refresh_from_db()
    return row


@pytest.fixture
def korean_seizure(db):
    return SeizureFactory(agency=agency("KCS"), reference="KCS-2026-000001")


def test_agency_admin_sees_who_from_other_agencies_viewed_its_seizures(client_as, lee, somchai, maria, korean_seizure):
    thai_seizure = SeizureFactory(agency=agency("TCD"), reference="TCD-2026-000009")
    _access(korean_seizure, somchai, "view")
    _access(korean_seizure, maria, "export")
    _access(thai_seizure, maria, "view")  # not ours: not in our audit

    response = client_as(lee).get(AUDIT)

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(r.user.email, r.agency.code, r.action) for r in rows] == [
        ("maria@boc.test", "BOC", "export"),
        ("somchai@tcd.test", "TCD", "view"),
    ]
    body = response.content.decode()
    assert "KCS-2026-000001" in body
    assert "TCD-2026-000009" not in body


def test_audit_shows_times_in_the_readers_time_zone(client_as, lee, somchai, korean_seizure):
    _access(korean_seizure, somchai, "view", at=dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC))
    lee.timezone = "Asia/Seoul"
    lee.save(update_fields=["timezone"])

    body = client_as(lee).get(AUDIT).content.decode()

    assert "2026-03-02 08:30" in body


@pytest.mark.parametrize("persona", ["kim", "park", "platform_admin"])
def test_only_the_agency_admin_reads_the_audit(client_as, request, persona):
    user = request.getfixturevalue(persona)
    client = client_as(user)
    assert client.get(AUDIT).status_code == 403
    assert client.get(AUDIT + "export.csv").status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(AUDIT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("members:login"))


def test_thai_admin_sees_only_accesses_to_thai_seizures(client_as, malee, maria, korean_seizure):
    _access(korean_seizure, maria, "view")
    assert client_as(malee).get(AUDIT).context["rows"] == []


def test_audit_filters_by_agency_action_and_dates(client_as, lee, somchai, maria, korean_seizure):
    _access(korean_seizure, somchai, "view", at=dt.datetime(2026, 1, 10, 12, tzinfo=dt.UTC))
    _access(korean_seizure, maria, "view", at=dt.datetime(2026, 2, 10, 12, tzinfo=dt.UTC))
    _access(korean_seizure, maria, "export", at=dt.datetime(2026, 2, 11, 12, tzinfo=dt.UTC))
    client = client_as(lee)

    def actions(**params):
        return [(r.agency.code, r.action) for r in client.get(AUDIT, params).context["rows"]]

    assert actions(agency="BOC") == [("BOC", "export"), ("BOC", "view")]
    assert actions(action="view") == [("BOC", "view"), ("TCD", "view")]
    assert actions(since="2026-02-01", until="2026-02-10") == [("BOC", "view")]
    response = client.get(AUDIT, {"since": "2026-03-01", "until": "2026-02-01"})
    assert response.status_code == 200
    assert "until" in response.context["filter_form"].errors


def test_load_more_continues_after_the_last_row_without_repeats(client_as, lee, somchai, korean_seizure):
    base = timezone.now() - dt.timedelta(hours=1)
    for minute in range(5):
        _access(korean_seizure, somchai, "view", at=base + dt.timedelta(minutes=minute))
    # Two rows in the same instant: the id breaks the tie.
    _access(korean_seizure, somchai, "export", at=base)
    client = client_as(lee)

    seen = []
    url = AUDIT + "?page_size=2"
    while url:
        response = client.get(url)
        seen += [r.pk for r in response.context["rows"]]
        url = AUDIT + "?" + response.context["next_query"] if response.context["next_query"] else ""

    expected = list(SeizureAccess.objects.order_by("-at", "-id").values_list("pk", flat=True))
    assert seen == expected
    assert len(seen) == 6


@pytest.mark.parametrize("page_size", [2, 20])
def test_audit_page_query_count_does_not_grow_with_page_size(
    client_as, lee, somchai, korean_seizure, django_assert_num_queries, page_size
):
    for _ in range(25):
        _access(korean_seizure, somchai, "view")
    client = client_as(lee)
    client.get(AUDIT)  # warm the session
    # 1 session, 2 user, 3 OTP device, 4 the user's agency (time zone), 5 the accesses with
    # user, agency and seizure joined, 6 the agencies of the filter, 7 unacknowledged alerts
    # (nav badge), 8–10 session save (savepoint, update, release).
    with django_assert_num_queries(10):
        response = client.get(AUDIT, {"page_size": page_size})
    assert len(response.context["rows"]) == page_size


def test_csv_export_lists_the_filtered_accesses_and_defuses_formulas(client_as, lee, somchai, korean_seizure):
    somchai.full_name = "=HYPERLINK(1)"
    somchai.save(update_fields=["full_name"])
    _access(korean_seizure, somchai, "report")

    response = client_as(lee).get(AUDIT + "export.csv", {"action": "report"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["at", "agency", "user", "email", "action", "seizure", "rows"]
    assert rows[1][1:] == ["TCD", "'=HYPERLINK(1)", "somchai@tcd.test", "report", "KCS-2026-000001", "1"]
    assert len(rows) == 2


def test_audit_cannot_be_changed_from_the_app(client_as, lee, somchai, korean_seizure):
    row = _access(korean_seizure, somchai, "view")
    client = client_as(lee)
    assert client.post(AUDIT, {"id": row.pk}).status_code == 405
    assert SeizureAccess.objects.filter(pk=row.pk).exists()
    # Nobody edits it in the Django admin either: either not registered, or read-only.
    model_admin = admin.site._registry.get(SeizureAccess)
    if model_admin is not None:
        assert not model_admin.has_change_permission(None)
        assert not model_admin.has_delete_permission(None)
        assert not model_admin.has_add_permission(None)


def test_nav_shows_access_audit_to_agency_admins_only(client_as, lee, kim):
    assert "Access audit" in client_as(lee).get("/accounts/agency/").content.decode()
    assert "Access audit" not in client_as(kim).get("/accounts/agency/").content.decode()


# --- API ------------------------------------------------------------------------------------


def test_api_lists_accesses_for_the_agency_admin(api_as, lee, somchai, korean_seizure):
    _access(korean_seizure, somchai, "view")

    response = api_as(lee).get(API)

    assert response.status_code == 200
    [entry] = response.json()["results"]
    assert entry["agency"] == "TCD"
    assert entry["action"] == "view"
    assert entry["seizure"] == {"id": korean_seizure.pk, "reference": "KCS-2026-000001"}
    assert entry["user"]["email"] == "somchai@tcd.test"
    assert set(response.json()) == {"next", "previous", "results"}


def test_api_paginates_with_a_cursor(api_as, lee, somchai, korean_seizure):
    for _ in range(3):
        _access(korean_seizure, somchai, "view")
    client = api_as(lee)
    first = client.get(API, {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    ids = [e["id"] for e in first["results"] + second["results"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 3
    assert second["next"] is None


@pytest.mark.parametrize("persona", ["kim", "park", "platform_admin"])
def test_api_refuses_everyone_but_agency_admins(api_as, request, persona):
    assert api_as(request.getfixturevalue(persona)).get(API).status_code == 403


def test_api_rejects_a_bad_filter_with_the_field_named(api_as, lee):
    response = api_as(lee).get(API, {"action": "delete"})
    assert response.status_code == 400
    assert "action" in response.json()


def test_api_has_no_write_methods(api_as, lee):
    client = api_as(lee)
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)(API).status_code == 405


def test_api_anonymous_gets_401(api):
    assert api.get(API).status_code == 401


def test_one_export_reads_as_one_entry_with_its_row_count(client_as, lee, somchai, api_as):
    for _ in range(3):
        SeizureFactory(agency=agency("KCS"))
    api_as(somchai).get("/api/v1/seizures/export.csv").getvalue()

    response = client_as(lee).get(AUDIT)

    rows = response.context["rows"]
    assert [(r.agency.code, r.action, r.rows, r.seizure_id) for r in rows] == [("TCD", "export", 3, None)]
    assert "3 seizures" in response.content.decode()
