"""GET …/report.pdf: the PDF reports of API.md "Reports" (errors answer in JSON)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import renderers
from rest_framework.views import APIView

from cases.reports import documents
from crackdown.api.renderers import JSONRenderer
from crackdown.pdf import pdf_response
from members.http import AuthenticatedRequest


class PDFRenderer(renderers.BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else str(data).encode()


class PDFAsBytesRenderer(PDFRenderer):
    """The same PDF for a client that asks for plain bytes (Accept: application/octet-stream)."""

    media_type = "application/octet-stream"
    format = "bin"


def _pdf_view(name: str, build: Callable[[Any, Any], tuple[bytes, str]], tag: str, summary: str) -> type[APIView]:
    @extend_schema(
        tags=[tag],
        responses={
            (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description="The report as PDF")
            for media_type in (PDFRenderer.media_type, PDFAsBytesRenderer.media_type)
        },
        summary=summary,
    )
    class View(APIView):
        # JSON first: errors (401/403/404) answer in the contract's {"detail"} shape.
        renderer_classes = [JSONRenderer, PDFRenderer, PDFAsBytesRenderer]

        def get(self, request: AuthenticatedRequest, pk: Any) -> HttpResponse:
            pdf, filename = build(request, pk)
            response = pdf_response(pdf, filename)
            if isinstance(request.accepted_renderer, PDFAsBytesRenderer):
                response["Content-Type"] = PDFAsBytesRenderer.media_type
            return response

    View.__name__ = View.__qualname__ = name
    return View


OperationReportPDF = _pdf_view(
    "OperationReportPDF",
    documents.operation_report_pdf,
    "operations",
    "After-action report as PDF, in your language (agencies that accepted)",
)
SeizureReportPDF = _pdf_view(
    "SeizureReportPDF", documents.seizure_report_pdf, "seizures", "Seizure report as PDF, in your language"
)
DeliveryRecordPDF = _pdf_view(
    "DeliveryRecordPDF",
    documents.delivery_record_pdf,
    "controlled deliveries",
    "Controlled delivery record as PDF, in your language",
)
