"""Reading an import file: CSV (UTF-8, with or without BOM) or XLSX, one row at a time.

The layout is the seizure export's (cases.seizures.export.COLUMNS), so an export re-imports
as it is; the WCO CEN seizure template's column names are read as the columns they map to
(CEN_COLUMNS, documented in docs/imports.md). Columns the import does not read (the agency,
status, drugs, total weight and persons count the export writes, and any other) are
ignored. Rows are streamed: a file of any length is read in constant memory (openpyxl's
read-only mode for XLSX), twice per import (validation, then the write).

Cells come back as text, the export's formula escape taken off (`unescape_cell`); a formula
in an XLSX cell is its text, never its value.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

import openpyxl
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.seizures.export import unescape_cell

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
# A field of a CSV may be long (notes), never longer than this.
MAX_FIELD = 100_000

# The columns the import reads, in the export's order; `notes` is read when present.
READ_COLUMNS = (
    "reference",
    "external_reference",
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
    "items",
    "identifiers",
    "notes",
)
# Without these a row cannot describe a seizure: a file missing one is refused as a whole.
REQUIRED_COLUMNS = ("occurred_at", "transport_mode", "detection_method", "items")
# The CEN template describes one drug per row in three columns; they make the `items` cell.
CEN_ITEM_COLUMNS = ("cen_drug", "cen_quantity", "cen_unit")

# WCO CEN seizure template column (lower case, spaces as "_") -> the column it maps to.
CEN_COLUMNS = {
    "seizure_date": "occurred_at",
    "date_of_seizure": "occurred_at",
    "country_of_seizure": "country",
    "seizure_country": "country",
    "place_of_seizure": "location",
    "location_of_seizure": "location",
    "means_of_transport": "transport_mode",
    "transport_mode": "transport_mode",
    "detection_method": "detection_method",
    "method_of_detection": "detection_method",
    "concealment_method": "concealment",
    "method_of_concealment": "concealment",
    "country_of_departure": "origin_country",
    "departure_country": "origin_country",
    "country_of_origin": "origin_country",
    "transit_countries": "transit_countries",
    "countries_of_transit": "transit_countries",
    "country_of_destination": "destination_country",
    "destination_country": "destination_country",
    "national_reference": "external_reference",
    "case_number": "external_reference",
    "national_case_number": "external_reference",
    "type_of_drug": "cen_drug",
    "drug_type": "cen_drug",
    "quantity": "cen_quantity",
    "unit": "cen_unit",
    "unit_of_measure": "cen_unit",
    "remarks": "notes",
}

TEMPLATE_COLUMNS = ("external_reference", *(c for c in READ_COLUMNS if c not in ("reference", "external_reference")))
TEMPLATE_EXAMPLE = {
    "external_reference": "2026-BUS-0001",
    "occurred_at": "2026-03-14T09:30:00+09:00",
    "country": "KR",
    "location": "Busan New Port",
    "transport_mode": "sea_container",
    "detection_method": "xray",
    "concealment": "Inside machinery",
    "origin_country": "TH",
    "transit_countries": "MY;VN",
    "destination_country": "KR",
    "operation": "",
    "sharing": "members",
    "items": "methamphetamine 12.5 kg; ketamine 300 g",
    "identifiers": "container:CSQU3054383",
    "notes": "",
}


class FileRefused(Exception):
    """The file as a whole cannot be imported; the message says why, in the user's language."""

    def __init__(self, message: str, *, field: str = "file") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Layout:
    """What the header says: the format, the columns read and where each is."""

    format: str
    positions: dict[str, int]

    @property
    def cen(self) -> bool:
        return "cen_drug" in self.positions


NOT_CSV_OR_XLSX = gettext_lazy("Upload a CSV file (UTF-8) or an Excel workbook (.xlsx).")


def detect_format(name: str, head: bytes) -> str:
    """ "csv" or "xlsx" from the file's first bytes and its name; FileRefused otherwise."""
    lower = name.lower()
    if head.startswith(b"PK\x03\x04"):
        if lower.endswith(".xlsx"):
            return "xlsx"
        raise FileRefused(str(NOT_CSV_OR_XLSX))
    if lower.endswith((".csv", ".txt")) or not lower.rpartition(".")[1]:
        if b"\x00" in head:
            raise FileRefused(str(NOT_CSV_OR_XLSX))
        return "csv"
    raise FileRefused(str(NOT_CSV_OR_XLSX))


def _column_name(header: Any) -> str:
    return str(header or "").strip().lstrip("\ufeff").strip().lower().replace(" ", "_").replace("-", "_")


