"""In Chromium, what officers hit: counted units in every total, the report on a phone, search by
a container number typed with spaces, an assignment form that keeps its input, an alert linked
to a seizure chosen by reference."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.choices import Drug
from tests.cases.seizures.conftest import make_operation

# serialized_rollback: the agencies come from a data migration and must survive the flush.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def patient(request):
    """A loaded machine serves the live server slowly: wait up to 30 s, not the default 10."""
    for name in ("page", "phone_page"):
        if name in request.fixturenames:
            request.getfixturevalue(name).set_default_timeout(30_000)


@pytest.fixture(autouse=True)
def agencies(transactional_db):
    """The member agencies, whatever an earlier transactional test flushed (idempotent)."""
    from members.models import Agency
    from members.reference import load_agencies

    load_agencies(Agency)


def _record(user, *, items, container="CSQU3054383", operation=None):
    from cases.seizures.services import seizure_create, seizure_submit

    data = {
        "occurred_at": timezone.now() - dt.timedelta(hours=3),
        "transport_mode": "sea_container",
        "detection_method": "xray",
        "location": "Busan New Port",
        "origin_country": "TH",
        "destination_country": "KR",
        "items": items,
        "identifiers": [{"kind": "container", "value": container}],
    }
    if operation is not None:
        data["operation"] = operation.pk
    return seizure_submit(seizure=seizure_create(by=user, data=data), by=user)


@pytest.fixture
def tablets(kim):
    operation = make_operation(lead="KCS", accepted=["TCD"])
    seizure = _record(
        kim,
        items=[
            {"drug": Drug.METHAMPHETAMINE, "quantity": "40000", "unit": "tablet"},
            {"drug": Drug.KETAMINE, "quantity": "500", "unit": "tablet"},
        ],
        operation=operation,
    )
    return operation, seizure


def test_a_tablet_seizure_counts_in_the_dashboard_the_report_and_its_csv(live_server, page, sign_in, kim, tablets):
    operation, seizure = tablets
    sign_in(page, "kim@kcs.test")

    page.goto(f"{live_server.url}/")
    assert page.get_by_test_id("this-month-kg").inner_text() == "4"
    expect(page.get_by_test_id("this-month-tablets")).to_have_text("40,500 tablets")
    expect(page.get_by_test_id("headline")).to_contain_text("+ 1 item without weight")
    drug_table = page.get_by_test_id("table-drug")
    expect(drug_table).to_contain_text("Methamphetamine")
    expect(drug_table).to_contain_text("40,000")

    page.goto(f"{live_server.url}/operations/{operation.pk}/report/")
    expect(page.get_by_test_id("report-weight")).to_have_text("4")
    expect(page.get_by_test_id("report-tablets")).to_have_text("40,500")
    expect(page.get_by_test_id("report")).to_contain_text("+ 1 item without weight")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert ["total", "all", "1", "4", "40500", "1"] in rows
    assert ["drug", "methamphetamine", "1", "4", "40000", "0"] in rows

    page.goto(f"{live_server.url}/seizures/{seizure.pk}/")
    expect(page.get_by_test_id("total-summary")).to_contain_text("4 kg · 40,500 tablets")


def test_the_report_at_phone_width_shows_every_column(live_server, phone_page, sign_in, kim, tablets):
    operation, _seizure = tablets
    sign_in(phone_page, "kim@kcs.test")
    phone_page.goto(f"{live_server.url}/operations/{operation.pk}/report/")

    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    tables = phone_page.locator(".totals-table table")
    assert tables.count() == 3
    for index in range(3):
        table = tables.nth(index)
        for header in ("Seizures", "kg", "Tablets"):
            cell = table.get_by_role("columnheader", name=header, exact=True)
            expect(cell).to_be_visible()
            box = cell.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, (index, header, box)
        # The table is not clipped by its wrapper: nothing to scroll sideways.
        assert table.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth + 1")


def test_a_search_by_container_number_typed_with_spaces(live_server, page, sign_in, kim):
    wanted = _record(kim, items=[{"drug": "heroin", "quantity": "2", "unit": "kg"}], container="CSQU3054383")
    other = _record(kim, items=[{"drug": "heroin", "quantity": "3", "unit": "kg"}], container="MSKU6043216")
    sign_in(page, "kim@kcs.test")
    page.goto(f"{live_server.url}/seizures/")

    page.get_by_text("Filters", exact=True).click()
    page.get_by_label("Search").fill("csqu 305438-3")
    page.get_by_role("button", name="Apply filters").click()

    expect(page.get_by_test_id("match-count")).to_have_text("1 seizure matches.")
    expect(page.locator("#seizure-rows")).to_contain_text(wanted.reference)
    expect(page.locator("#seizure-rows")).not_to_contain_text(other.reference)


def test_the_assignment_form_keeps_its_input_after_an_error(live_server, page, sign_in, park):
    operation = make_operation(lead="KCS", accepted=["TCD"])
    sign_in(page, "park@kcs.test")
    page.goto(f"{live_server.url}/operations/{operation.pk}/")

    page.get_by_text("Assign a task").click()
    form = page.get_by_test_id("assignment-form")
    form.get_by_label(re.compile(r"^Agency")).select_option(label="TCD — Thai Customs Department")
    form.get_by_label("Task").fill("Check the reefer containers of the Mekong line")
    form.get_by_label("Instructions").fill("Berth 4, after 22:00; call the duty officer first.")
    yesterday = timezone.localtime(timezone.now() - dt.timedelta(days=1), dt.UTC)
    form.get_by_label("Due (your time)").fill(yesterday.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_role("button", name="Assign", exact=True).click()

    form = page.get_by_test_id("assignment-form")
    expect(form.locator('[data-field="due_at"]')).to_contain_text("The due date is in the past.")
    expect(form.get_by_label("Task")).to_have_value("Check the reefer containers of the Mekong line")
    expect(form.get_by_label("Instructions")).to_have_value("Berth 4, after 22:00; call the duty officer first.")
    expect(form.get_by_label(re.compile(r"^Agency"))).to_have_value(
        str(operation.participations.get(agency__code="TCD").agency_id)
    )

    # Only the chosen agency's people are offered as assignee.
    options = form.locator("#id_assignee option:not([hidden])")
    labels = options.all_inner_texts()
    assert labels[0] == "Whole agency"
    assert all(label.startswith("TCD") for label in labels[1:]), labels


def test_a_new_alert_links_a_seizure_picked_by_reference(live_server, page, sign_in, kim):
    seizure = _record(kim, items=[{"drug": "heroin", "quantity": "2", "unit": "kg"}])
    sign_in(page, "kim@kcs.test")
    page.goto(f"{live_server.url}/alerts/new/")

    page.get_by_label("Title").fill("Watch the Mekong line")
    page.get_by_label("TCD", exact=False).first.check()
    search = page.get_by_label("Linked seizure")
    assert search.get_attribute("list") == "seizure-choices"
    expect(page.locator(f'#seizure-choices option[value="{seizure.reference}"]')).to_have_count(1)
    search.fill(seizure.reference.lower())
    page.get_by_role("button", name="Send alert").click()

    expect(page.get_by_test_id("alert-seizure")).to_have_text(seizure.reference)
