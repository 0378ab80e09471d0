"""The evidence pages: upload without JavaScript, gallery, custody timeline, refusals kept visible."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.evidence.models import CustodyEntry, Evidence
from tests.cases.evidence.conftest import exe_bytes, jpeg_with_gps, pdf_bytes, stored_files, upload

pytestmark = pytest.mark.django_db


def test_plain_form_uploads_several_files_and_shows_the_gallery(client_as, kim, shared_seizure):
    client = client_as(kim)
    response = client.post(
        f"/seizures/{shared_seizure.pk}/evidence/upload/",
        {
            "files": [upload("a.jpg", jpeg_with_gps()), upload("b.jpg", jpeg_with_gps())],
            "kind": "photo",
            "description": "Bags",
        },
    )
    assert response.status_code == 302
    assert sorted(Evidence.objects.values_list("filename", flat=True)) == ["a.jpg", "b.jpg"]
    page = client.get(f"/seizures/{shared_seizure.pk}/evidence/")
    assert page.content.count(b'data-testid="evidence-file"') == 2
    assert b"/thumbnail/" in page.content
    detail = client.get(f"/seizures/{shared_seizure.pk}/")
    assert detail.content.count(b'data-testid="evidence-file"') == 2


def test_one_bad_file_in_a_batch_stores_none(client_as, kim, shared_seizure, evidence_dir):
    response = client_as(kim).post(
        f"/seizures/{shared_seizure.pk}/evidence/upload/",
        {
            "files": [upload("a.pdf", pdf_bytes()), upload("b.jpg", exe_bytes())],
            "kind": "document",
            "description": "Kept",
        },
    )
    assert response.status_code == 415
    assert b'data-testid="upload-errors"' in response.content
    assert not Evidence.objects.exists()
    assert stored_files(evidence_dir) == []


def test_empty_file_keeps_the_input(client_as, kim, shared_seizure):
    response = client_as(kim).post(
        f"/seizures/{shared_seizure.pk}/evidence/upload/",
        {"files": [upload("a.pdf", b"")], "kind": "lab_report", "description": "Lab sheet"},
    )
    assert response.status_code == 400
    assert b"is empty" in response.content
    assert b'value="Lab sheet"' in response.content


def test_script_upload_answers_json(client_as, kim, shared_seizure, settings):
    settings.EVIDENCE_MAX_BYTES = 10_000
    client = client_as(kim)
    ok = client.post(
        f"/seizures/{shared_seizure.pk}/evidence/upload/",
        {"files": [upload("a.pdf", pdf_bytes())], "kind": "document"},
        headers={"accept": "application/json"},
    )
    assert ok.status_code == 201 and len(ok.json()["ids"]) == 1
    big = client.post(
        f"/seizures/{shared_seizure.pk}/evidence/upload/",
        {"files": [upload("b.pdf", pdf_bytes(20_000))], "kind": "document"},
        headers={"accept": "application/json"},
    )
    assert big.status_code == 413 and "file" in big.json()


def test_upload_page_needs_the_csrf_token(kim, shared_seizure):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(kim)
    response = client.post(
        f"/seizures/{shared_seizure.pk}/evidence/upload/", {"files": [upload("a.pdf", pdf_bytes())], "kind": "document"}
    )
    assert response.status_code == 403
    assert not Evidence.objects.exists()


def test_custody_form_records_an_entry_and_the_timeline_shows_it(client_as, kim, shared_seizure):
    client = client_as(kim)
    at = timezone.localtime(shared_seizure.occurred_at + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/seizures/{shared_seizure.pk}/custody/",
        {
            "action": "transferred",
            "at": at,
            "from_holder": "Officer Kim",
            "to_holder": "Evidence room",
            "location": "Busan",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(f"/seizures/{shared_seizure.pk}/evidence/")
    assert b"Officer Kim \xe2\x86\x92 Evidence room" in page.content


def test_custody_form_errors_keep_the_input(client_as, kim, shared_seizure):
    future = timezone.localtime(timezone.now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client_as(kim).post(
        f"/seizures/{shared_seizure.pk}/custody/", {"action": "stored", "at": future, "to_holder": "Vault 7"}
    )
    assert response.status_code == 400
    assert b"in the future" in response.content
    assert b'value="Vault 7"' in response.content
    assert not CustodyEntry.objects.exists()


def test_reader_of_another_agency_sees_no_forms(client_as, somchai, maria, shared_seizure, private_seizure):
    page = client_as(somchai).get(f"/seizures/{shared_seizure.pk}/evidence/")
    assert page.status_code == 200
    assert b'data-testid="upload-form"' not in page.content and b'data-testid="custody-form"' not in page.content
    assert client_as(maria).get(f"/seizures/{private_seizure.pk}/evidence/").status_code == 404