def layout_of(header: list[Any], fmt: str) -> Layout:
    """The columns of a header row; FileRefused naming the required columns it lacks."""
    positions: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = _column_name(raw)
        name = name if name in READ_COLUMNS else CEN_COLUMNS.get(name, "")
        if name and name not in positions:
            positions[name] = index
    if all(column in positions for column in CEN_ITEM_COLUMNS) and "items" not in positions:
        positions["items"] = -1  # made of the three CEN columns
    missing = [column for column in REQUIRED_COLUMNS if column not in positions]
    if missing:
        raise FileRefused(
            _("The file has no column %(columns)s. The first row must name the columns, as in the template.")
            % {"columns": ", ".join(f"“{column}”" for column in missing)}
        )
    return Layout(format=fmt, positions=positions)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    return unescape_cell(str(value).strip())


def _row_values(layout: Layout, cells: list[Any] | tuple[Any, ...]) -> dict[str, str]:
    values = {}
    for column, index in layout.positions.items():
        if index >= 0:
            values[column] = _text(cells[index]) if index < len(cells) else ""
    if layout.positions.get("items") == -1:
        drug, quantity, unit = (values.pop(column, "") for column in CEN_ITEM_COLUMNS)
        values["items"] = " ".join(part for part in (drug.replace(" ", "_"), quantity, unit) if part)
    return values


# --- CSV -------------------------------------------------------------------------------------


def _csv_lines(stream: IO[bytes]) -> Iterator[str]:
    """The file's text, line by line, strictly UTF-8 (a BOM dropped); FileRefused otherwise."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="")
    try:
        yield from text
    except UnicodeDecodeError:
        raise FileRefused(
            _("The file is not UTF-8 text. Save it as “CSV UTF-8” (or as an Excel workbook) and upload it again.")
        ) from None
    finally:
        try:
            text.detach()  # leave the caller's stream open
        except ValueError:
            pass  # already closed by its owner


def _csv_rows(stream: IO[bytes]) -> Iterator[list[str]]:
    try:
        yield from csv.reader(_csv_lines(stream), strict=False)
    except csv.Error as exc:
        raise FileRefused(_("The file is not a readable CSV file (%(error)s).") % {"error": exc}) from None


# --- XLSX ------------------------------------------------------------------------------------


@contextmanager
def _workbook(stream: IO[bytes]) -> Iterator[Any]:
    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise FileRefused(_("The Excel workbook cannot be read. Save it again as .xlsx and upload it.")) from None
    try:
        yield workbook
    finally:
        workbook.close()


def _xlsx_rows(stream: IO[bytes]) -> Iterator[tuple[Any, ...]]:
    with _workbook(stream) as workbook:
        sheet = workbook.worksheets[0]
        yield from sheet.iter_rows(values_only=True)


# --- the entry points ------------------------------------------------------------------------


def _raw_rows(stream: IO[bytes], fmt: str) -> Iterator[Any]:
    return _xlsx_rows(stream) if fmt == "xlsx" else _csv_rows(stream)


def _blank(cells: Any) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in cells)


def survey(stream: IO[bytes], fmt: str) -> tuple[Layout, int]:
    """Read the whole file once: its layout and how many data rows it has.

    Refuses (FileRefused) a file that is not UTF-8, has no header or lacks a required column,
    has no row, or has more than MAX_ROWS rows; nothing is kept in memory but the count.
    """
    csv.field_size_limit(MAX_FIELD)
    rows = _raw_rows(stream, fmt)
    layout = None
    count = 0
    for cells in rows:
        if layout is None:
            if _blank(cells):
                continue
            layout = layout_of(list(cells), fmt)
            continue
        if _blank(cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise FileRefused(
                _("The file has more than %(max)s rows. Split it into files of at most %(max)s rows.")
                % {"max": f"{MAX_ROWS:,}"}
            )
    if layout is None:
        raise FileRefused(_("The file is empty."))
    if count == 0:
        raise FileRefused(_("The file has a header but no rows."))
    return layout, count


def read_rows(stream: IO[bytes], layout: Layout) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number as a spreadsheet shows it, {column: text}) for each non-blank data row."""
    csv.field_size_limit(MAX_FIELD)
    header_seen = False
    for number, cells in enumerate(_raw_rows(stream, layout.format), start=1):
        if _blank(cells):
            continue
        if not header_seen:
            header_seen = True
            continue
        yield number, _row_values(layout, cells)
