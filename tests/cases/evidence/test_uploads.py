"""Uploads: hashed while streamed, typed by content, limited in size, nothing half-stored."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.db import connection
from PIL import Image

from cases.evidence.models import Evidence, EvidenceEvent
from tests.cases.evidence.conftest import exe_bytes, jpeg_with_gps, pdf_bytes, png_bomb, stored_files, upload

pytestmark = pytest.mark.django_db


def _url(seizure) -> str:
    return f"/api/v1/seizures/{seizure.pk}/evidence/"


def test_officer_uploads_a_photo_hashed_and_typed_by_content(api_as, kim, shared_seizure, evidence_dir):
    content = jpeg_with_gps()
    response = api_as(kim).post(
        _url(shared_seizure),
        {"file": upload("container.png", content, "image/png"), "kind": "photo", "description": "Concealment"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    assert body["content_type"] == "image/jpeg"  # what the bytes are, not what the name or client said
    assert body["size"] == len(content)
    assert body["filename"] == "container.png"
    assert body["uploaded_by"] == {"id": kim.pk, "full_name": kim.full_name}
    assert set(body) == {
        "id",
        "kind",
        "filename",
        "content_type",
        "size",
        "sha256",
        "description",
        "uploaded_by",
        "uploaded_at",
    }
    [path] = stored_files(evidence_dir)
    assert path.read_bytes() == content
    assert "container" not in str(path)  # the key is random, never the uploader's name
    evidence = Evidence.objects.get(pk=body["id"])
    assert len(evidence.storage_key.rsplit("/", 1)[-1]) == 32
    assert EvidenceEvent.objects.filter(evidence=evidence, action="uploaded", by=kim).exists()


def test_thumbnail_has_no_exif_location(client_as, kim, shared_seizure, api_as):
    content = jpeg_with_gps()
    assert Image.open(io.BytesIO(content)).getexif().get_ifd(0x8825)  # the photo carries GPS
    api_as(kim).post(_url(shared_seizure), {"file": upload("p.jpg", content), "kind": "photo"}, format="multipart")
    evidence = Evidence.objects.get()
    response = client_as(kim).get(f"/evidence/{evidence.pk}/thumbnail/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    thumb = Image.open(io.BytesIO(response.content))
    assert max(thumb.size) <= 480
    assert not thumb.getexif()
    assert b"Exif" not in response.content


def test_executable_renamed_jpg_is_refused_and_nothing_stored(api_as, kim, shared_seizure, evidence_dir):
    response = api_as(kim).post(
        _url(shared_seizure),
        {"file": upload("holiday.jpg", exe_bytes(), "image/jpeg"), "kind": "photo"},
        format="multipart",
    )
    assert response.status_code == 415
    assert "file" in response.json()
    assert not Evidence.objects.exists()
    assert stored_files(evidence_dir) == []


def test_oversized_file_is_413_and_nothing_stored(api_as, kim, shared_seizure, evidence_dir, settings):
    settings.EVIDENCE_MAX_BYTES = 100_000
    settings.EVIDENCE_CHUNK_BYTES = 16 * 1024
    response = api_as(kim).post(
        _url(shared_seizure),
        {"file": upload("big.pdf", pdf_bytes(100_001)), "kind": "lab_report"},
        format="multipart",
    )
    assert response.status_code == 413
    assert "file" in response.json()
    assert not Evidence.objects.exists()
    assert stored_files(evidence_dir) == []


def test_a_file_at_the_limit_is_kept(api_as, kim, shared_seizure, settings):
    settings.EVIDENCE_MAX_BYTES = 100_000
    settings.EVIDENCE_CHUNK_BYTES = 16 * 1024
    response = api_as(kim).post(
        _url(shared_seizure),
        {"file": upload("big.pdf", pdf_bytes(100_000)), "kind": "lab_report"},
        format="multipart",
    )
    assert response.status_code == 201
    assert response.json()["size"] == 100_000


def test_empty_file_is_400(api_as, kim, shared_seizure, evidence_dir):
    response = api_as(kim).post(
        _url(shared_seizure), {"file": upload("empty.pdf", b""), "kind": "document"}, format="multipart"
    )
    assert response.status_code == 400
    assert "file" in response.json()
    assert not Evidence.objects.exists()
    assert stored_files(evidence_dir) == []


def test_decompression_bomb_is_refused_and_nothing_stored(api_as, kim, shared_seizure, evidence_dir):
    response = api_as(kim).post(
        _url(shared_seizure), {"file": upload("scan.png", png_bomb()), "kind": "xray"}, format="multipart"
    )
    assert response.status_code == 400
    assert "pixels" in response.json()["file"][0]
    assert not Evidence.objects.exists()
    assert stored_files(evidence_dir) == []


def test_unknown_kind_is_400_with_the_field(api_as, kim, shared_seizure, evidence_dir):
    response = api_as(kim).post(
        _url(shared_seizure), {"file": upload("a.pdf", pdf_bytes()), "kind": "selfie"}, format="multipart"
    )
    assert response.status_code == 400
    assert "kind" in response.json()
    assert stored_files(evidence_dir) == []


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\kim\\report.pdf", "report.pdf"),
        ("lab\x07\x1b\x7freport\u200b.pdf", "labreport.pdf"),
        ("..hidden.pdf", "hidden.pdf"),
        ("a:b*c?.pdf", "a_b_c_.pdf"),
    ],
)
def test_file_names_are_sanitised(api_as, kim, shared_seizure, evidence_dir, sent, kept):
    response = api_as(kim).post(
        _url(shared_seizure), {"file": upload(sent, pdf_bytes()), "kind": "lab_report"}, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert response.json()["filename"] == kept
    [path] = stored_files(evidence_dir)
    assert path.is_relative_to(evidence_dir)


@pytest.mark.no_schema_check  # a 500 on purpose: the schema describes no server error
def test_a_failed_database_write_leaves_no_file_in_storage(api_as, kim, shared_seizure, evidence_dir):
    """The database refuses the row (here a trigger of the test's own): the stored bytes go too."""
    if connection.vendor != "postgresql":
        pytest.skip("the refusal is a PostgreSQL trigger")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION test_refuse_evidence() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'disk full' USING ERRCODE = 'disk_full'; END $$ LANGUAGE plpgsql"
        )
        cursor.execute(
            "CREATE TRIGGER test_refuse_evidence BEFORE INSERT ON evidence_evidence "
            "FOR EACH ROW EXECUTE FUNCTION test_refuse_evidence()"
        )
    client = api_as(kim)
    client.raise_request_exception = False
    response = client.post(
        _url(shared_seizure), {"file": upload("a.pdf", pdf_bytes()), "kind": "lab_report"}, format="multipart"
    )
    assert response.status_code == 500
    assert stored_files(evidence_dir) == []


