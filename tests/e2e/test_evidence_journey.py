"""In Chromium, through the real pages: a Korean officer adds two photos and a PDF lab report to
a seizure and records its custody; the Thai partner it is shared with downloads a photo (and
KCS's access audit shows it); the Philippine outsider gets 404."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import zoneinfo
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.evidence.models import Evidence
from cases.seizures.models import SeizureAccess
from members.models import Agency, Role
from members.reference import load_agencies
from tests.cases.evidence.conftest import jpeg_with_gps, pdf_bytes
from tests.factories import SeizureFactory, UserFactory, agency

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")


@pytest.fixture
def world(live_server, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence")},
        },
    }
    load_agencies(Agency)
    people = {
        "kim": UserFactory(email="kim@kcs.test", full_name="Kim", agency=agency("KCS"), role=Role.OFFICER),
        "somchai": UserFactory(email="somchai@tcd.test", full_name="Somchai", agency=agency("TCD"), role=Role.OFFICER),
        "maria": UserFactory(email="maria@boc.test", full_name="Maria", agency=agency("BOC"), role=Role.OFFICER),
    }
    seizure = SeizureFactory(
        agency=agency("KCS"), sharing="agency", status="submitted", occurred_at=timezone.now() - dt.timedelta(days=2)
    )
    seizure.shared_with.add(agency("TCD"))
    files = tmp_path / "upload"
    files.mkdir()
    (files / "bags-in-container.jpg").write_bytes(jpeg_with_gps((1600, 1200)))
    (files / "x-ray-scan.jpg").write_bytes(jpeg_with_gps((900, 700)))
    (files / "nfs-lab-report.pdf").write_bytes(pdf_bytes(40_000))
    return {"seizure": seizure, "files": files, **people}


def _shot(page, name: str) -> None:
    folder = os.environ.get("E2E_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment, SEOUL).strftime("%Y-%m-%dT%H:%M")


def test_officer_adds_evidence_and_custody_partner_downloads_outsider_gets_404(
    live_server, browser, page, sign_in, world
):
    seizure, files = world["seizure"], world["files"]
    evidence_url = f"{live_server.url}/seizures/{seizure.pk}/evidence/"

    sign_in(page, "kim@kcs.test")
    page.goto(f"{live_server.url}/seizures/{seizure.pk}/")
    page.get_by_test_id("evidence-link").click()
    expect(page).to_have_url(evidence_url)

    # Two photos in one go (each sent with its own progress bar), then the lab report.
    page.locator("#id_files").set_input_files([files / "bags-in-container.jpg", files / "x-ray-scan.jpg"])
    page.get_by_label("Kind").select_option("photo")
    page.get_by_label("Description").fill("Bags found behind the false wall")
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_test_id("evidence-file")).to_have_count(2)
    page.locator("#id_files").set_input_files(files / "nfs-lab-report.pdf")
    page.get_by_label("Kind").select_option("lab_report")
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_test_id("evidence-file")).to_have_count(3)
    expect(page.locator(".evidence-thumb img")).to_have_count(2)

    # Custody: seized at the scene, handed to the evidence room, then analysed with a purity.
    occurred = seizure.occurred_at
    entries = [
        ("seized", occurred + dt.timedelta(minutes=30), "", "Officer Kim", "Busan New Port"),
        ("transferred", occurred + dt.timedelta(hours=4), "Officer Kim", "Evidence room B", "Busan Customs"),
    ]
    for action, at, from_holder, to_holder, place in entries:
        form = page.get_by_test_id("custody-form")
        form.get_by_label("Action").select_option(action)
        form.get_by_label("Date and time").fill(_local(at))
        form.get_by_label("From (holder)").fill(from_holder)
        form.get_by_label("To (holder)").fill(to_holder)
        form.get_by_label("Place").fill(place)
        form.get_by_role("button", name="Record").click()
        expect(page.get_by_text("Custody entry recorded.")).to_be_visible()
    form = page.get_by_test_id("custody-form")
    form.get_by_label("Action").select_option("analysed")
    form.get_by_label("Date and time").fill(_local(occurred + dt.timedelta(days=1)))
    form.get_by_label("To (holder)").fill("National Forensic Service")
    form.get_by_label("Purity of item 1", exact=False).fill("81.25")
    form.get_by_label("nfs-lab-report.pdf").check()
    form.get_by_role("button", name="Record").click()
    expect(page.get_by_test_id("custody-entry")).to_have_count(3)
    expect(page.get_by_test_id("custody")).to_contain_text("Officer Kim → Evidence room B")
    expect(page.get_by_test_id("purity")).to_contain_text("81.25 %")
    _shot(page, "evidence-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, "evidence-390")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide on a phone"

    # The Thai partner, who sees the seizure, downloads a photo: intact, and in KCS's audit.
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    partner = context.new_page()
    sign_in(partner, "somchai@tcd.test")
    partner.goto(evidence_url)
    expect(partner.get_by_test_id("upload-form")).to_have_count(0)
    photo = Evidence.objects.get(filename="bags-in-container.jpg")
    with partner.expect_download() as download_info:
        partner.locator(".evidence-name", has_text="bags-in-container.jpg").click()
    path = download_info.value.path()
    assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == photo.sha256
    assert SeizureAccess.objects.filter(seizure=seizure, action="download", user=world["somchai"]).exists()
    partner.goto(f"{live_server.url}/seizures/{seizure.pk}/")
    _shot(partner, "seizure-with-evidence-1366")
    context.close()

    # The Philippine outsider does not see the seizure: 404 for its evidence and each file.
    outsider_context = browser.new_context()
    outsider = outsider_context.new_page()
    sign_in(outsider, "maria@boc.test")
    assert outsider.goto(evidence_url).status == 404
    assert outsider.request.get(f"{live_server.url}/evidence/{photo.pk}/download/").status == 404
    assert outsider.request.get(f"{live_server.url}/evidence/{photo.pk}/thumbnail/").status == 404
    outsider_context.close()
