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

from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpResponse

from cases.choices import AssignmentStatus, Drug, TransportMode, Unit
from cases.operations.models import JointOperation
from cases.seizures.models import Seizure, SeizureItem
from crackdown.numbers import plain_kg

ZERO = Decimal("0.000")
# Per seizure: count, kg equivalent, tablets, items without a kg equivalent.
SEIZURE_MEASURES = {
    "n": Count("id"),
    "weight": Sum("total_weight_kg"),
    "n_tablets": Sum("tablets"),
    "unweighed": Sum("items_without_weight"),
}


@dataclass
class Report:
    operation: JointOperation
    seizures: int
    weight_kg: Decimal
    tablets: Decimal = ZERO
    items_without_weight: int = 0
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
    totals = seizures.aggregate(**SEIZURE_MEASURES)
    drug_labels = dict(Drug.choices)
    by_drug = [
        _row("drug", row["drug"], drug_labels.get(row["drug"], row["drug"]), row)
        for row in SeizureItem.objects.filter(seizure__in=seizures.values("pk"))
        .values("drug")
        .annotate(
            n=Count("seizure", distinct=True),
            weight=Sum("kg_equivalent"),
            n_tablets=Sum("quantity", filter=Q(unit=Unit.TABLET)),
            unweighed=Count("id", filter=Q(kg_equivalent__isnull=True)),
        )
        .order_by("-weight", "drug")
    ]
    by_agency = [
        _row("agency", row["agency__code"], row["agency__name"], row)
        for row in _seizures_by(seizures, "agency__code", "agency__name")
    ]
    mode_labels = dict(TransportMode.choices)
    by_mode = [
        _row(
            "transport_mode", row["transport_mode"], mode_labels.get(row["transport_mode"], row["transport_mode"]), row
        )
        for row in _seizures_by(seizures, "transport_mode")
    ]
    assignments = dict.fromkeys(AssignmentStatus.values, 0)
    for row in operation.assignments.order_by().values("status").annotate(n=Count("id")):
        assignments[row["status"]] = row["n"]
    return Report(
        operation=operation,
        seizures=totals["n"] or 0,
        weight_kg=totals["weight"] or ZERO,
        tablets=totals["n_tablets"] or ZERO,
        items_without_weight=totals["unweighed"] or 0,
        by_drug=by_drug,
        by_agency=by_agency,
        by_transport_mode=by_mode,
        assignments=assignments,
    )


def _seizures_by(seizures: QuerySet[Seizure], *fields: str) -> QuerySet:
    """Seizures, kg equivalent, tablets and items without weight per group of `fields`, heaviest first."""
    return seizures.order_by().values(*fields).annotate(**SEIZURE_MEASURES).order_by("-weight", fields[0])


def _row(key: str, value: str, label: str, group: dict) -> dict:
    """One line of a breakdown table, from a group annotated with n, weight, tablets and unweighed."""
    return {
        key: value,
        "label": label,
        "seizures": group["n"],
        "weight_kg": group["weight"] or ZERO,
        "tablets": group["n_tablets"] or ZERO,
        "items_without_weight": group["unweighed"] or 0,
    }


def report_csv(report: Report) -> str:
    """The report as one CSV table: section, key, seizures, kg equivalent, tablets, items without weight.

    Weights and tablets as crackdown.numbers.plain_kg writes them: "." as the decimal mark, no
    grouping, at most 3 decimals.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    op = report.operation
    writer.writerow(["section", "key", "seizures", "weight_kg", "tablets", "items_without_weight"])
    writer.writerow(["operation", op.code, "", "", "", ""])
    writer.writerow(["name", _safe(op.name), "", "", "", ""])
    writer.writerow(["status", op.status, "", "", "", ""])
    writer.writerow(["period", f"{op.starts_on.isoformat()}/{op.ends_on.isoformat()}", "", "", "", ""])
    writer.writerow(["lead_agency", op.lead_agency.code, "", "", "", ""])
    for participation in op.participations.all():
        writer.writerow(
            ["participant", f"{participation.agency.code}:{participation.role}:{participation.status}", "", "", "", ""]
        )
    writer.writerow(["total", "all", *_figures(vars(report))])
    for section, key, rows in (
        ("drug", "drug", report.by_drug),
        ("agency", "agency", report.by_agency),
        ("transport_mode", "transport_mode", report.by_transport_mode),
    ):
        for row in rows:
            writer.writerow([section, row[key], *_figures(row)])
    for status, count in report.assignments.items():
        writer.writerow(["assignments", status, count, "", "", ""])
    return out.getvalue()


def _figures(row: dict) -> list:
    return [row["seizures"], plain_kg(row["weight_kg"]), plain_kg(row["tablets"]), row["items_without_weight"]]


def report_csv_response(report: Report) -> HttpResponse:
    """The CSV download of the report, named after the operation's code."""
    response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{report.operation.code}-report.csv"'
    return response


def _safe(value: str) -> str:
    # A cell that starts like a formula is run by spreadsheets (CSV injection): defuse it.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