def test_only_the_owning_agencys_officers_and_coordinators_upload(
    api_as, lee, somchai, maria, private_seizure, shared_seizure, evidence_dir
):
    data = {"kind": "document"}
    assert (
        api_as(lee)
        .post(_url(shared_seizure), {**data, "file": upload("a.pdf", pdf_bytes())}, format="multipart")
        .status_code
        == 403
    )
    assert (
        api_as(somchai)
        .post(_url(shared_seizure), {**data, "file": upload("a.pdf", pdf_bytes())}, format="multipart")
        .status_code
        == 403
    )
    assert (
        api_as(maria)
        .post(_url(private_seizure), {**data, "file": upload("a.pdf", pdf_bytes())}, format="multipart")
        .status_code
        == 404
    )
    assert stored_files(evidence_dir) == []


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "status", "content_type"),
    [
        ("notes.txt", b"Seal 0042 intact at hand-over.\n" * 3, 201, "text/plain"),
        ("statement.docx", _docx(), 201, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("report.pdf", b"<html><body><script>alert(1)</script></body></html>", 415, None),
        ("scan.png", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', 415, None),
    ],
)
def test_the_allow_list_reads_the_content(api_as, kim, shared_seizure, name, content, status, content_type):
    response = api_as(kim).post(
        _url(shared_seizure), {"file": upload(name, content), "kind": "document"}, format="multipart"
    )
    assert response.status_code == status
    if content_type:
        assert response.json()["content_type"] == content_type
