"""PDF reports (API.md "Reports") from the same data as the JSON: each document reads through the
access-checked selector of its object, so it holds only what the reader may see, and is
rendered in the reader's language with the agency, the reader and the time on every page."""

from __future__ import annotations

import base64
from typing import Any

from django.utils import timezone

from cases.choices import AssignmentStatus
from cases.deliveries import selectors as delivery_selectors
from cases.deliveries.places import find_place
from cases.deliveries.serializers import ControlledDeliverySerializer
from cases.evidence import selectors as evidence_selectors
from cases.operations import report as operation_reports
from cases.operations import selectors as operation_selectors
from cases.seizures import services as seizure_services
from cases.seizures.models import SeizureAccess
from cases.seizures.selectors import get_seizure_for
from crackdown.pdf import render_pdf


def _page_context(request: Any) -> dict[str, Any]:
    user = request.user
    return {
        "reader": user,
        "reader_agency": getattr(user, "agency", None),
        "generated_at": timezone.localtime(),
    }


def operation_report_pdf(request: Any, pk: Any) -> tuple[bytes, str]:
    """The after-action report of an operation whose board the reader's agency may see."""
    operation = operation_selectors.get_board_for(request.user, pk)
    report = operation_reports.operation_report(operation=operation, user=request.user)
    labels = dict(AssignmentStatus.choices)
    assignments = [(labels.get(status, status), count) for status, count in report.assignments.items()]
    context = {"operation": operation, "report": report, "assignments": assignments, **_page_context(request)}
    return render_pdf("reports/operation.html", context, request=request), f"{operation.code}-report.pdf"


def seizure_report_pdf(request: Any, pk: Any) -> tuple[bytes, str]:
    """One seizure the reader may see, its access recorded as a report on it."""
    seizure = get_seizure_for(request.user, pk)
    seizure_services.seizure_record_access(seizure=seizure, user=request.user, action=SeizureAccess.Action.REPORT)
    thumbnails: dict[int, str] = {}
    for pk_, data in (
        evidence_selectors.evidence_of(seizure).filter(thumbnail__isnull=False).values_list("id", "thumbnail")
    ):
        if data is not None:
            thumbnails[pk_] = "data:image/jpeg;base64," + base64.b64encode(bytes(data)).decode()
    files = [
        {"evidence": evidence, "thumbnail": thumbnails.get(evidence.pk)}
        for evidence in evidence_selectors.evidence_of(seizure)
    ]
    context = {
        "seizure": seizure,
        "files": files,
        "custody": list(evidence_selectors.custody_of(seizure)),
        "purity": [row for row in evidence_selectors.purity_by_item(seizure) if row.percent is not None],
        **_page_context(request),
    }
    return render_pdf("reports/seizure.html", context, request=request), f"{seizure.reference}.pdf"


def delivery_record_pdf(request: Any, pk: Any) -> tuple[bytes, str]:
    """The record of a controlled delivery the reader's agency requested or is on."""
    delivery = delivery_selectors.get_delivery_for(request.user, pk)
    legs = []
    for leg in delivery.legs.all():
        origin, destination = find_place(leg.from_place), find_place(leg.to_place)
        legs.append(
            {
                "leg": leg,
                "from": origin,
                "to": destination,
                "eta_local": destination.local(leg.eta) if destination else None,
            }
        )
    context = {
        "delivery": delivery,
        "data": ControlledDeliverySerializer(delivery).data,
        "legs": legs,
        **_page_context(request),
    }
    return render_pdf("reports/delivery.html", context, request=request), f"{delivery.code}.pdf"
