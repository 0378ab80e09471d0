"""In Chromium, through the real pages: a Korean officer uploads a manifest; the line carrying a
lookout value and the line matching a rule rank above the ordinary one with their reasons; the
officer examines one as found with a seizure and sends a pre-arrival alert to Thailand; a
coordinator retrains the model on a real worker and sees the new version's metrics; the Thai
officer finds the alert in the inbox. The queue fits a phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.demo.manifests import ManifestMaker, write_examined
from cases.lookouts.services import lookout_create
from cases.targeting.models import ManifestLine, ModelVersion, Rule
from members.models import Role
from tests.cases.alerts.conftest import running_worker, wait_for
from tests.factories import SeizureFactory, UserFactory, agency

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HEADER = (
    "kind,reference,eta,transport_mode,origin_country,transit_countries,destination_country,hs_code,"
    "goods_description,consignee,identifiers"
)


@pytest.fixture(autouse=True)
def _member_agencies(transactional_db):
    from members.models import Agency
    from members.reference import load_agencies

    load_agencies(Agency)


def _manifest(tmp_path) -> str:
    eta = (timezone.now() + dt.timedelta(days=2)).isoformat()
    rows = [
        HEADER,
        f"cargo,DEC-PLAIN,{eta},sea_container,CN,,KR,8471,Laptop computers,Han River Co,container:MSCU1234566",
        f"cargo,DEC-WATCHED,{eta},sea_container,CN,,KR,8471,Laptop computers,Han River Co,container:CSQU 305438-3",
        f"cargo,DEC-RULE,{eta},sea_container,MM,TH,KR,0902,Green tea in bags,Han River Co,container:MSKU 604321-6",
    ]
    path = tmp_path / "manifest.csv"
    path.write_text("\n".join(rows) + "\n")
    return str(path)


def test_manifest_to_examination_alert_and_retraining(live_server, browser, sign_in, tmp_path):
    kcs = agency("KCS")
    kim = UserFactory(email="kim@kcs.test", full_name="Kim", agency=kcs, role=Role.OFFICER)
    UserFactory(email="park@kcs.test", full_name="Park", agency=kcs, role=Role.COORDINATOR)
    UserFactory(email="somchai@tcd.test", full_name="Somchai", agency=agency("TCD"), role=Role.OFFICER)
    lookout_create(
        by=kim,
        data={"title": "Reefer watch", "reason": "Tip", "expires_at": timezone.now() + dt.timedelta(days=30),
              "sharing": "agency", "shared_with": [], "values": [{"kind": "container", "value": "CSQU3054383"}]},
        retro=False,
    )  # fmt: skip
    Rule.objects.create(
        agency=kcs, name="Golden Triangle", condition={"op": "route_contains", "value": ["MM", "TH"]}, points=35
    )
    maker = ManifestMaker(seed=3, prefix="H")
    write_examined(
        agency=kcs, rows=list(maker.history(count=3000, days=200, end=timezone.now() - dt.timedelta(days=3)))
    )
    seizure = SeizureFactory(agency=kcs, status="submitted")

    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    sign_in(page, "kim@kcs.test")
    page.goto(f"{live_server.url}/targeting/upload/")
    page.get_by_label("CSV file").set_input_files(_manifest(tmp_path))
    page.get_by_role("button", name="Upload and score").click()
    expect(page.get_by_text("3 lines added and 0 updated")).to_be_visible()

    # The arrivals still to decide (the history is examined or cleared).
    page.goto(f"{live_server.url}/targeting/?status=new")
    rows = page.get_by_test_id("queue-row")
    expect(rows).to_have_count(3)
    expect(rows.nth(2)).to_have_attribute("data-reference", "DEC-PLAIN")
    watched = page.locator('[data-reference="DEC-WATCHED"]')
    expect(watched).to_contain_text("lookout hit: container CSQU3054383 (Reefer watch)")
    expect(page.locator('[data-reference="DEC-RULE"]')).to_contain_text("rule “Golden Triangle”")

    watched.get_by_role("link", name="DEC-WATCHED").click()
    page.get_by_label("Found", exact=True).check()
    page.get_by_label("Seizure id").fill(str(seizure.pk))
    page.get_by_role("button", name="Record the result").click()
    expect(page.get_by_test_id("result")).to_contain_text(seizure.reference)
    page.get_by_label("TCD — Thai Customs Department").check()
    page.get_by_role("button", name="Send pre-arrival alert").click()
    expect(page.get_by_text("Pre-arrival alert sent.")).to_be_visible()
    assert ManifestLine.objects.get(reference="DEC-WATCHED").result == "found"

    coordinator = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    coordinator.set_default_timeout(15_000)
    sign_in(coordinator, "park@kcs.test")
    with running_worker():
        coordinator.goto(f"{live_server.url}/targeting/model/")
        coordinator.get_by_role("button", name="Train a new version").click()
        wait_for(lambda: ModelVersion.objects.filter(status="ready").exists(), timeout=120, message="training")
    coordinator.reload()
    expect(coordinator.get_by_test_id("model-state")).to_contain_text("Version 1 scores new lines")
    # The 3,000 examined lines of the history and the line just found.
    expect(coordinator.get_by_test_id("versions")).to_contain_text("3001")
    assert ModelVersion.objects.get().training_rows == 3001

    thai = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    sign_in(thai, "somchai@tcd.test")
    thai.goto(f"{live_server.url}/alerts/")
    expect(thai.get_by_text("Pre-arrival: cargo DEC-WATCHED")).to_be_visible()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    sign_in(phone, "kim@kcs.test")
    phone.goto(f"{live_server.url}/targeting/")
    expect(phone.get_by_test_id("queue-row").first).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
