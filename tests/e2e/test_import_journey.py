"""In Chromium, through the real pages and a real worker: an officer exports 500 seizures and
imports the file back (500 unchanged), edits 10 rows (10 updated), and checks a file with 3 bad
rows (listed, nothing saved)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cases.imports.models import SeizureImport
from cases.seizures import services as seizure_services
from cases.seizures.inputs import clean_seizure_input
from cases.seizures.models import Seizure
from members.models import Agency, Role
from members.reference import load_agencies
from tests.cases.alerts.conftest import running_worker
from tests.factories import UserFactory, agency

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SEIZURES = 500


@pytest.fixture
def kim(live_server, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "imports": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    load_agencies(Agency)
    officer = UserFactory(email="kim@kcs.test", full_name="Kim", agency=agency("KCS"), role=Role.OFFICER)
    rows = []
    for n in range(SEIZURES):
        data = {
            "occurred_at": f"2026-0{1 + n % 9}-{1 + n % 28:02d}T{n % 24:02d}:15:00+09:00",
            "location": f"Busan pier {n}",
            "transport_mode": "sea_container",
            "detection_method": "xray",
            "origin_country": "TH",
            "destination_country": "KR",
            "items": [{"drug": "methamphetamine", "quantity": f"{1 + n % 40}.5", "unit": "kg"}],
            "identifiers": [{"kind": "company", "value": f"Trading {n}"}],
        }
        clean, errors = clean_seizure_input(data, agency=officer.agency)
        assert errors is None, errors
        rows.append(clean)
    seizure_services.seizure_bulk_create(by=officer, rows=rows)
    return officer


def _check_and_confirm(page, live_server, path: Path, *, confirm: bool = True):
    page.goto(f"{live_server.url}/seizures/imports/")
    page.locator("#id_file").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_test_id("import-progress")).to_have_attribute("data-status", "done", timeout=60_000)
    if confirm:
        page.get_by_test_id("confirm").click()
        expect(page.get_by_test_id("import-progress")).to_have_attribute("data-status", "done", timeout=60_000)


def _counts(page) -> tuple[str, str, str, str]:
    return tuple(
        page.get_by_test_id(f"count-{name}").inner_text() for name in ("created", "updated", "unchanged", "errors")
    )


def test_export_reimport_edit_and_bad_rows(live_server, page, sign_in, kim, tmp_path):
    with running_worker():
        sign_in(page, "kim@kcs.test")
        page.goto(f"{live_server.url}/seizures/")
        with page.expect_download() as download:
            page.get_by_test_id("export").click()
        exported = tmp_path / "export.csv"
        download.value.save_as(exported)
        assert exported.read_text(encoding="utf-8").count("\n") == SEIZURES + 1

        # The export, imported back: nothing new, nothing changed.
        _check_and_confirm(page, live_server, exported)
        assert _counts(page) == ("0", "0", str(SEIZURES), "0")
        assert Seizure.objects.count() == SEIZURES

        # Ten rows edited in the file: ten seizures updated.
        rows = list(csv.DictReader(io.StringIO(exported.read_text(encoding="utf-8"))))
        for values in rows[:10]:
            values["location"] = values["location"] + " (corrected)"
        edited = tmp_path / "edited.csv"
        with edited.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        _check_and_confirm(page, live_server, edited)
        assert _counts(page) == ("0", "10", str(SEIZURES - 10), "0")
        assert Seizure.objects.filter(location__endswith="(corrected)").count() == 10

        # A file with three bad rows: the check lists them by column, nothing is saved.
        bad = tmp_path / "bad.csv"
        bad.write_text(
            "occurred_at,transport_mode,detection_method,items\n"
            "2026-02-01T10:00:00+09:00,air_cargo,xray,heroin 2 kg\n"
            "2026-02-01T10:00:00+09:00,hovercraft,xray,heroin 2 kg\n"
            "not a date,air_cargo,xray,heroin 2 kg\n"
            "2026-02-01T10:00:00+09:00,air_cargo,xray,heroin two kg\n",
            encoding="utf-8",
        )
        _check_and_confirm(page, live_server, bad, confirm=False)
        expect(page.get_by_test_id("import-error")).to_have_count(3)
        expect(page.get_by_test_id("confirm")).to_have_count(0)
        assert Seizure.objects.count() == SEIZURES
        assert SeizureImport.objects.filter(dry_run=False).count() == 2
