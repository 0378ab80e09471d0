"""In Chromium, through the real pages: a Korean officer logs and submits a seizure; the Thai
partner it was shared with sees it; the Philippine outsider does not."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from members.models import Agency, Role
from members.reference import load_agencies
from tests.factories import SeizureFactory, UserFactory, agency

# The live server needs committed rows, hence a transactional database. serialized_rollback is
# kept but not relied on (after an earlier browser test it restores nothing, see
# tests/e2e/test_sign_in.py): the member agencies are loaded again, idempotently.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE_WIDTH = 390


@pytest.fixture
def people(live_server):
    load_agencies(Agency)
    return {
        "kim": UserFactory(email="kim@kcs.test", full_name="Kim", agency=agency("KCS"), role=Role.OFFICER),
        "somchai": UserFactory(email="somchai@tcd.test", full_name="Somchai", agency=agency("TCD"), role=Role.OFFICER),
        "maria": UserFactory(email="maria@boc.test", full_name="Maria", agency=agency("BOC"), role=Role.OFFICER),
    }


def _new_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def test_officer_logs_and_submits_a_seizure_partner_sees_it_outsider_does_not(
    live_server, browser, page, sign_in, people
):
    sign_in(page, "kim@kcs.test")
    page.goto(f"{live_server.url}/seizures/")
    page.get_by_role("link", name="Log a seizure").click()
    expect(page.get_by_role("heading", name="Log a seizure")).to_be_visible()

    seoul_now = timezone.localtime(timezone.now() - dt.timedelta(hours=3), zoneinfo.ZoneInfo("Asia/Seoul"))
    page.get_by_label("Date and time of the seizure").fill(seoul_now.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Location").fill("Incheon Port, Terminal 2")
    page.get_by_label("Transport mode").select_option("sea_container")
    page.get_by_label("Detection method").select_option("xray")
    page.get_by_label("Origin country").select_option("TH")
    page.get_by_label("Transit countries").fill("MY")
    page.get_by_label("Destination country").select_option("KR")

    page.locator("#id_items-0-drug").select_option("methamphetamine")
    page.locator("#id_items-0-quantity").fill("12.5")
    page.locator("#id_items-0-unit").select_option("kg")
    # The second item goes in a row added with the button, as a user with scripts on does.
    page.locator("[data-formset-add=items]").click()
    expect(page.locator("#id_items-TOTAL_FORMS")).to_have_value("3")
    page.locator("#id_items-2-drug").select_option("mdma")
    page.locator("#id_items-2-quantity").fill("3000")
    page.locator("#id_items-2-unit").select_option("tablet")

    page.locator("#id_identifiers-0-kind").select_option("container")
    page.locator("#id_identifiers-0-value").fill("CSQU 305438-3")

    page.get_by_label("Own agency only").check()
    page.locator(f"input[name=shared_with][value='{agency('TCD').pk}']").check()
    page.get_by_role("button", name="Save as draft").click()

    expect(page.get_by_test_id("status")).to_have_text("Draft")
    reference = page.get_by_role("heading", level=1).inner_text().split()[0]
    assert re.fullmatch(r"KCS-\d{4}-\d{6}", reference)
    expect(page.get_by_test_id("items").locator("tbody tr")).to_have_count(2)
    expect(page.get_by_test_id("identifiers")).to_contain_text("CSQU3054383")
    expect(page.get_by_test_id("route")).to_have_text("Thailand → Malaysia → South Korea")
    # 12.5 kg of crystal and 3,000 MDMA tablets at 100 mg (0.3 kg), printed without trailing zeros.
    expect(page.get_by_test_id("total-weight")).to_have_text("12.8")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_test_id("status")).to_have_text("Submitted")
    detail_url = page.url

    page.goto(f"{live_server.url}/seizures/")
    expect(page.locator("#seizure-rows")).to_contain_text(reference)

    # The Thai partner named in "also shared with" sees it.
    context, partner = _new_page(browser)
    try:
        sign_in(partner, "somchai@tcd.test")
        partner.goto(f"{live_server.url}/seizures/")
        partner.get_by_role("link", name=reference).click()
        expect(partner.get_by_test_id("status")).to_have_text("Submitted")
        expect(partner.get_by_test_id("actions").locator("button, a")).to_have_count(0)
    finally:
        context.close()

    # The Philippine outsider neither lists nor opens it.
    context, outsider = _new_page(browser)
    try:
        sign_in(outsider, "maria@boc.test")
        outsider.goto(f"{live_server.url}/seizures/")
        expect(outsider.get_by_role("heading", name="Seizures")).to_be_visible()
        expect(outsider.locator("#seizure-rows")).not_to_contain_text(reference)
        response = outsider.goto(detail_url)
        assert response.status == 404
    finally:
        context.close()


def test_load_more_appends_the_next_page_in_place(live_server, page, sign_in, people):
    made = [
        SeizureFactory(agency=agency("KCS"), occurred_at=timezone.now() - dt.timedelta(hours=h + 1)) for h in range(3)
    ]
    sign_in(page, "kim@kcs.test")
    page.goto(f"{live_server.url}/seizures/?page_size=2")
    rows = page.locator("#seizure-rows > tr")
    expect(rows).to_have_count(2)
    url = page.url
    page.get_by_test_id("load-more").click()
    expect(rows).to_have_count(3)
    expect(page.locator("#seizure-rows")).to_contain_text(made[-1].reference)
    expect(page.get_by_test_id("load-more")).to_have_count(0)
    assert page.url == url


@pytest.mark.parametrize("path", ["/seizures/new/", "/seizures/"])
def test_seizure_pages_fit_a_phone(live_server, phone_page, sign_in, people, path):
    SeizureFactory(agency=agency("KCS"), location="Incheon Port Container Terminal, Berth 7")
    sign_in(phone_page, "kim@kcs.test")
    phone_page.goto(f"{live_server.url}{path}")
    expect(phone_page.locator("main h1")).to_be_visible()
    width = phone_page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE_WIDTH + 1
