"""Agencies, agency settings and users over the API: who sees what, who changes what."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from knox.models import AuthToken

from members.models import Agency, Role, User

AGENCIES = "/api/v1/agencies/"
USERS = "/api/v1/users/"
MEMBER_CODES = ["BOC", "DJBC", "GDCE", "GDVC", "KCS", "LCD", "MCD", "RCED", "RMCD", "SC", "TCD"]


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def settings_url(code: str) -> str:
    return f"{AGENCIES}{code}/settings/"


def user_url(user) -> str:
    return f"{USERS}{user.pk}/"


# --- Agencies ------------------------------------------------------------------------------


def test_agencies_lists_the_eleven_members_ordered_by_code(api_as, kim):
    response = api_as(kim).get(AGENCIES)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"next", "previous", "results"}
    assert [a["code"] for a in body["results"]] == MEMBER_CODES
    assert body["results"][MEMBER_CODES.index("KCS")] == {
        "code": "KCS",
        "name": "Korea Customs Service",
        "country": "KR",
        "timezone": "Asia/Seoul",
        "is_active": True,
    }


def test_agencies_are_paginated_by_cursor(api_as, kim):
    client = api_as(kim)
    first = client.get(AGENCIES, {"page_size": 5}).json()
    assert [a["code"] for a in first["results"]] == MEMBER_CODES[:5]
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    assert [a["code"] for a in second["results"] + third["results"]] == MEMBER_CODES[5:]
    assert third["next"] is None


@pytest.mark.parametrize("page_size", [2, 11])
def test_agency_list_query_count_does_not_grow_with_page_size(api_as, kim, django_assert_num_queries, page_size):
    client = api_as(kim)
    # 1: the agencies of the page (cursor pagination: no COUNT).
    with django_assert_num_queries(1):
        response = client.get(AGENCIES, {"page_size": page_size})
    assert len(response.json()["results"]) == page_size


def test_agency_detail_and_404_for_an_unknown_code(api_as, kim):
    client = api_as(kim)
    assert client.get(f"{AGENCIES}TCD/").json()["name"] == "Thai Customs Department"
    assert client.get(f"{AGENCIES}NOPE/").status_code == 404


def test_agencies_need_authentication(api):
    assert api.get(AGENCIES).status_code == 401


def test_platform_admin_adds_and_changes_an_agency(api_as, platform_admin):
    client = api_as(platform_admin)
    created = client.post(
        AGENCIES, {"code": "ABF", "name": "Australian Border Force", "country": "AU", "timezone": "Australia/Sydney"}
    )
    assert created.status_code == 201
    assert created.json() == {
        "code": "ABF",
        "name": "Australian Border Force",
        "country": "AU",
        "timezone": "Australia/Sydney",
        "is_active": True,
    }
    changed = client.patch(f"{AGENCIES}ABF/", {"is_active": False})
    assert changed.status_code == 200
    assert changed.json()["is_active"] is False


@pytest.mark.parametrize(
    "payload",
    [
        {"code": "kcs", "name": "x", "country": "KR", "timezone": "Asia/Seoul"},
        {"code": "NEW", "name": "x", "country": "Korea", "timezone": "Asia/Seoul"},
        {"code": "NEW", "name": "x", "country": "KR", "timezone": "Mars/Olympus"},
        {"code": "KCS", "name": "duplicate", "country": "KR", "timezone": "Asia/Seoul"},
    ],
)
def test_bad_agency_input_is_refused_field_by_field(api_as, platform_admin, payload):
    response = api_as(platform_admin).post(AGENCIES, payload)
    assert response.status_code == 400
    assert Agency.objects.count() == 11


@pytest.mark.parametrize("persona", ["kim", "park", "lee"])
def test_agency_users_cannot_add_or_change_agencies(db, request, api_as, persona):
    client = api_as(request.getfixturevalue(persona))
    assert (
        client.post(AGENCIES, {"code": "NEW", "name": "x", "country": "KR", "timezone": "Asia/Seoul"}).status_code
        == 403
    )
    assert client.patch(f"{AGENCIES}TCD/", {"is_active": False}).status_code == 403
    assert Agency.objects.get(code="TCD").is_active


# --- Agency settings -----------------------------------------------------------------------


def test_agency_admin_reads_and_changes_own_settings_and_the_secret_is_never_echoed(api_as, lee, kcs):
    client = api_as(lee)
    response = client.patch(
        settings_url("KCS"),
        {
            "contact_email": "ops@kcs.test",
            "webhook_url": "https://hooks.kcs.example/crackdown",
            "webhook_secret": "s3cr3t-never-echoed",
            "webhook_enabled": True,
        },
    )
    assert response.status_code == 200
    assert "s3cr3t-never-echoed" not in response.content.decode()
    assert response.json() == {
        "contact_email": "ops@kcs.test",
        "webhook_url": "https://hooks.kcs.example/crackdown",
        "webhook_enabled": True,
        "webhook_secret_set": True,
    }
    read = client.get(settings_url("KCS"))
    assert "s3cr3t-never-echoed" not in read.content.decode()
    assert "webhook_secret" not in read.json()
    kcs.refresh_from_db()
    assert kcs.webhook_secret == "s3cr3t-never-echoed"


def test_secret_is_encrypted_at_rest(api_as, lee):
    from django.db import connection

    api_as(lee).patch(settings_url("KCS"), {"webhook_secret": "s3cr3t-never-echoed"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT webhook_secret FROM members_agency WHERE code = 'KCS'")
        (raw,) = cursor.fetchone()
    assert "s3cr3t-never-echoed" not in raw


def test_platform_admin_manages_any_agencys_settings(api_as, platform_admin):
    response = api_as(platform_admin).patch(settings_url("TCD"), {"contact_email": "ops@tcd.test"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("persona", "code", "expected"), [("kim", "KCS", 403), ("park", "KCS", 403), ("malee", "KCS", 403)]
)
def test_only_the_agencys_admin_reads_its_settings(db, request, api_as, persona, code, expected):
    client = api_as(request.getfixturevalue(persona))
    assert client.get(settings_url(code)).status_code == expected
    assert client.patch(settings_url(code), {"contact_email": "evil@x.test"}).status_code == expected
    assert Agency.objects.get(code=code).contact_email != "evil@x.test"


def test_settings_of_an_unknown_agency_are_404(api_as, lee):
    assert api_as(lee).get(settings_url("NOPE")).status_code == 404


def test_webhook_must_be_https_in_production(api_as, lee, settings):
    settings.DEBUG = False
    client = api_as(lee)
    for url in ["http://hooks.kcs.example/x", "https://127.0.0.1/x", "https://localhost/x", "https://10.0.0.1/x"]:
        response = client.patch(settings_url("KCS"), {"webhook_url": url})
        assert response.status_code == 400, url
        assert "webhook_url" in response.json()


def test_http_and_an_operator_allowed_loopback_webhook_are_accepted_with_debug_on(api_as, lee, settings):
    settings.DEBUG = True
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    response = api_as(lee).patch(
        settings_url("KCS"),
        {"webhook_url": "http://127.0.0.1:9000/hook", "webhook_secret": "local-test", "webhook_enabled": True},
    )
    assert response.status_code == 200


def test_enabled_webhook_needs_url_and_secret(api_as, lee):
    response = api_as(lee).patch(settings_url("KCS"), {"webhook_enabled": True})
    assert response.status_code == 400
    assert set(response.json()) >= {"webhook_url", "webhook_secret"}


# --- Users ---------------------------------------------------------------------------------


def test_agency_admin_lists_only_own_agencys_users(api_as, lee, kim, park, somchai, malee):
    response = api_as(lee).get(USERS)
    assert response.status_code == 200
    emails = [u["email"] for u in response.json()["results"]]
    assert emails == ["kim@kcs.test", "lee@kcs.test", "park@kcs.test"]
    assert response.json()["results"][0] == {
        "id": kim.pk,
        "email": "kim@kcs.test",
        "full_name": "Kim",
        "role": "officer",
        "agency": "KCS",
        "is_active": True,
    }


@pytest.mark.parametrize("page_size", [1, 20])
def test_user_list_query_count_does_not_grow_with_page_size(
    api_as, lee, kim, park, django_assert_num_queries, page_size
):
    from tests.factories import UserFactory

    UserFactory.create_batch(20)
    client = api_as(lee)
    # 1: the users of the page joined with their agency (cursor pagination: no COUNT).
    with django_assert_num_queries(1):
        response = client.get(USERS, {"page_size": page_size})
    assert len(response.json()["results"]) == page_size


@pytest.mark.parametrize("persona", ["kim", "park", "platform_admin"])
def test_only_agency_admins_manage_users(db, request, api_as, persona, somchai):
    client = api_as(request.getfixturevalue(persona))
    assert client.get(USERS).status_code == 403
    assert (
        client.post(
            USERS, {"email": "x@kcs.test", "full_name": "X", "role": "officer", "password": "long-enough-pass-42"}
        ).status_code
        == 403
    )


def test_colleague_who_is_not_admin_gets_403_on_a_user(api_as, kim, park):
    assert api_as(kim).get(user_url(park)).status_code == 403


def test_agency_admin_cannot_see_or_change_another_agencys_user(api_as, lee, somchai):
    client = api_as(lee)
    assert client.get(user_url(somchai)).status_code == 404
    assert client.patch(user_url(somchai), {"role": "agency_admin", "is_active": False}).status_code == 404
    somchai.refresh_from_db()
    assert somchai.role == Role.OFFICER
    assert somchai.is_active


def test_absent_user_is_404(api_as, lee):
    assert api_as(lee).get(f"{USERS}999999/").status_code == 404


def test_agency_admin_creates_a_user_in_own_agency(api_as, lee):
    response = api_as(lee).post(
        USERS,
        {"email": "New@kcs.test", "full_name": "New Officer", "role": "coordinator", "password": "long-enough-pass-42"},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["agency"] == "KCS"
    assert body["email"] == "new@kcs.test"
    assert "password" not in body
    created = User.objects.get(pk=body["id"])
    assert created.check_password("long-enough-pass-42")


def test_agency_admin_cannot_create_a_user_in_another_agency(api_as, lee):
    response = api_as(lee).post(
        USERS,
        {
            "email": "mole@kcs.test",
            "full_name": "Mole",
            "role": "officer",
            "password": "long-enough-pass-42",
            "agency": "TCD",
        },
    )
    assert response.status_code == 400
    assert "agency" in response.json()
    assert not User.objects.filter(email="mole@kcs.test").exists()


def test_agency_admin_cannot_grant_platform_admin(api_as, lee, kim):
    client = api_as(lee)
    created = client.post(
        USERS,
        {
            "email": "boss@kcs.test",
            "full_name": "Boss",
            "role": "officer",
            "password": "long-enough-pass-42",
            "is_platform_admin": True,
        },
    )
    assert created.status_code == 201
    assert not User.objects.get(email="boss@kcs.test").is_platform_admin
    client.patch(user_url(kim), {"is_platform_admin": True, "agency": "TCD"})
    kim.refresh_from_db()
    assert not kim.is_platform_admin
    assert kim.agency.code == "KCS"


@pytest.mark.parametrize(
    "payload",
    [
        {"email": "not-an-email", "full_name": "X", "role": "officer", "password": "long-enough-pass-42"},
        {"email": "x@kcs.test", "full_name": "X", "role": "platform_admin", "password": "long-enough-pass-42"},
        {"email": "x@kcs.test", "full_name": "X", "role": "officer", "password": "short"},
        {"email": "kim@kcs.test", "full_name": "X", "role": "officer", "password": "long-enough-pass-42"},
    ],
)
def test_bad_user_input_is_refused(api_as, lee, kim, payload):
    before = User.objects.count()
    assert api_as(lee).post(USERS, payload).status_code == 400
    assert User.objects.count() == before


def test_agency_admin_sets_a_role_which_ends_the_users_tokens(api_as, lee, kim):
    AuthToken.objects.create(kim)
    response = api_as(lee).patch(user_url(kim), {"role": "coordinator"})
    assert response.status_code == 200
    assert response.json()["role"] == "coordinator"
    assert not AuthToken.objects.filter(user=kim).exists()


def test_agency_admin_deactivates_and_reactivates_a_user(api_as, lee, kim):
    client = api_as(lee)
    assert client.patch(user_url(kim), {"is_active": False}).json()["is_active"] is False
    assert client.patch(user_url(kim), {"is_active": True}).json()["is_active"] is True


def test_a_user_cannot_raise_its_own_role(api_as, kim, lee):
    # An officer cannot reach the users API at all; an admin cannot change its own role.
    assert api_as(kim).patch(user_url(kim), {"role": "agency_admin"}).status_code == 403
    assert api_as(lee).patch(user_url(lee), {"role": "officer"}).status_code == 403
    assert api_as(lee).patch(user_url(lee), {"is_active": False}).status_code == 403
    kim.refresh_from_db()
    lee.refresh_from_db()
    assert kim.role == Role.OFFICER
    assert lee.role == Role.AGENCY_ADMIN
    assert lee.is_active
