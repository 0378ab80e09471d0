"""A joint operation run through the pages in Chromium, each user in a browser context of their own.

The KCS coordinator plans an operation and invites the Thai Customs Department; the Thai
coordinator accepts; the lead assigns a task; a Thai officer marks it done with an outcome;
the lead's board shows it.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from members.models import Agency, Role
from members.reference import load_agencies
from tests.factories import UserFactory, agency

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def people(transactional_db):
    # A transactional test empties the tables after each run: put the reference agencies back.
    load_agencies(Agency)
    return {
        "park": UserFactory(email="park@kcs.test", full_name="Park", agency=agency("KCS"), role=Role.COORDINATOR),
        "niran": UserFactory(email="niran@tcd.test", full_name="Niran", agency=agency("TCD"), role=Role.COORDINATOR),
        "somchai": UserFactory(email="somchai@tcd.test", full_name="Somchai", agency=agency("TCD"), role=Role.OFFICER),
    }


def open_as(browser, sign_in, email, phone=False):
    options = {"viewport": {"width": 390, "height": 844}, "is_mobile": True} if phone else {}
    context = browser.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, email)
    return context, page


def test_operation_from_plan_to_done_assignment(browser, live_server, sign_in, people):
    lead_context, lead = open_as(browser, sign_in, "park@kcs.test")
    thai_context, thai = open_as(browser, sign_in, "niran@tcd.test")
    officer_context, officer = open_as(browser, sign_in, "somchai@tcd.test", phone=True)
    try:
        # The KCS coordinator plans the operation.
        lead.goto(f"{live_server.url}/operations/")
        lead.get_by_role("link", name="New operation").click()
        lead.get_by_label("Code name").fill("ICE BREAK")
        lead.get_by_label("Starts on").fill("2026-03-01")
        lead.get_by_label("Ends on").fill("2026-03-31")
        lead.get_by_label("Methamphetamine").check()
        lead.get_by_label("Sea container").check()
        lead.get_by_role("button", name="Create operation").click()
        expect(lead.get_by_test_id("operation-header")).to_contain_text("ICE BREAK")
        board_url = lead.url
        assert re.search(r"/operations/\d+/$", board_url)

        # … and invites the Thai Customs Department.
        lead.get_by_text("Invite agencies").click()
        lead.get_by_label("TCD — Thai Customs Department").check()
        lead.get_by_role("button", name="Send invitations").click()
        expect(lead.get_by_test_id("participants")).to_contain_text("Invited")

        # The Thai coordinator sees the invitation and accepts it.
        thai.goto(board_url)
        expect(thai.get_by_test_id("respond")).to_be_visible()
        thai.get_by_role("button", name="Accept").click()
        expect(thai.get_by_test_id("participants")).to_contain_text("Accepted")

        # The lead assigns a task to TCD.
        lead.goto(board_url)
        lead.get_by_text("Assign a task").click()
        lead.get_by_label(re.compile(r"^Agency")).select_option(label="TCD — Thai Customs Department")
        lead.get_by_label("Task").fill("Search reefer containers bound for Busan")
        lead.get_by_role("button", name="Assign", exact=True).click()
        expect(lead.get_by_test_id("assignments-TCD")).to_contain_text("Search reefer containers")

        # A Thai officer, on a phone, marks it done with an outcome.
        officer.goto(board_url)
        row = officer.get_by_test_id("assignments-TCD")
        row.get_by_text("Update").click()
        row.get_by_label("Status").select_option("done")
        row.get_by_label("Outcome").fill("12 kg of methamphetamine found in container MSKU1234565")
        row.get_by_role("button", name="Save").click()
        expect(officer.get_by_test_id("assignment-status")).to_have_text("Done")

        # The lead's board shows it, and the timeline tells the story.
        lead.goto(board_url)
        expect(lead.get_by_test_id("assignment-status")).to_have_text("Done")
        expect(lead.get_by_test_id("assignment-outcome")).to_contain_text("12 kg of methamphetamine")
        timeline = lead.get_by_test_id("timeline")
        expect(timeline).to_contain_text("TCD accepted")
        expect(timeline).to_contain_text("Search reefer containers")
    finally:
        for context in (lead_context, thai_context, officer_context):
            context.close()
