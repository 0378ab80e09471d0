"""Downloads: access-checked, hash-checked every time, in the access audit."""

from __future__ import annotations

import base64
import hashlib

import pytest

from cases.alerts.models import Alert
from cases.evidence.models import Evidence, EvidenceEvent
from cases.seizures.models import SeizureAccess
from tests.cases.evidence.conftest import jpeg_with_gps, pdf_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(api_as, kim, shared_seizure) -> Evidence:
    content = jpeg_with_gps()
    response = api_as(kim).post(
        f"/api/v1/seizures/{shared_seizure.pk}/evidence/",
        {"file": upload("photo.jpg", content), "kind": "photo"},
        format="multipart",
    )
    assert response.status_code == 201
    return Evidence.objects.get(pk=response.json()["id"])


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_partner_downloads_with_repr_digest_and_is_in_the_access_audit(api_as, somchai, lee, photo):
    response = api_as(somchai).get(f"/api/v1/evidence/{photo.pk}/download/")
    assert response.status_code == 200
    content = _body(response)
    digest = hashlib.sha256(content).digest()
    assert response["Repr-Digest"] == f"sha-256=:{base64.b64encode(digest).decode()}:"
    assert hashlib.sha256(content).hexdigest() == photo.sha256
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    access = SeizureAccess.objects.get(seizure=photo.seizure, action="download")
    assert (access.user, access.agency.code) == (somchai, "TCD")
    # The owning agency's admin reads it in the access audit.
    rows = api_as(lee).get("/api/v1/audit/accesses/?action=download").json()["results"]
    assert [(r["agency"], r["action"], r["user"]["id"]) for r in rows] == [("TCD", "download", somchai.pk)]


def test_own_agency_download_is_not_an_outside_access(api_as, kim, photo):
    assert api_as(kim).get(f"/api/v1/evidence/{photo.pk}/download/").status_code == 200
    assert not SeizureAccess.objects.filter(action="download").exists()


def test_agency_that_does_not_see_the_seizure_gets_404(api_as, maria, photo):
    photo.seizure.sharing = "agency"
    photo.seizure.save(update_fields=["sharing"])
    assert api_as(maria).get(f"/api/v1/evidence/{photo.pk}/download/").status_code == 404
    assert api_as(maria).get(f"/api/v1/evidence/{photo.pk}/").status_code == 404
    assert api_as(maria).get(f"/api/v1/seizures/{photo.seizure_id}/evidence/").status_code == 404


def test_tampered_file_is_409_with_audit_entry_and_alert_to_the_agency(
    api_as, somchai, photo, evidence_dir, django_capture_on_commit_callbacks
):
    stored = evidence_dir / photo.storage_key
    stored.write_bytes(stored.read_bytes() + b"tampered")
    with django_capture_on_commit_callbacks(execute=False):
        response = api_as(somchai).get(f"/api/v1/evidence/{photo.pk}/download/")
    assert response.status_code == 409
    assert "SHA-256" in response.json()["detail"]
    event = EvidenceEvent.objects.get(action="integrity_failed")
    assert (event.evidence, event.by, event.sha256) == (photo, somchai, photo.sha256)
    assert event.found_sha256 == hashlib.sha256(stored.read_bytes()).hexdigest()
    alert = Alert.objects.get(seizure=photo.seizure, priority="urgent")
    assert [d.agency.code for d in alert.deliveries.all()] == ["KCS"]
    assert photo.filename in alert.title
    # Nobody of another agency downloaded anything: the refused download is not an access.
    assert not SeizureAccess.objects.filter(action="download").exists()
    # A second try is refused and audited again, without a second alert for the same bytes.
    assert api_as(somchai).get(f"/api/v1/evidence/{photo.pk}/download/").status_code == 409
    assert EvidenceEvent.objects.filter(action="integrity_failed").count() == 2
    assert Alert.objects.filter(seizure=photo.seizure, priority="urgent").count() == 1


def test_missing_file_is_409_too(api_as, kim, photo, evidence_dir):
    (evidence_dir / photo.storage_key).unlink()
    assert api_as(kim).get(f"/api/v1/evidence/{photo.pk}/download/").status_code == 409
    assert EvidenceEvent.objects.filter(action="integrity_failed", found_sha256="").exists()


def test_page_download_is_checked_the_same_way(client_as, somchai, photo, evidence_dir):
    client = client_as(somchai)
    response = client.get(f"/evidence/{photo.pk}/download/")
    assert response.status_code == 200
    assert hashlib.sha256(_body(response)).hexdigest() == photo.sha256
    (evidence_dir / photo.storage_key).write_bytes(pdf_bytes())
    assert client.get(f"/evidence/{photo.pk}/download/").status_code == 409


def test_storage_is_not_reachable_by_a_url(client_as, kim, photo):
    assert client_as(kim).get(f"/media/{photo.storage_key}").status_code == 404
    assert client_as(kim).get(f"/static/{photo.storage_key}").status_code == 404
