"""The seizure CSV export of the API and of the pages: one format, streamed, audited as it goes.

Seizures are read a chunk at a time as plain rows with their child rows
(cases.seizures.representation: on PostgreSQL one query a chunk), so memory stays flat however
many rows the filter selects. The access audit of other agencies' seizures is written chunk
by chunk, for the rows actually sent, so the first byte leaves at once.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import F, QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from cases.seizures.models import Seizure, SeizureAccess
from cases.seizures.representation import represent, seizure_rows
from cases.seizures.services import seizure_record_access_by_id

CHUNK = 2000

COLUMNS = [
    "reference",
    "agency",
    "status",
    "occurred_at",
    "country",
    "location",
    "transport_mode",
    "detection_method",
    "concealment",
    "origin_country",
    "transit_countries",
    "destination_country",
    "operation",
    "sharing",
    "drugs",
    "items",
    "total_weight_kg",
    "identifiers",
    "persons",
]


def export_response(queryset: QuerySet[Seizure], *, user) -> StreamingHttpResponse:
    """The seizures of the queryset (already visible_to the user and filtered) as a CSV download."""
    response = StreamingHttpResponse(csv_lines(queryset, user=user), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="seizures-{stamp}.csv"'
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def cell(value) -> str:
    """Neutralise spreadsheet formulas (CSV injection): a cell never starts with = + - @."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def csv_lines(queryset: QuerySet[Seizure], *, user) -> Iterator[str]:
    """The header, then one line per seizure, newest first; other agencies' rows are audited per chunk."""
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    rows = seizure_rows(queryset).annotate(operation_code=F("operation__code"))
    chunk: list[dict] = []
    for row in rows.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield from _chunk_lines(writer, chunk, user)
            chunk = []
    if chunk:
        yield from _chunk_lines(writer, chunk, user)


def _chunk_lines(writer, rows: list[dict], user) -> Iterator[str]:
    seizure_record_access_by_id(
        owners={row["id"]: row["agency_id"] for row in rows}, user=user, action=SeizureAccess.Action.EXPORT
    )
    for row, seizure in zip(rows, represent(rows, user=user), strict=True):
        items = seizure["items"]
        line = (
            seizure["reference"],
            seizure["agency"],
            seizure["status"],
            row["occurred_at"].isoformat(),
            seizure["country"],
            seizure["location"],
            seizure["transport_mode"],
            seizure["detection_method"],
            seizure["concealment"],
            seizure["origin_country"],
            ";".join(seizure["transit_countries"]),
            seizure["destination_country"],
            # represent() names the operation only to readers who may know it.
            row["operation_code"] if seizure["operation"] is not None else "",
            seizure["sharing"],
            ";".join(sorted({i["drug"] for i in items})),
            "; ".join(f"{i['drug']} {Decimal(i['quantity']).normalize():f} {i['unit']}" for i in items),
            seizure["total_weight_kg"],
            "; ".join(f"{i['kind']}:{i['normalized']}" for i in seizure["identifiers"]),
            len(seizure["persons"]),
        )
        yield writer.writerow([cell(value) for value in line])
