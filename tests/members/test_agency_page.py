"""The agency page: every user sees its own agency; only its admin manages people and settings."""

from __future__ import annotations

import pytest
from django.urls import reverse

from members.models import Role, User

AGENCY = "/accounts/agency/"


def edit_url(user) -> str:
    return reverse("members:user_edit", args=[user.pk])


def test_coordinator_sees_own_agency_and_its_people(client_as, park, kim, somchai):
    html = client_as(park).get(AGENCY).content.decode()
    assert "Korea Customs Service" in html
    assert "kim@kcs.test" in html
    assert "somchai@tcd.test" not in html
    # Not an admin: no forms to add users or change settings.
    assert "Add a user" not in html
    assert "Webhook URL" not in html


def test_agency_admin_adds_a_user_to_own_agency(client_as, lee):
    response = client_as(lee).post(
        reverse("members:user_add"),
        {
            "email": "New.Officer@kcs.test",
            "full_name": "New Officer",
            "role": "officer",
            "password": "long-enough-pass-42",
        },
    )
    assert response.status_code == 302
    created = User.objects.get(email="new.officer@kcs.test")
    assert created.agency.code == "KCS"
    assert created.role == Role.OFFICER
    assert not created.is_platform_admin
    assert created.check_password("long-enough-pass-42")


def test_agency_admin_cannot_add_a_user_into_another_agency(client_as, lee, tcd):
    client_as(lee).post(
        reverse("members:user_add"),
        {
            "email": "mole@kcs.test",
            "full_name": "Mole",
            "role": "agency_admin",
            "password": "long-enough-pass-42",
            "agency": tcd.pk,
            "is_platform_admin": "on",
        },
    )
    mole = User.objects.get(email="mole@kcs.test")
    assert mole.agency.code == "KCS"
    assert not mole.is_platform_admin


def test_weak_initial_password_is_refused(client_as, lee):
    response = client_as(lee).post(
        reverse("members:user_add"),
        {"email": "weak@kcs.test", "full_name": "Weak", "role": "officer", "password": "short"},
    )
    assert response.status_code == 400
    assert not User.objects.filter(email="weak@kcs.test").exists()


def test_officer_cannot_add_users(client_as, kim):
    response = client_as(kim).post(
        reverse("members:user_add"),
        {"email": "x@kcs.test", "full_name": "X", "role": "officer", "password": "long-enough-pass-42"},
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="x@kcs.test").exists()


def test_agency_admin_cannot_see_another_agencys_user(client_as, lee, somchai):
    client = client_as(lee)
    assert client.get(edit_url(somchai)).status_code == 404
    response = client.post(edit_url(somchai), {"full_name": "Hijacked", "role": "agency_admin", "is_active": ""})
    assert response.status_code == 404
    somchai.refresh_from_db()
    assert somchai.full_name == "Somchai"
    assert somchai.is_active


def test_officer_may_not_edit_a_colleague(client_as, kim, park):
    assert client_as(kim).get(edit_url(park)).status_code == 403


def test_agency_admin_sets_role_and_deactivates(client_as, lee, kim):
    response = client_as(lee).post(edit_url(kim), {"full_name": "Kim", "role": "coordinator", "is_active": ""})
    assert response.status_code == 302
    kim.refresh_from_db()
    assert kim.role == Role.COORDINATOR
    assert not kim.is_active
    assert kim.security_stamp > 0


def test_agency_admin_reactivates_a_user(client_as, lee, kim):
    kim.is_active = False
    kim.save()
    client_as(lee).post(edit_url(kim), {"full_name": "Kim", "role": "officer", "is_active": "on"})
    kim.refresh_from_db()
    assert kim.is_active


def test_agency_admin_cannot_change_own_role_or_deactivate_self(client_as, lee):
    response = client_as(lee).post(edit_url(lee), {"full_name": "Lee Admin", "role": "officer", "is_active": ""})
    lee.refresh_from_db()
    assert response.status_code == 302
    assert lee.role == Role.AGENCY_ADMIN
    assert lee.is_active
    assert lee.full_name == "Lee Admin"


def test_webhook_settings_are_saved_and_the_secret_is_never_shown(client_as, lee, kcs, settings):
    client = client_as(lee)
    response = client.post(
        reverse("members:agency_settings"),
        {
            "contact_email": "ops@kcs.test",
            "webhook_url": "https://hooks.kcs.example/crackdown",
            "webhook_secret": "s3cr3t-never-echoed",
            "webhook_enabled": "on",
        },
    )
    assert response.status_code == 302
    kcs.refresh_from_db()
    assert kcs.webhook_secret == "s3cr3t-never-echoed"
    assert kcs.webhook_enabled
    html = client.get(AGENCY).content.decode()
    assert "s3cr3t-never-echoed" not in html
    assert "A secret is set." in html
    # A later save with the secret field left empty keeps the secret.
    client.post(
        reverse("members:agency_settings"),
        {
            "contact_email": "ops2@kcs.test",
            "webhook_url": "https://hooks.kcs.example/crackdown",
            "webhook_enabled": "on",
        },
    )
    kcs.refresh_from_db()
    assert kcs.webhook_secret == "s3cr3t-never-echoed"
    assert kcs.contact_email == "ops2@kcs.test"


