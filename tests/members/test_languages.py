"""The reader's language wins: saved language > Accept-Language > English; the switch, My
settings and PATCH /api/v1/me/ set it (issue "Languages" 2)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from members.models import User

pytestmark = pytest.mark.django_db

KOREAN_SIGN_IN = "로그인"
THAI_SIGN_IN = "เข้าสู่ระบบ"


def test_before_sign_in_accept_language_decides_else_english(client):
    assert THAI_SIGN_IN in client.get(reverse("members:login"), HTTP_ACCEPT_LANGUAGE="th-TH,th;q=0.9").content.decode()
    english = client.get(reverse("members:login"), HTTP_ACCEPT_LANGUAGE="fr-FR").content.decode()
    assert "Sign in" in english and THAI_SIGN_IN not in english


def test_saved_language_wins_over_accept_language(client, kim):
    kim.language = "ko"
    kim.save()
    client.force_login(kim)
    page = client.get(reverse("seizures:list"), HTTP_ACCEPT_LANGUAGE="th")
    assert page["Content-Language"] == "ko"
    assert '<html lang="ko">' in page.content.decode()


def test_without_a_saved_language_the_browser_decides(client, kim):
    assert kim.language == ""
    client.force_login(kim)
    assert client.get(reverse("seizures:list"), HTTP_ACCEPT_LANGUAGE="th")["Content-Language"] == "th"
    assert client.get(reverse("seizures:list"))["Content-Language"] == "en"


def test_switch_before_sign_in_sets_the_cookie(client):
    answer = client.post(reverse("set_language"), {"language": "th", "next": reverse("members:login")})
    assert answer.status_code == 302 and answer["Location"] == reverse("members:login")
    assert THAI_SIGN_IN in client.get(reverse("members:login")).content.decode()


def test_switch_signed_in_saves_to_the_user(client, kim):
    client.force_login(kim)
    client.post(reverse("set_language"), {"language": "ko", "next": "/"})
    kim.refresh_from_db()
    assert kim.language == "ko"
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    kim.refresh_from_db()
    assert kim.language == "ko"  # an unknown language changes nothing


def test_the_switch_is_on_the_login_page_and_the_layout(client, kim):
    assert 'data-testid="language-switch"' in client.get(reverse("members:login")).content.decode()
    client.force_login(kim)
    page = client.get(reverse("seizures:list")).content.decode()
    assert 'data-testid="language-switch"' in page and reverse("members:settings") in page


def test_my_settings_saves_language_and_time_zone(client, kim):
    client.force_login(kim)
    assert client.get(reverse("members:settings")).status_code == 200
    answer = client.post(
        reverse("members:settings"), {"full_name": "Kim Min-jun", "language": "th", "timezone": "Asia/Seoul"}
    )
    assert answer.status_code == 302
    kim.refresh_from_db()
    assert (kim.full_name, kim.language, kim.timezone) == ("Kim Min-jun", "th", "Asia/Seoul")
    assert "บันทึกการตั้งค่าแล้ว" in client.get(reverse("members:settings")).content.decode()


def test_my_settings_refuses_a_bad_zone_and_keeps_the_input(client, kim):
    client.force_login(kim)
    answer = client.post(
        reverse("members:settings"), {"full_name": "Kim Min-jun", "language": "ko", "timezone": "Mars/Base"}
    )
    assert answer.status_code == 400
    page = answer.content.decode()
    assert 'value="Kim Min-jun"' in page
    kim.refresh_from_db()
    assert kim.full_name == "Kim" and kim.language == ""  # nothing half-saved


def test_my_settings_links_alert_email_preferences_for_agency_admins_only(client, kim, lee):
    client.force_login(kim)
    assert reverse("alerts:preferences") not in client.get(reverse("members:settings")).content.decode()
    client.force_login(lee)
    assert reverse("alerts:preferences") in client.get(reverse("members:settings")).content.decode()


def test_patch_me_sets_language_time_zone_and_name(api_as, kim):
    client = api_as(kim)
    before = client.get("/api/v1/me/").json()
    assert before["language"] is None and before["timezone"] is None
    answer = client.patch(
        "/api/v1/me/", {"language": "th", "timezone": "Asia/Bangkok", "full_name": "Kim M."}, format="json"
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["language"], body["timezone"], body["full_name"]) == ("th", "Asia/Bangkok", "Kim M.")
    assert body["role"] == "officer" and body["agency"]["code"] == "KCS"
    user = User.objects.get(pk=kim.pk)
    assert (user.language, user.timezone) == ("th", "Asia/Bangkok")


def test_patch_me_refuses_unknown_values_field_by_field(api_as, kim):
    answer = api_as(kim).patch("/api/v1/me/", {"language": "fr", "timezone": "Mars/Base"}, format="json")
    assert answer.status_code == 400
    assert set(answer.json()) >= {"language"}
    answer = api_as(kim).patch("/api/v1/me/", {"timezone": "Mars/Base"}, format="json")
    assert answer.status_code == 400 and "timezone" in answer.json()
    kim.refresh_from_db()
    assert kim.timezone == ""


def test_patch_me_does_not_change_role_or_agency(api_as, kim):
    answer = api_as(kim).patch("/api/v1/me/", {"role": "agency_admin", "agency": "TCD"}, format="json")
    assert answer.status_code == 200
    kim.refresh_from_db()
    assert kim.role == "officer" and kim.agency.code == "KCS"


def test_mail_language_follows_the_agency_country(kcs, tcd, boc):
    assert (kcs.mail_language, tcd.mail_language, boc.mail_language) == ("ko", "th", "en")
