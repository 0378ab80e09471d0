"""Evidence follows its seizure's visibility; only a draft's files are deleted."""

from __future__ import annotations

import pytest

from cases.evidence.models import Evidence, EvidenceEvent
from tests.cases.evidence.conftest import pdf_bytes, stored_files, upload
from tests.factories import SeizureFactory, agency

pytestmark = pytest.mark.django_db


def _upload(client, seizure) -> int:
    response = client.post(
        f"/api/v1/seizures/{seizure.pk}/evidence/",
        {"file": upload("a.pdf", pdf_bytes()), "kind": "document"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


@pytest.mark.parametrize(("sharing", "tcd_sees"), [("members", True), ("agency", False)])
def test_evidence_is_seen_exactly_by_those_who_see_the_seizure(api_as, kim, somchai, maria, sharing, tcd_sees):
    seizure = SeizureFactory(agency=agency("KCS"), sharing=sharing, status="submitted")
    pk = _upload(api_as(kim), seizure)
    expected = 200 if tcd_sees else 404
    assert api_as(somchai).get(f"/api/v1/evidence/{pk}/").status_code == expected
    assert api_as(somchai).get(f"/api/v1/seizures/{seizure.pk}/evidence/").status_code == expected
    assert api_as(somchai).get(f"/api/v1/seizures/{seizure.pk}/custody/").status_code == expected
    assert api_as(kim).get(f"/api/v1/seizures/{seizure.pk}/evidence/").json()["results"][0]["id"] == pk


def test_draft_evidence_is_invisible_to_partners(api_as, kim, somchai):
    draft = SeizureFactory(agency=agency("KCS"), sharing="members", status="draft")
    pk = _upload(api_as(kim), draft)
    assert api_as(somchai).get(f"/api/v1/evidence/{pk}/download/").status_code == 404


@pytest.mark.parametrize("status", ["submitted", "verified"])
def test_evidence_of_a_submitted_or_verified_seizure_is_not_deleted(api_as, kim, status, evidence_dir):
    seizure = SeizureFactory(agency=agency("KCS"), status=status)
    pk = _upload(api_as(kim), seizure)
    assert api_as(kim).delete(f"/api/v1/evidence/{pk}/").status_code == 409
    assert Evidence.objects.filter(pk=pk).exists()
    assert len(stored_files(evidence_dir)) == 1


def test_a_drafts_evidence_is_deleted_with_its_bytes(
    api_as, kim, park, lee, evidence_dir, django_capture_on_commit_callbacks
):
    draft = SeizureFactory(agency=agency("KCS"), status="draft")
    pk = _upload(api_as(kim), draft)
    assert api_as(lee).delete(f"/api/v1/evidence/{pk}/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        assert api_as(park).delete(f"/api/v1/evidence/{pk}/").status_code == 204
    assert not Evidence.objects.filter(pk=pk).exists()
    assert stored_files(evidence_dir) == []
    assert EvidenceEvent.objects.filter(action="deleted", by=park, filename="a.pdf").exists()
