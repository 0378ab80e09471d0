"""A new password ends every API token issued under the old one, whatever path sets it."""

from __future__ import annotations

from django.core.management import call_command
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

ME = "/api/v1/me/"


def _token_for(email: str) -> str:
    response = APIClient().post("/api/v1/auth/login/", {"email": email, "password": "crackdown-demo"}, format="json")
    assert response.status_code == 200
    return response.json()["token"]


def _me(token: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get(ME).status_code


def test_changing_the_password_on_the_page_ends_the_api_tokens(client_as, kim):
    token = _token_for("kim@kcs.test")
    assert _me(token) == 200
    client = client_as(kim)
    response = client.post(
        reverse("members:password_change"),
        {
            "old_password": "crackdown-demo",
            "new_password1": "a-much-longer-pass-9",
            "new_password2": "a-much-longer-pass-9",
        },
    )
    assert response.status_code == 302
    assert _me(token) == 401
    assert not AuthToken.objects.filter(user=kim).exists()
    # The page that changed it stays signed in.
    assert client.get(reverse("members:security")).status_code == 200


def test_a_password_set_by_an_operator_ends_the_api_tokens(kim, monkeypatch):
    token = _token_for("kim@kcs.test")
    answers = iter(["another-long-pass-77", "another-long-pass-77"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    call_command("changepassword", "kim@kcs.test")
    assert _me(token) == 401


def test_saving_the_user_without_a_new_password_keeps_the_tokens(kim):
    token = _token_for("kim@kcs.test")
    kim.full_name = "Kim Min-jun"
    kim.save()
    assert kim.check_password("crackdown-demo")
    assert _me(token) == 200
