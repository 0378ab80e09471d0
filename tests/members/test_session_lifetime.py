"""Sessions end 12 h after sign-in, after 30 min idle, and at once when access is taken away."""

from __future__ import annotations

import time

from django.conf import settings
from django.urls import reverse

from members import services
from members.middleware import SESSION_STARTED_KEY
from members.models import Role

AGENCY = "/accounts/agency/"


def test_session_ends_twelve_hours_after_sign_in(client_as, kim):
    client = client_as(kim)
    assert client.get(AGENCY).status_code == 200
    session = client.session
    session[SESSION_STARTED_KEY] = time.time() - 12 * 60 * 60 - 60
    session.save()
    response = client.get(AGENCY)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("members:login"))
    assert "_auth_user_id" not in client.session


def test_session_younger_than_twelve_hours_lives_on(client_as, kim):
    client = client_as(kim)
    client.get(AGENCY)
    session = client.session
    session[SESSION_STARTED_KEY] = time.time() - 11 * 60 * 60
    session.save()
    assert client.get(AGENCY).status_code == 200


def test_session_expires_after_thirty_idle_minutes(client_as, kim):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    client = client_as(kim)
    response = client.get(AGENCY)
    # Every request renews the cookie for 30 minutes, no more.
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 30 * 60
    assert client.session.get_expiry_age() == 30 * 60


def test_deactivation_ends_the_users_sessions_at_once(client_as, kim, lee):
    kim_client = client_as(kim)
    assert kim_client.get(AGENCY).status_code == 200
    services.user_update(user=kim, by=lee, is_active=False)
    response = kim_client.get(AGENCY)
    assert response.status_code == 302
    assert response.wsgi_request.user.is_anonymous
    # Reactivation does not revive the old session: the security stamp moved on.
    services.user_update(user=kim, by=lee, is_active=True)
    assert kim_client.get(AGENCY).status_code == 302


def test_role_change_ends_the_users_sessions_at_once(client_as, kim, lee):
    kim_client = client_as(kim)
    assert kim_client.get(AGENCY).status_code == 200
    services.user_update(user=kim, by=lee, role=Role.COORDINATOR)
    assert kim_client.get(AGENCY).status_code == 302


def test_sign_out_everywhere_ends_sessions_and_tokens(client_as, kim):
    from knox.models import AuthToken

    AuthToken.objects.create(kim)
    client = client_as(kim)
    client.get(AGENCY)
    response = client.post(reverse("members:security"), {"everywhere": "1"})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert not AuthToken.objects.filter(user=kim).exists()


def test_security_page_lists_tokens_but_never_the_token(client_as, kim):
    from knox.models import AuthToken

    instance, token = AuthToken.objects.create(kim)
    html = client_as(kim).get(reverse("members:security")).content.decode()
    assert token not in html
    assert token[:8] not in html
    assert "End this token" in html


def test_user_ends_one_of_its_tokens_but_not_anothers(client_as, kim, park):
    from knox.models import AuthToken

    mine, _ = AuthToken.objects.create(kim)
    theirs, _ = AuthToken.objects.create(park)
    client = client_as(kim)
    client.post(reverse("members:security"), {"token": theirs.digest})
    assert AuthToken.objects.filter(pk=theirs.pk).exists()
    client.post(reverse("members:security"), {"token": mine.digest})
    assert not AuthToken.objects.filter(pk=mine.pk).exists()
