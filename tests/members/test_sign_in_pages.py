"""Sign-in, sign-out and lockout through the pages."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

LOGIN = "/accounts/login/"


def sign_in(client, email: str, password: str = "crackdown-demo", **extra):
    return client.post(LOGIN, {"username": email, "password": password, **extra})


def test_sign_in_page_has_the_labels_the_browser_tests_use(client, db):
    html = client.get(LOGIN).content.decode()
    assert '<label for="id_username">E-mail</label>' in html
    assert '<label for="id_password">Password</label>' in html
    assert ">Sign in</button>" in html


def test_officer_signs_in_with_email_and_password(client, kim):
    response = sign_in(client, "KIM@kcs.test")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert int(client.session["_auth_user_id"]) == kim.pk


def test_wrong_password_does_not_say_which_part_was_wrong(client, kim):
    wrong_password = sign_in(client, "kim@kcs.test", "not-the-password")
    unknown_email = sign_in(client, "nobody@kcs.test", "not-the-password")
    assert wrong_password.status_code == unknown_email.status_code == 200
    message = "The e-mail address, password or code is not right."
    assert message in wrong_password.content.decode()
    assert message in unknown_email.content.decode()
    assert "_auth_user_id" not in client.session


def test_deactivated_user_cannot_sign_in(client, kim):
    kim.is_active = False
    kim.save()
    sign_in(client, "kim@kcs.test")
    assert "_auth_user_id" not in client.session


def test_user_of_deactivated_agency_cannot_sign_in(client, kim, kcs):
    kcs.is_active = False
    kcs.save()
    sign_in(client, "kim@kcs.test")
    assert "_auth_user_id" not in client.session


def test_five_failed_sign_ins_lock_the_account(client, kim):
    for _ in range(4):
        assert sign_in(client, "kim@kcs.test", "wrong-password").status_code == 200
    locked = sign_in(client, "kim@kcs.test", "wrong-password")
    assert locked.status_code == 429
    assert locked["Retry-After"] == "1800"
    # Even the right password is refused while the account is locked.
    again = sign_in(client, "kim@kcs.test")
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_of_one_account_leaves_another_alone(client, kim, park):
    for _ in range(5):
        sign_in(client, "kim@kcs.test", "wrong-password")
    assert sign_in(client, "park@kcs.test").status_code == 302


def test_sign_out_is_post_only(client_as, kim):
    client = client_as(kim)
    assert client.get(reverse("members:logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("members:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_pages_need_a_session(client, db):
    response = client.get(reverse("members:agency"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_logged_sign_ins_contain_no_password(client, kim, caplog):
    caplog.set_level(logging.INFO, logger="crackdown.security")
    sign_in(client, "kim@kcs.test", "wrong-password-123")
    sign_in(client, "kim@kcs.test")
    client.post(reverse("members:logout"))
    messages = [record.getMessage() for record in caplog.records]
    assert any(m.startswith("sign-in user=") for m in messages)
    assert any(m.startswith("sign-in refused") for m in messages)
    assert any(m.startswith("sign-out user=") for m in messages)
    text = "\n".join(messages)
    assert "crackdown-demo" not in text
    assert "wrong-password-123" not in text


def test_user_changes_own_password(client_as, kim):
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
    kim.refresh_from_db()
    assert kim.check_password("a-much-longer-pass-9")


@pytest.mark.parametrize("path", ["/accounts/agency/", "/accounts/security/", "/accounts/password/"])
def test_signed_in_pages_render(client_as, park, path):
    assert client_as(park).get(path).status_code == 200
