"""Alerts are stored language-neutral and read in each reader's language (issue "Languages" 3).

A Korean officer's submission reaches the Thai inbox, the Thai e-mail and the digest in Thai
and the Korean sent box in Korean; the API speaks the caller's language; the webhook stays
English with the notice and its params; old alerts are migrated; plain texts still work.
"""

from __future__ import annotations

import importlib
import json

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy
from knox.models import AuthToken
from rest_framework.test import APIClient

from cases.alerts import texts
from cases.alerts.delivery import webhook_body
from cases.alerts.emails import send_alert_email, send_digest
from cases.alerts.models import Alert, AlertPreference, Delivery
from cases.alerts.outbox import publish
from cases.choices import AlertKind
from cases.seizures.notices import notify_seizure_submitted
from tests.factories import SeizureFactory, agency

pytestmark = pytest.mark.django_db

THAI_TITLE_START = "การยึด "
KOREAN_TITLE_START = "압수 "


@pytest.fixture
def korean_notice(kim, somchai):
    kim.language = "ko"
    kim.save()
    somchai.language = "th"
    somchai.save()
    seizure = SeizureFactory(agency=agency("KCS"), origin_country="TH", destination_country="KR")
    with translation.override("ko"):  # the sender's language must not leak into what is stored
        alert = notify_seizure_submitted(seizure=seizure, by=kim)
    assert alert is not None
    return alert


def test_stored_once_without_words(korean_notice):
    alert = Alert.objects.get(pk=korean_notice.pk)
    assert alert.notice == "seizures.submitted"
    assert alert.params["ref"] == alert.seizure.reference
    assert all(code == code.lower() for code in alert.params["drugs"])  # codes, not labels
    assert alert.title.startswith("Seizure ")  # the English text, for webhooks and the admin


def test_thai_inbox_in_thai_and_korean_sent_box_in_korean(client, korean_notice, kim, somchai):
    client.force_login(somchai)
    page = client.get(reverse("alerts:inbox")).content.decode()
    assert THAI_TITLE_START + korean_notice.seizure.reference in page
    assert "Seizure " + korean_notice.seizure.reference not in page
    detail = client.get(reverse("alerts:detail", args=[korean_notice.pk])).content.decode()
    assert "รายงานโดย" in detail  # "Reported by" in the body

    client.force_login(kim)
    sent = client.get(reverse("alerts:sent")).content.decode()
    assert KOREAN_TITLE_START + korean_notice.seizure.reference in sent


def test_thai_email_and_digest_in_thai(korean_notice, tcd):
    tcd.contact_email = "intel@customs.go.th.test"
    tcd.save()
    delivery = Delivery.objects.select_related("agency", "alert").get(alert=korean_notice, agency=tcd)
    send_alert_email(delivery)
    assert THAI_TITLE_START + korean_notice.seizure.reference in mail.outbox[0].subject
    assert "รายงานโดย" in mail.outbox[0].body

    preference, _created = AlertPreference.objects.get_or_create(agency=tcd)
    preference.routine_as_digest = True
    preference.save()
    assert send_digest(preference) == 1
    digest = mail.outbox[-1]
    assert "สรุปรายวัน" in digest.subject
    assert THAI_TITLE_START + korean_notice.seizure.reference in digest.body


def token_client(user) -> APIClient:
    """A client signed in as a national system is: with an API token."""
    _instance, token = AuthToken.objects.create(user)
    return APIClient(HTTP_AUTHORIZATION=f"Token {token}")


def test_api_answers_in_the_callers_language(client, korean_notice, somchai, kim):
    thai = token_client(somchai).get("/api/v1/alerts/?box=inbox").json()["results"][0]
    assert thai["title"].startswith(THAI_TITLE_START)
    assert thai["kind"] == "seizure_notice"  # enum values are never translated
    client.force_login(kim)  # the browser's session
    korean = client.get(f"/api/v1/alerts/{korean_notice.pk}/").json()
    assert korean["title"].startswith(KOREAN_TITLE_START)
    assert korean["notice"] == "seizures.submitted"


