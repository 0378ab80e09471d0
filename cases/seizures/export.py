"""The seizure CSV export of the API and of the pages: one format, streamed, audited as it goes.

Seizures are read a chunk at a time as plain rows with their child rows
(cases.seizures.api_output: on PostgreSQL one query a chunk), so memory stays flat however
many rows the filter selects. The access audit of other agencies' seizures is written chunk
by chunk, for the rows actually sent, so the first byte leaves at once.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from django.db.models import F, QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from cases.seizures.api_output import represent, seizure_rows
from cases.seizures.models import Seizure
from cases.seizures.services import ExportAudit
from crackdown.numbers import plain_kg

CHUNK = 2000

Cell = Callable[[dict[str, Any], dict[str, Any]], Any]


def _as_answered(field: str) -> Cell:
    return lambda row, seizure: seizure[field]


def _quantity(item: dict[str, Any]) -> str:
    return f"{item['drug']} {Decimal(item['quantity']).normalize():f} {item['unit']}"


# The CSV's columns in its order, each with how its cell is made from the seizure's row and its
# API object (represent()): the header is this table's keys, so a column is written once.
CELLS: dict[str, Cell] = {
    "reference": _as_answered("reference"),
    "external_reference": _as_answered("external_reference"),
    "agency": _as_answered("agency"),
    "status": _as_answered("status"),
    "occurred_at": lambda row, seizure: row["occurred_at"].isoformat(),
    "country": _as_answered("country"),
    "location": _as_answered("location"),
    "transport_mode": _as_answered("transport_mode"),
    "detection_method": _as_answered("detection_method"),
    "concealment": _as_answered("concealment"),
    "origin_country": _as_answered("origin_country"),
    "transit_countries": lambda row, seizure: ";".join(seizure["transit_countries"]),
    "destination_country": _as_answered("destination_country"),
    # represent() names the operation only to readers who may know it.
    "operation": lambda row, seizure: row["operation_code"] if seizure["operation"] is not None else "",
    "sharing": _as_answered("sharing"),
    "drugs": lambda row, seizure: ";".join(sorted({item["drug"] for item in seizure["items"]})),
    "items": lambda row, seizure: "; ".join(_quantity(item) for item in seizure["items"]),
    "total_weight_kg": lambda row, seizure: plain_kg(row["total_weight_kg"]),
    "tablets": lambda row, seizure: plain_kg(row["tablets"]),
    "items_without_weight": _as_answered("items_without_weight"),
    "identifiers": lambda row, seizure: "; ".join(f"{i['kind']}:{i['normalized']}" for i in seizure["identifiers"]),
    "persons": lambda row, seizure: len(seizure["persons"]),
}
COLUMNS = list(CELLS)


def export_response(queryset: QuerySet[Seizure], *, user) -> StreamingHttpResponse:
    """The seizures of the queryset (already visible_to the user and filtered) as a CSV download."""
    response = StreamingHttpResponse(csv_lines(queryset, user=user), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="seizures-{stamp}.csv"'
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def cell(value) -> str:
    """Neutralise spreadsheet formulas: a cell never starts with = + - @ (nor tab, CR).

    Such a cell is written with an apostrophe before it, as spreadsheets do for text; so is a
    cell that already starts with apostrophes before one of them, so that `unescape_cell`
    (what the bulk import reads) gives back exactly the value written.
    """
    text = "" if value is None else str(value)
    if text[:1] in FORMULA_STARTS or (text[:1] == ESCAPE and text.lstrip(ESCAPE)[:1] in FORMULA_STARTS):
        return ESCAPE + text
    return text


def unescape_cell(text: str) -> str:
    """The value `cell` escaped: one apostrophe less before a formula-looking cell."""
    if text[:1] == ESCAPE and text.lstrip(ESCAPE)[:1] in FORMULA_STARTS:
        return text[1:]
    return text


def csv_lines(queryset: QuerySet[Seizure], *, user) -> Iterator[str]:
    """The header, then one line per seizure, newest first; other agencies' rows are audited per chunk."""
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    rows = seizure_rows(queryset).annotate(operation_code=F("operation__code"))
    audit = ExportAudit(user)
    chunk: list[dict] = []
    for row in rows.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield from _chunk_lines(writer, chunk, user, audit)
            chunk = []
    if chunk:
        yield from _chunk_lines(writer, chunk, user, audit)


def _chunk_lines(writer, rows: list[dict], user, audit: ExportAudit) -> Iterator[str]:
    audit.add({row["id"]: row["agency_id"] for row in rows})
    cells = tuple(CELLS.values())
    for row, seizure in zip(rows, represent(rows, user=user), strict=True):
        yield writer.writerow([cell(make(row, seizure)) for make in cells])
