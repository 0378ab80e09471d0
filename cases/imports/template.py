"""The downloadable import template: the columns the import reads, with one example row."""

from __future__ import annotations

import csv
import io

import openpyxl

from cases.imports.reading import TEMPLATE_COLUMNS, TEMPLATE_EXAMPLE
from cases.seizures.export import cell


def template_csv() -> bytes:
    """UTF-8 with a BOM, so that spreadsheets open it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TEMPLATE_COLUMNS)
    writer.writerow([cell(TEMPLATE_EXAMPLE.get(column, "")) for column in TEMPLATE_COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("seizures")
    sheet.append(list(TEMPLATE_COLUMNS))
    sheet.append([TEMPLATE_EXAMPLE.get(column, "") for column in TEMPLATE_COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