def test_secret_is_not_echoed_when_the_settings_form_is_refused(client_as, lee):
    response = client_as(lee).post(
        reverse("members:agency_settings"),
        {
            "webhook_url": "http://insecure.example/hook",
            "webhook_secret": "s3cr3t-never-echoed",
            "webhook_enabled": "on",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "s3cr3t-never-echoed" not in html
    assert "https" in html


def test_officer_cannot_change_agency_settings(client_as, kim, kcs):
    response = client_as(kim).post(reverse("members:agency_settings"), {"contact_email": "evil@x.test"})
    assert response.status_code == 403
    kcs.refresh_from_db()
    assert kcs.contact_email != "evil@x.test"


def test_platform_admin_is_sent_to_the_agencies_page(client_as, platform_admin):
    response = client_as(platform_admin).get(AGENCY)
    assert response.status_code == 302
    assert response["Location"] == reverse("members:platform_agencies")


# --- Platform admin pages ------------------------------------------------------------------


def test_platform_admin_lists_the_eleven_member_agencies(client_as, platform_admin):
    response = client_as(platform_admin).get(reverse("members:platform_agencies"))
    assert response.status_code == 200
    html = response.content.decode()
    for code in ["KCS", "RCED", "GDCE", "DJBC", "LCD", "RMCD", "MCD", "BOC", "SC", "TCD", "GDVC"]:
        assert f"<td>{code}</td>" in html


def test_platform_admin_adds_an_agency(client_as, platform_admin):
    response = client_as(platform_admin).post(
        reverse("members:platform_agencies"),
        {"code": "AFP", "name": "Australian Border Force", "country": "au", "timezone": "Australia/Sydney"},
    )
    assert response.status_code == 302
    from members.models import Agency

    assert Agency.objects.get(code="AFP").country == "AU"


def test_platform_admin_deactivates_an_agency_and_its_users_are_signed_out(client_as, platform_admin, kim, client):
    from django.test import Client

    kim_client = Client()
    kim_client.force_login(kim)
    assert kim_client.get(AGENCY).status_code == 200
    client_as(platform_admin).post(reverse("members:platform_agency_active", args=["KCS"]), {"is_active": "false"})
    kim.agency.refresh_from_db()
    assert not kim.agency.is_active
    assert kim_client.get(AGENCY).status_code == 302
    client_as(platform_admin).post(reverse("members:platform_agency_active", args=["KCS"]), {"is_active": "true"})
    kim.agency.refresh_from_db()
    assert kim.agency.is_active


@pytest.mark.parametrize("persona", ["kim", "lee"])
def test_agency_users_cannot_use_platform_pages(db, request, client_as, persona):
    user = request.getfixturevalue(persona)
    client = client_as(user)
    assert client.get(reverse("members:platform_agencies")).status_code == 403
    assert (
        client.post(reverse("members:platform_agency_active", args=["TCD"]), {"is_active": "false"}).status_code == 403
    )


def test_a_duplicate_e_mail_is_refused_once(client_as, lee, kim):
    response = client_as(lee).post(
        reverse("members:user_add"),
        {"email": "KIM@kcs.test", "full_name": "Kim Again", "role": "officer", "password": "long-enough-pass-42"},
    )
    html = response.content.decode()
    assert html.count("already exists") == 1


def test_platform_admin_cannot_add_an_agency_of_no_country(client_as, platform_admin):
    from members.models import Agency

    response = client_as(platform_admin).post(
        reverse("members:platform_agencies"), {"code": "ZZA", "name": "Nowhere Customs", "country": "ZZ"}
    )
    assert response.status_code == 400
    assert not Agency.objects.filter(code="ZZA").exists()


def test_the_time_zone_defaults_from_the_country_and_the_first_admin_is_created(client_as, platform_admin):
    from members.models import Agency

    response = client_as(platform_admin).post(
        reverse("members:platform_agencies"),
        {
            "code": "NCB",
            "name": "Narcotics Control Board",
            "country": "kr",
            "admin_email": "First.Admin@ncb.test",
            "admin_name": "First Admin",
            "admin_password": "long-enough-pass-42",
        },
    )
    assert response.status_code == 302
    agency = Agency.objects.get(code="NCB")
    assert agency.timezone == "Asia/Seoul"
    admin = User.objects.get(email="first.admin@ncb.test")
    assert (admin.agency, admin.role, admin.is_platform_admin) == (agency, Role.AGENCY_ADMIN, False)
    assert admin.check_password("long-enough-pass-42")


def test_a_refused_first_admin_leaves_no_agency_behind(client_as, platform_admin):
    from members.models import Agency

    response = client_as(platform_admin).post(
        reverse("members:platform_agencies"),
        {"code": "NCB", "name": "Narcotics Control Board", "country": "KR", "admin_email": "x@ncb.test"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give the first admin&#x27;s name." in html or "Give the first admin's name." in html
    assert 'value="NCB"' in html  # input kept
    assert not Agency.objects.filter(code="NCB").exists()
