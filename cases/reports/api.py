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


def _pdf_view(name: str, build: Callable[[Any, Any], tuple[bytes, str]], tag: str, summary: str) -> type[APIView]:
    @extend_schema(
        tags=[tag],
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The report as PDF")},
        summary=summary,
    )
    class View(APIView):
        # JSON first: errors (401/403/404) answer in the contract's {"detail"} shape.
        renderer_classes = [JSONRenderer, PDFRenderer]

        def get(self, request: AuthenticatedRequest, pk: Any) -> HttpResponse:
            pdf, filename = build(request, pk)
            return pdf_response(pdf, filename)

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