def test_api_without_saved_language_follows_accept_language(korean_notice, somchai):
    somchai.language = ""
    somchai.save()
    answer = token_client(somchai).get(f"/api/v1/alerts/{korean_notice.pk}/", HTTP_ACCEPT_LANGUAGE="ko-KR,ko;q=0.9")
    assert answer.json()["title"].startswith(KOREAN_TITLE_START)
    assert answer["Content-Language"] == "ko"


def test_webhook_is_english_with_notice_and_params(korean_notice, tcd):
    delivery = Delivery.objects.get(alert=korean_notice, agency=tcd)
    with translation.override("th"):  # a worker's active language does not matter
        payload = json.loads(webhook_body(delivery))
    alert = payload["alert"]
    assert alert["title"].startswith("Seizure ")
    assert alert["notice"] == "seizures.submitted"
    assert alert["params"]["ref"] == korean_notice.seizure.reference


def test_lazy_templates_and_params_are_rendered_per_reader(kcs, tcd):
    alert = publish(
        kind=AlertKind.MESSAGE,
        title=gettext_lazy("%(agency)s asks to see seizure %(ref)s"),
        body=gettext_lazy("It matched one of their seizures. Share it with them from the seizure page if you agree."),
        params={"agency": "TCD", "ref": "KCS-2026-000001"},
        recipients=[kcs],
        sender_agency=tcd,
    )
    alert = Alert.objects.get(pk=alert.pk)
    assert alert.notice == texts.TEXT
    assert alert.title == "TCD asks to see seizure KCS-2026-000001"
    with translation.override("ko"):
        assert alert.display_title == "TCD이(가) 압수 건 KCS-2026-000001 열람을 요청합니다"
    with translation.override("th"):
        assert alert.display_title == "TCD ขอดูการยึด KCS-2026-000001"


def test_plain_text_is_kept_as_written(kcs, tcd):
    alert = publish(kind=AlertKind.LOOKOUT, title="Courier on TG 658", body="Watch bay 4.", recipients=[tcd])
    with translation.override("th"):
        assert (alert.display_title, alert.display_body) == ("Courier on TG 658", "Watch bay 4.")


def test_an_unknown_notice_shows_its_stored_text(kcs, tcd):
    alert = publish(kind=AlertKind.LOOKOUT, title="Stored", recipients=[tcd])
    Alert.objects.filter(pk=alert.pk).update(notice="gone.renderer", params={})
    with translation.override("ko"):
        assert Alert.objects.get(pk=alert.pk).display_title == "Stored"


def test_publish_refuses_an_unregistered_notice(tcd):
    with pytest.raises(ValueError):
        publish(kind=AlertKind.LOOKOUT, notice="nobody.registered", params={}, recipients=[tcd])


def test_a_renderer_name_is_registered_once():
    with pytest.raises(ValueError):
        texts.register("seizures.submitted", lambda params: ("", ""))


def test_existing_alerts_are_migrated(kcs, tcd):
    migration = importlib.import_module("cases.alerts.migrations.0007_alerts_language_neutral")
    old = Alert(
        kind=AlertKind.MATCH,
        title="Match: container MSCU1234565 also seized by TCD",
        body="Your seizure KCS-2026-000009 shares the container MSCU1234565 with a seizure of Thai Customs.",
    )
    notice, params = migration._neutral(old)
    assert notice == "matching.match"
    with translation.override("ko"):
        title, body = texts.render(notice, params, old.title, old.body)
    assert title == "일치: 컨테이너 번호 MSCU1234565을(를) TCD도 압수함"
    assert "KCS-2026-000009" in body
    written = Alert(kind=AlertKind.LOOKOUT, title="Courier on TG 658", body="")
    assert migration._neutral(written) is None  # what an officer wrote stays as written
