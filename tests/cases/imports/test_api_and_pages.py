"""POST /api/v1/seizures/imports/ + status, and the import pages (upload, report, confirm, history)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.imports.models import SeizureImport
from cases.imports.services import import_run
from cases.seizures.models import Seizure
from tests.cases.imports.conftest import csv_bytes, row, upload

URL = "/api/v1/seizures/imports/"


def _post(client, content: bytes, django_capture_on_commit_callbacks, **fields):
    with django_capture_on_commit_callbacks(execute=False):
        return client.post(URL, {"file": upload(content), **fields}, format="multipart")


def test_post_answers_202_with_the_contracts_object_then_the_status_follows_the_run(
    api_as, kim, django_capture_on_commit_callbacks
):
    client = api_as(kim)
    response = _post(
        client, csv_bytes([row(), row(items="opium 3 kg")]), django_capture_on_commit_callbacks, dry_run="false"
    )
    assert response.status_code == 202, response.content
    body = response.json()
    contract = {
        "id",
        "status",
        "dry_run",
        "rows",
        "processed",
        "created",
        "updated",
        "unchanged",
        "errors",
        "created_at",
    }
    assert contract <= set(body)
    assert (body["status"], body["dry_run"], body["rows"], body["processed"]) == ("queued", False, 2, 0)

    import_run(body["id"])
    status = client.get(f"{URL}{body['id']}/").json()
    assert (status["status"], status["processed"], status["created"], status["percent"]) == ("done", 2, 2, 100)
    assert Seizure.objects.count() == 2


def test_a_dry_run_is_the_default_and_reports_row_errors(api_as, kim, django_capture_on_commit_callbacks):
    client = api_as(kim)
    body = _post(client, csv_bytes([row(), row(items="cocaine -1 kg")]), django_capture_on_commit_callbacks).json()
    assert body["dry_run"] is True
    import_run(body["id"])
    status = client.get(f"{URL}{body['id']}/").json()
    assert status["errors"] and status["errors"][0]["row"] == 3 and status["errors"][0]["field"] == "items"
    assert Seizure.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "name", "says"),
    [
        (b"%PDF-1.4", "report.pdf", "CSV"),
        (csv_bytes([row()], header=("occurred_at", "items")), "x.csv", "transport_mode"),
        ("occurred_at,Ünïcode\n".encode("utf-16"), "x.csv", "UTF-8"),
    ],
)
def test_a_file_that_cannot_be_imported_is_a_400_naming_why(api_as, kim, content, name, says):
    response = api_as(kim).post(URL, {"file": upload(content, name)}, format="multipart")
    assert response.status_code == 400
    assert says in response.json()["file"][0]
    assert SeizureImport.objects.count() == 0


def test_the_status_is_the_agencys_own(api_as, kim, park, somchai, django_capture_on_commit_callbacks):
    body = _post(api_as(kim), csv_bytes([row()]), django_capture_on_commit_callbacks).json()
    assert api_as(park).get(f"{URL}{body['id']}/").status_code == 200
    assert api_as(somchai).get(f"{URL}{body['id']}/").status_code == 404
    listed = api_as(park).get(URL).json()
    assert [entry["id"] for entry in listed["results"]] == [body["id"]]
    assert api_as(somchai).get(URL).json()["results"] == []


def test_cancel_through_the_api(api_as, kim, django_capture_on_commit_callbacks):
    client = api_as(kim)
    body = _post(client, csv_bytes([row()]), django_capture_on_commit_callbacks).json()
    assert client.post(f"{URL}{body['id']}/cancel/").json()["status"] == "cancelled"
    assert client.post(f"{URL}{body['id']}/cancel/").status_code == 409


def test_external_reference_is_unique_within_an_agency_through_the_api(api_as, kim, somchai):
    from tests.cases.seizures.conftest import seizure_payload

    first = api_as(kim).post("/api/v1/seizures/", seizure_payload(external_reference="BUS-9"), format="json")
    assert first.status_code == 201 and first.json()["external_reference"] == "BUS-9"
    again = api_as(kim).post("/api/v1/seizures/", seizure_payload(external_reference="BUS-9"), format="json")
    assert again.status_code == 400 and "external_reference" in again.json()
    other_agency = api_as(somchai).post("/api/v1/seizures/", seizure_payload(external_reference="BUS-9"), format="json")
    assert other_agency.status_code == 201


# --- pages -------------------------------------------------------------------------------------


def test_upload_page_checks_first_then_confirm_imports(client_as, kim, django_capture_on_commit_callbacks):
    client = client_as(kim)
    assert client.get(reverse("imports:list")).status_code == 200
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("imports:list"), {"file": upload(csv_bytes([row(), row()]))})
    dry = SeizureImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:detail", args=[dry.pk])
    assert dry.dry_run
    import_run(dry.pk)

    page = client.get(reverse("imports:detail", args=[dry.pk])).content.decode()
    assert 'data-testid="confirm"' in page and 'data-testid="count-created">2<' in page

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("imports:confirm", args=[dry.pk]))
    real = SeizureImport.objects.exclude(pk=dry.pk).get()
    assert response["Location"] == reverse("imports:detail", args=[real.pk])
    # While it waits, the page polls its progress part.
    partial = client.get(reverse("imports:detail", args=[real.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" in partial and "<html" not in partial
    import_run(real.pk)
    assert Seizure.objects.count() == 2
    history = client.get(reverse("imports:list")).content.decode()
    assert history.count('data-testid="import-row"') == 2


def test_the_report_groups_errors_by_column(client_as, kim, django_capture_on_commit_callbacks):
    client = client_as(kim)
    bad = csv_bytes([row(transport_mode="teleport"), row(items="x"), row(transport_mode="hovercraft")])
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("imports:list"), {"file": upload(bad)})
    seizure_import = SeizureImport.objects.get()
    import_run(seizure_import.pk)
    page = client.get(reverse("imports:detail", args=[seizure_import.pk])).content.decode()
    assert page.count('data-column="transport_mode"') == 1 and page.count('data-column="items"') == 1
    assert page.count('data-testid="import-error"') == 3
    assert 'data-testid="confirm"' not in page


def test_a_refused_file_keeps_the_form_with_its_error(client_as, kim):
    response = client_as(kim).post(reverse("imports:list"), {"file": upload(b"%PDF-1.4", "x.pdf")})
    assert response.status_code == 400
    assert 'data-testid="form-errors"' in response.content.decode()
    assert SeizureImport.objects.count() == 0


def test_templates_download_and_reimport_as_a_dry_run_without_errors(client_as, kim, run_import):
    client = client_as(kim)
    csv_template = client.get(reverse("imports:template-csv"))
    xlsx_template = client.get(reverse("imports:template-xlsx"))
    assert csv_template["Content-Type"].startswith("text/csv")
    assert xlsx_template.content[:4] == b"PK\x03\x04"
    assert run_import(kim, csv_template.content, dry_run=True).error_count == 0
    assert run_import(kim, xlsx_template.content, name="t.xlsx", dry_run=True).error_count == 0
