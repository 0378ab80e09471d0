"""The after-action report of an operation: a selector over what the reader may see.

Totals start from `Seizure.objects.visible_to(reader)`: a linked seizure of another agency
that the reader may not see (e.g. shared with its own agency only) counts nowhere. All sums
are computed by the database.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum

from cases.choices import AssignmentStatus, Drug, TransportMode
from cases.operations.models import JointOperation
from cases.seizures.models import Seizure, SeizureItem

ZERO = Decimal("0.000")


@dataclass
class Report:
    operation: JointOperation
    seizures: int
    weight_kg: Decimal
    by_drug: list[dict] = field(default_factory=list)
    by_agency: list[dict] = field(default_factory=list)
    by_transport_mode: list[dict] = field(default_factory=list)
    assignments: dict[str, int] = field(default_factory=dict)


def linked_seizures_visible_to(user, operation: JointOperation):
    return Seizure.objects.visible_to(user).filter(operation=operation)


def operation_report(*, operation: JointOperation, user) -> Report:
    """Totals of the seizures linked to the operation that `user` may see, and assignments by status.

    Five queries whatever the size: totals, by drug, by agency, by transport mode, assignments.
    """
    seizures = linked_seizures_visible_to(user, operation)
    totals = seizures.aggregate(n=Count("id"), weight=Sum("total_weight_kg"))
    drug_labels = dict(Drug.choices)
    by_drug = [
        {
            "drug": row["drug"],
            "label": drug_labels.get(row["drug"], row["drug"]),
            "seizures": row["n"],
            "weight_kg": row["weight"] or ZERO,
        }
        for row in SeizureItem.objects.filter(seizure__in=seizures.values("pk"))
        .values("drug")
        .annotate(n=Count("seizure", distinct=True), weight=Sum("weight_kg"))
        .order_by("drug")
    ]
    by_agency = [
        {
            "agency": row["agency__code"],
            "label": row["agency__name"],
            "seizures": row["n"],
            "weight_kg": row["weight"] or ZERO,
        }
        for row in seizures.order_by()
        .values("agency__code", "agency__name")
        .annotate(n=Count("id"), weight=Sum("total_weight_kg"))
        .order_by("agency__code")
    ]
    mode_labels = dict(TransportMode.choices)
    by_mode = [
        {
            "transport_mode": row["transport_mode"],
            "label": mode_labels.get(row["transport_mode"], row["transport_mode"]),
            "seizures": row["n"],
            "weight_kg": row["weight"] or ZERO,
        }
        for row in seizures.order_by()
        .values("transport_mode")
        .annotate(n=Count("id"), weight=Sum("total_weight_kg"))
        .order_by("transport_mode")
    ]
    assignments = dict.fromkeys(AssignmentStatus.values, 0)
    for row in operation.assignments.order_by().values("status").annotate(n=Count("id")):
        assignments[row["status"]] = row["n"]
    return Report(
        operation=operation,
        seizures=totals["n"] or 0,
        weight_kg=totals["weight"] or ZERO,
        by_drug=by_drug,
        by_agency=by_agency,
        by_transport_mode=by_mode,
        assignments=assignments,
    )


def report_csv(report: Report) -> str:
    """The report as one CSV table: section, key, seizures, weight (kg)."""
    out = io.StringIO()
    writer = csv.writer(out)
    op = report.operation
    writer.writerow(["section", "key", "seizures", "weight_kg"])
    writer.writerow(["operation", op.code, "", ""])
    writer.writerow(["name", _safe(op.name), "", ""])
    writer.writerow(["status", op.status, "", ""])
    writer.writerow(["period", f"{op.starts_on.isoformat()}/{op.ends_on.isoformat()}", "", ""])
    writer.writerow(["lead_agency", op.lead_agency.code, "", ""])
    for participation in op.participations.all():
        writer.writerow(
            ["participant", f"{participation.agency.code}:{participation.role}:{participation.status}", "", ""]
        )
    writer.writerow(["total", "all", report.seizures, report.weight_kg])
    for row in report.by_drug:
        writer.writerow(["drug", row["drug"], row["seizures"], row["weight_kg"]])
    for row in report.by_agency:
        writer.writerow(["agency", row["agency"], row["seizures"], row["weight_kg"]])
    for row in report.by_transport_mode:
        writer.writerow(["transport_mode", row["transport_mode"], row["seizures"], row["weight_kg"]])
    for status, count in report.assignments.items():
        writer.writerow(["assignments", status, count, ""])
    return out.getvalue()


def _safe(value: str) -> str:
    # A cell that starts like a formula is run by spreadsheets (CSV injection): defuse it.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
