"""In Chromium, in Korean and Thai (issue "Languages", acceptance): a Korean officer and a Thai
officer walk the seizure journey in their own language, the Korean submission reaching the Thai
inbox in Thai; and no main page shows, in ko or th, a text that is the English msgid of a
catalogue entry."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from cases.operations.services import operation_create
from cases.seizures.services import seizure_submit
from crackdown.i18n_check import parse_po
from members.models import Agency, Role, User
from members.reference import load_agencies
from tests.factories import SeizureFactory, UserFactory, agency

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture
def people(live_server):
    load_agencies(Agency)
    return {
        "ko": UserFactory(
            email="officer@kcs.example", full_name="Kim", agency=agency("KCS"), role=Role.OFFICER, language="ko"
        ),
        "th": UserFactory(
            email="officer@tcd.example", full_name="Somchai", agency=agency("TCD"), role=Role.OFFICER, language="th"
        ),
        "ko_admin": UserFactory(
            email="admin@kcs.example", full_name="Lee", agency=agency("KCS"), role=Role.AGENCY_ADMIN, language="ko"
        ),
        "th_coordinator": UserFactory(
            email="coordinator@tcd.example", full_name="Niran", agency=agency("TCD"), role=Role.COORDINATOR
        ),
    }


def english_msgids(language: str) -> set[str]:
    """The English msgids that the language's catalogue translates into something else."""
    path = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    found = set()
    for entry in parse_po(path.read_text(encoding="utf-8")):
        translated = entry.msgstr.get(0, "")
        if entry.is_header or "%(" in entry.msgid or not translated or translated == entry.msgid:
            continue
        found.add(entry.msgid)
    return found


