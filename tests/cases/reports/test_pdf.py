"""PDF reports: they open, read in the reader's language (Hangul and Thai extracted by
pdftotext), carry the totals of the JSON report, and hold only what the reader may see."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from cases.operations.services import operation_create, operation_invite, operation_respond
from cases.seizures.models import SeizureAccess
from crackdown.pdf import FontFetcher, font_css
from members.models import Role
from tests.cases.deliveries.conftest import th_to_kr
from tests.factories import SeizureFactory, UserFactory, agency

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed"),
]


@pytest.fixture
def hoa(db):
    """Vietnamese coordinator: not on the delivery."""
    return UserFactory(email="hoa@gdvc.test", full_name="Hoa", agency=agency("GDVC"), role=Role.COORDINATOR)


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return done.stdout.decode()


@pytest.fixture
def operation(park, niran, kcs, tcd):
    today = timezone.localdate()
    op = operation_create(name="Golden Route", starts_on=today, ends_on=today + dt.timedelta(days=30), by=park)
    operation_invite(operation=op, agencies=[tcd], by=park)
    operation_respond(operation=op, accept=True, by=niran)
    SeizureFactory(agency=kcs, operation=op, status="submitted", items=[("methamphetamine", Decimal("12.5"), "kg")])
    SeizureFactory(agency=tcd, operation=op, status="submitted", items=[("heroin", Decimal("3.25"), "kg")])
    # Shared with Thailand's own agency only: counted for TCD, nowhere for KCS.
    SeizureFactory(
        agency=tcd, operation=op, status="submitted", sharing="agency", items=[("cocaine", Decimal("100"), "kg")]
    )
    return op


def test_the_operation_report_pdf_has_the_totals_of_the_json(api_as, park, operation):
    client = api_as(park)
    report = client.get(f"/api/v1/operations/{operation.pk}/report/").json()["totals"]
    response = client.get(f"/api/v1/operations/{operation.pk}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    assert "After-action report" in text and operation.code in text
    assert report["seizures"] == 2
    assert f"{Decimal(report['weight_kg']).normalize():f}" in text  # 15.75
    assert "100" not in text.replace(operation.code, "")  # the hidden cocaine seizure
    assert "Page 1 / 2" in text and "Page 2 / 2" in text  # numbered, on every page
    assert text.count("Korea Customs Service") >= 2 and text.count("Generated for Park") == 2


def test_the_report_reads_in_korean_and_in_thai(api_as, park, niran, operation):
    for user, language in ((park, "ko"), (niran, "th")):
        response = api_as(user).get(f"/api/v1/operations/{operation.pk}/report.pdf", HTTP_ACCEPT_LANGUAGE=language)
        text = text_of(response.content)
        with translation.override(language):
            heading = translation.gettext("Participants")
            page = translation.gettext("Page")
        assert heading != "Participants" and heading in text
        assert f"{page} 1 / " in text
        # Hangul or Thai glyphs came through the fonts and back out of the PDF.
        script = ("\uac00", "\ud7a3") if language == "ko" else ("\u0e01", "\u0e5b")
        assert any(script[0] <= ch <= script[1] for ch in text)


def test_a_seizure_report_is_audited_and_hidden_from_who_may_not_see_it(api_as, kim, somchai, maria, kcs):
    seizure = SeizureFactory(agency=kcs, status="submitted", sharing="agency", items=[("ketamine", Decimal("2"), "kg")])
    assert api_as(maria).get(f"/api/v1/seizures/{seizure.pk}/report.pdf").status_code == 404
    assert api_as(somchai).get(f"/api/v1/seizures/{seizure.pk}/report.pdf").status_code == 404
    own = api_as(kim).get(f"/api/v1/seizures/{seizure.pk}/report.pdf")
    assert own.status_code == 200
    assert seizure.reference in text_of(own.content)
    shared = SeizureFactory(agency=kcs, status="submitted", sharing="members", items=[("ketamine", Decimal("2"), "kg")])
    assert api_as(somchai).get(f"/api/v1/seizures/{shared.pk}/report.pdf").status_code == 200
    assert SeizureAccess.objects.filter(seizure=shared, agency=agency("TCD"), action="report").count() == 1


def test_the_delivery_record_pdf(api_as, park, hoa):
    pk = api_as(park).post("/api/v1/controlled-deliveries/", th_to_kr(), format="json").json()["id"]
    response = api_as(park).get(f"/api/v1/controlled-deliveries/{pk}/report.pdf")
    text = text_of(response.content)
    assert "Controlled delivery record" in text and "Suvarnabhumi" in text and "Asia/Seoul" in text
    assert api_as(hoa).get(f"/api/v1/controlled-deliveries/{pk}/report.pdf").status_code == 404


def test_fonts_are_chosen_for_the_text_and_nothing_else_is_fetched():
    assert "noto-sans-thai-thai" in font_css("การยึด") or "sans-serif" in font_css("การยึด")
    assert "noto-sans-thai" not in font_css("Seizure report")
    assert "noto-sans-kr-latin" in font_css("Seizure report")
    with pytest.raises(ValueError):
        FontFetcher().fetch("https://example.org/font.woff")
    with pytest.raises(ValueError):
        FontFetcher().fetch("file:///etc/passwd")


def test_the_seizure_report_carries_its_evidence_custody_and_purity(api_as, kim, somchai, kcs):
    from io import BytesIO

    from django.utils import timezone as tz
    from PIL import Image

    from cases.evidence.models import CustodyEntry, Evidence

    seizure = SeizureFactory(agency=kcs, status="submitted", items=[("heroin", Decimal("3"), "kg")])
    picture = BytesIO()
    Image.new("RGB", (8, 8), "red").save(picture, format="JPEG")
    Evidence.objects.create(
        seizure=seizure,
        kind="photo",
        filename="lining.jpg",
        storage_key="2026/12/report-test",
        content_type="image/jpeg",
        size=100,
        sha256="ab" * 32,
        thumbnail=picture.getvalue(),
        uploaded_by=kim,
    )
    CustodyEntry.objects.create(
        seizure=seizure, action="transferred", from_holder="Officer Kim", to_holder="Busan evidence room", at=tz.now()
    )
    response = api_as(somchai).get(f"/api/v1/seizures/{seizure.pk}/report.pdf")
    text = text_of(response.content)
    assert "lining.jpg" in text and "Busan evidence room" in text and "Chain of custody" in text
    assert b"/Subtype /Image" in response.content  # the thumbnail is drawn
