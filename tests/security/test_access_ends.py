"""Access ends at once: expired tokens, deactivated, demoted and locked accounts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from members.services import agency_update, user_update

pytestmark = pytest.mark.django_db

PAGE = "/seizures/"
API = "/api/v1/me/"


def _token_client(user) -> tuple[APIClient, AuthToken]:
    instance, token = AuthToken.objects.create(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client, instance


def _signed_out(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("members:login"))


def test_a_fresh_token_works_and_an_expired_one_answers_401(kim):
    client, instance = _token_client(kim)
    assert client.get(API).status_code == 200

    AuthToken.objects.filter(pk=instance.pk).update(expiry=timezone.now() - dt.timedelta(seconds=1))

    response = client.get(API)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_an_expired_token_is_deleted_when_presented(kim):
    client, instance = _token_client(kim)
    AuthToken.objects.filter(pk=instance.pk).update(expiry=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(API).status_code == 401
    assert not AuthToken.objects.filter(pk=instance.pk).exists()


@pytest.mark.parametrize("others", [1, 30])
def test_authenticating_does_not_read_the_users_other_tokens(kim, django_assert_num_queries, others):
    for _ in range(others):
        AuthToken.objects.create(kim, expiry=dt.timedelta(seconds=-1))
    client, _instance = _token_client(kim)
    # 1: the presented token with its user; 2: /me/ reads the user with its agency.
    with django_assert_num_queries(2):
        assert client.get(API).status_code == 200


def test_the_periodic_task_deletes_only_expired_tokens(kim, somchai):
    from members.tasks import delete_expired_tokens

    live, _token = AuthToken.objects.create(kim)
    AuthToken.objects.create(kim, expiry=dt.timedelta(seconds=-1))
    AuthToken.objects.create(somchai, expiry=dt.timedelta(seconds=-1))
    assert delete_expired_tokens() == 2
    assert list(AuthToken.objects.values_list("pk", flat=True)) == [live.pk]


def test_tokens_are_issued_with_a_ten_hour_lifetime(kim, settings):
    _client, instance = _token_client(kim)
    lifetime = instance.expiry - timezone.now()
    assert dt.timedelta(hours=9, minutes=59) < lifetime <= dt.timedelta(hours=10)


def test_deactivated_user_loses_session_and_token_at_once(client_as, kim, lee):
    page = client_as(kim)
    api, _ = _token_client(kim)
    assert page.get(PAGE).status_code == 200
    assert api.get(API).status_code == 200

    user_update(user=kim, by=lee, is_active=False)

    assert _signed_out(page.get(PAGE))
    assert api.get(API).status_code == 401


def test_demoted_admin_loses_session_and_token_at_once(client_as, lee, kcs):
    from tests.factories import UserFactory

    other_admin = UserFactory(email="han@kcs.test", agency=kcs, role="agency_admin")
    page = client_as(lee)
    api, _ = _token_client(lee)
    assert page.get("/accounts/agency/audit/").status_code == 200

    user_update(user=lee, by=other_admin, role="officer")

    assert _signed_out(page.get("/accounts/agency/audit/"))
    assert api.get(API).status_code == 401
    # Signing in again gives the new role only.
    page.force_login(lee)
    assert page.get("/accounts/agency/audit/").status_code == 403


def test_users_of_a_deactivated_agency_lose_session_and_token(client_as, maria, platform_admin, boc):
    page = client_as(maria)
    api, _ = _token_client(maria)
    assert page.get(PAGE).status_code == 200

    agency_update(agency=boc, by=platform_admin, is_active=False)

    assert _signed_out(page.get(PAGE))
    assert api.get(API).status_code == 401


def test_a_user_deactivated_behind_the_services_back_is_refused_too(client_as, kim):
    """Even a raw update (a DBA, a data fix) that does not bump the stamp ends access."""
    page = client_as(kim)
    api, _ = _token_client(kim)
    type(kim).objects.filter(pk=kim.pk).update(is_active=False)

    assert _signed_out(page.get(PAGE))
    assert api.get(API).status_code == 401


def test_locked_out_account_cannot_sign_in_even_with_the_right_password(client, kim):
    for _ in range(5):
        client.post(reverse("members:login"), {"username": kim.email, "password": "wrong-password-1"})

    page = client.post(reverse("members:login"), {"username": kim.email, "password": "crackdown-demo"})
    api = APIClient().post("/api/v1/auth/login/", {"email": kim.email, "password": "crackdown-demo"}, format="json")

    assert page.status_code == 429
    assert api.status_code in (403, 429)
    assert not AuthToken.objects.filter(user=kim).exists()