VISIBLE_TEXTS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || !el || el.closest('script,style,template')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden' || el.closest('[hidden]')) continue;
    out.push(text);
  }
  for (const el of document.querySelectorAll('[placeholder],[aria-label],[title]')) {
    for (const name of ['placeholder', 'aria-label', 'title']) {
      const value = el.getAttribute(name);
      if (value && value.trim()) out.push(value.trim());
    }
  }
  out.push(document.title.split('·')[0].trim());
  return out;
}"""


def _journey_form(page, *, local_now: dt.datetime, origin: str, destination: str, saved: str) -> str:
    """Fill the seizure form (its labels in the page's language are not used: ids are)."""
    page.locator("#id_occurred_at").fill(local_now.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_location").fill("Terminal 2")
    page.locator("#id_transport_mode").select_option("sea_container")
    page.locator("#id_detection_method").select_option("xray")
    page.locator("#id_origin_country").select_option(origin)
    page.locator("#id_destination_country").select_option(destination)
    page.locator("#id_items-0-drug").select_option("methamphetamine")
    page.locator("#id_items-0-quantity").fill("12.5")
    page.locator("#id_items-0-unit").select_option("kg")
    page.get_by_role("button", name=saved).click()
    reference = page.get_by_role("heading", level=1).inner_text().split()[0]
    assert re.fullmatch(r"[A-Z]{3}-\d{4}-\d{6}", reference)
    return reference


def _walk(page, live_server, *, texts: dict[str, str], local_zone: str, origin: str, destination: str) -> str:
    page.goto(f"{live_server.url}/seizures/")
    expect(page.locator("html")).to_have_attribute("lang", texts["lang"])
    page.get_by_role("link", name=texts["log"]).click()
    expect(page.get_by_role("heading", name=texts["log"])).to_be_visible()
    # An error first: the form comes back, in the language, with nothing saved.
    page.locator("#id_items-0-quantity").fill("-1")
    page.get_by_role("button", name=texts["save_draft"]).click()
    expect(page.get_by_text(texts["nothing_saved"])).to_be_visible()
    local_now = timezone.localtime(timezone.now() - dt.timedelta(hours=3), zoneinfo.ZoneInfo(local_zone))
    reference = _journey_form(
        page, local_now=local_now, origin=origin, destination=destination, saved=texts["save_draft"]
    )
    expect(page.get_by_test_id("status")).to_have_text(texts["draft"])
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=texts["submit"], exact=True).click()
    expect(page.get_by_test_id("status")).to_have_text(texts["submitted"])
    expect(page.get_by_text(texts["submitted_flash"].format(ref=reference))).to_be_visible()
    return reference


KOREAN = {
    "lang": "ko",
    "log": "압수 등록",
    "save_draft": "임시 저장",
    "nothing_saved": "아무것도 저장되지 않았습니다. 아래 표시된 항목을 고치십시오.",
    "draft": "임시 저장",
    "submit": "제출",
    "submitted": "제출됨",
    "submitted_flash": "압수 건 {ref}을(를) 제출했습니다.",
}
THAI = {
    "lang": "th",
    "log": "บันทึกการยึด",
    "save_draft": "บันทึกเป็นฉบับร่าง",
    "nothing_saved": "ยังไม่ได้บันทึก โปรดแก้ไขช่องที่ทำเครื่องหมายไว้ด้านล่าง",
    "draft": "ฉบับร่าง",
    "submit": "ส่ง",
    "submitted": "ส่งแล้ว",
    "submitted_flash": "ส่งการยึด {ref} แล้ว",
}


def test_korean_and_thai_officers_walk_the_seizure_journey_in_their_language(browser, live_server, sign_in, people):
    korean = browser.new_context(viewport={"width": 1366, "height": 900})
    page = korean.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, "officer@kcs.example")
    reference = _walk(page, live_server, texts=KOREAN, local_zone="Asia/Seoul", origin="TH", destination="KR")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "ko-seizure-detail-1366.png"), full_page=True)

    thai = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone = thai.new_page()
    phone.set_default_timeout(10_000)
    sign_in(phone, "officer@tcd.example")
    # The Korean submission is in the Thai inbox, in Thai.
    phone.goto(f"{live_server.url}/alerts/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("กล่องรับการแจ้งเตือน")
    notice = phone.get_by_role("link", name=re.compile(rf"^การยึด {reference}: 12\.5 กก\. เมทแอมเฟตามีน, TH → KR$"))
    expect(notice).to_be_visible()
    phone.screenshot(path=str(SHOTS / "th-alert-inbox-390.png"), full_page=True)
    notice.click()
    expect(phone.get_by_text("รายงานโดย")).to_be_visible()
    expect(phone.get_by_role("button", name="ยืนยันรับ")).to_be_visible()
    # The Thai officer's own journey, on a phone.
    thai_reference = _walk(phone, live_server, texts=THAI, local_zone="Asia/Bangkok", origin="KR", destination="TH")
    phone.screenshot(path=str(SHOTS / "th-seizure-detail-390.png"), full_page=True)

    # The Korean sender's sent box shows the same alert in Korean; the Thai one reached Korea in Korean.
    page.goto(f"{live_server.url}/alerts/sent/")
    expect(page.get_by_role("link", name=re.compile(rf"^압수 {reference}: 12\.5 kg 메트암페타민"))).to_be_visible()
    page.goto(f"{live_server.url}/alerts/")
    expect(page.get_by_role("link", name=re.compile(rf"^압수 {thai_reference}: "))).to_be_visible()
    korean.close()
    thai.close()


def _main_pages(live_server, people) -> list[str]:
    """Dashboard, seizure list/detail/form, operation board and report, alerts, agency page, settings."""
    kim, somchai = people["ko"], people["th"]
    seizure = SeizureFactory(
        agency=agency("KCS"), reported_by=kim, status="draft", origin_country="TH", destination_country="KR"
    )
    seizure_submit(seizure=seizure, by=kim)
    thai = SeizureFactory(
        agency=agency("TCD"), reported_by=somchai, status="draft", origin_country="KR", destination_country="TH"
    )
    seizure_submit(seizure=thai, by=somchai)
    today = timezone.localdate()
    operation = operation_create(
        name="Golden Route", starts_on=today, ends_on=today + dt.timedelta(days=30), by=people["th_coordinator"]
    )
    return [
        "/",
        "/seizures/",
        f"/seizures/{seizure.pk}/",
        f"/seizures/{thai.pk}/",
        "/seizures/new/",
        f"/operations/{operation.pk}/",
        f"/operations/{operation.pk}/report/",
        "/operations/",
        "/alerts/",
        "/alerts/sent/",
        "/accounts/agency/",
        "/accounts/settings/",
    ]


@pytest.mark.parametrize("language", ["ko", "th"])
def test_no_main_page_shows_an_english_msgid(browser, live_server, sign_in, people, language):
    people["ko"].language = people["th"].language = people["th_coordinator"].language = language
    for user in (people["ko"], people["th"], people["th_coordinator"]):
        user.save()
    pages = _main_pages(live_server, people)
    msgids = english_msgids(language)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    found: dict[str, list[str]] = {}
    for email, paths in (
        ("officer@kcs.example", [p for p in pages if "/operations/" not in p]),
        ("coordinator@tcd.example", [p for p in pages if "/operations/" in p]),
        ("admin@kcs.example", ["/accounts/agency/", "/alerts/preferences/"]),
    ):
        context.clear_cookies()
        # The shared sign-in helper reads English labels (two-factor enrolment included):
        # sign in with no saved language, then save the language under test.
        User.objects.filter(email=email).update(language="")
        sign_in(page, email)
        User.objects.filter(email=email).update(language=language)
        for path in paths:
            answer = page.goto(f"{live_server.url}{path}")
            assert answer is not None and answer.status == 200, path
            expect(page.locator("html")).to_have_attribute("lang", language)
            english = sorted({text for text in page.evaluate(VISIBLE_TEXTS) if text in msgids})
            if english:
                found[f"{email} {path}"] = english
        page.screenshot(path=str(SHOTS / f"{language}-{email.split('@')[0]}-last-1366.png"), full_page=True)
    context.close()
    assert found == {}, f"English msgids shown in {language}: {found}"
