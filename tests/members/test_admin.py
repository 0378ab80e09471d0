"""Django admin: platform admins only, and never a secret or a password hash on the page."""

from __future__ import annotations

from django.urls import reverse

from members.models import Role


def test_agency_users_cannot_open_the_django_admin(client_as, lee):
    response = client_as(lee).get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_admin_agency_page_never_shows_the_webhook_secret(client_as, platform_admin, kcs):
    kcs.webhook_url = "https://hooks.kcs.example/crackdown"
    kcs.webhook_secret = "s3cr3t-never-echoed"
    kcs.save()
    html = client_as(platform_admin).get(reverse("admin:members_agency_change", args=[kcs.pk])).content.decode()
    assert "Korea Customs Service" in html
    assert "s3cr3t-never-echoed" not in html
    assert "A secret is set." in html


def test_admin_user_page_never_shows_the_password_hash(client_as, platform_admin, kim):
    response = client_as(platform_admin).get(reverse("admin:members_user_change", args=[kim.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "kim@kcs.test" in html
    assert kim.password not in html
    assert "argon2" not in html


def test_role_change_in_admin_ends_the_users_access(client_as, platform_admin, kim):
    from knox.models import AuthToken

    AuthToken.objects.create(kim)
    response = client_as(platform_admin).post(
        reverse("admin:members_user_change", args=[kim.pk]),
        {
            "email": kim.email,
            "full_name": kim.full_name,
            "agency": kim.agency_id,
            "role": Role.COORDINATOR,
            "is_active": "on",
            "language": "en",
            "timezone": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    kim.refresh_from_db()
    assert kim.role == Role.COORDINATOR
    assert kim.security_stamp == 1
    assert not AuthToken.objects.filter(user=kim).exists()
