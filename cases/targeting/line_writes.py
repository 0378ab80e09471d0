"""Storing a batch of manifest lines: the known references found, the new lines and their
identifiers written. The bulk of a manifest POST.

On PostgreSQL the lines' ids are drawn from their sequence in one query and each table is
written by one COPY: `bulk_create` of 5,000 lines and ~9,000 identifiers spent ~1 s of Python
preparing every value of every row and turning each column into an array. Elsewhere (SQLite
under `make run`) `bulk_create` writes the same rows. Either way inside the caller's
transaction, so a failure leaves nothing half-saved.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import Any

import orjson
from django.db import connection

from cases.targeting.models import ManifestIdentifier, ManifestLine

# Every column a new line is written with (model field names); the others are NULL.
LINE_COLUMNS = (
    "agency", "kind", "reference", "eta", "transport_mode", "origin_country", "loading_place",
    "transit_countries", "destination_country", "discharge_place", "hs_code", "goods_description",
    "gross_weight_kg", "shipper", "consignee", "shipper_normalized", "consignee_normalized",
    "traveller_nationality", "traveller_birth_year", "traveller_sex", "score", "reasons", "model_version",
    "status", "result", "exam_notes", "created_at", "updated_at",
)  # fmt: skip
JSON_COLUMNS = ("transit_countries", "reasons")
IDENTIFIER_COLUMNS = ("line", "kind", "value", "normalized")


def known_lines(agency_id: int, references: Sequence[str]) -> list[ManifestLine]:
    """The agency's lines with these references, locked for update (a batch re-sending them)."""
    if connection.vendor == "postgresql":
        # One probe of the (agency, reference) index per reference. With `reference = ANY(…)`
        # PostgreSQL estimates a row per value and reads the whole table instead (170 ms at
        # 230,000 lines, more as it grows); a batch of new lines finds none.
        opts, quote = ManifestLine._meta, connection.ops.quote_name
        table, pk = quote(opts.db_table), quote(opts.pk.column)
        agency, reference = quote(opts.get_field("agency").column), quote(opts.get_field("reference").column)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT known.{pk} FROM unnest(%s::text[]) AS sent(reference) CROSS JOIN LATERAL "  # noqa: S608
                f"(SELECT {pk} FROM {table} WHERE {agency} = %s AND {reference} = sent.reference FOR UPDATE) known",
                [list(references), agency_id],
            )
            ids = [pk_ for (pk_,) in cursor.fetchall()]
        return list(ManifestLine.objects.filter(pk__in=ids)) if ids else []
    return list(ManifestLine.objects.select_for_update().filter(agency_id=agency_id, reference__in=list(references)))


def insert_lines(rows: Sequence[dict[str, Any]], identifiers: Sequence[Sequence[tuple[str, str, str]]]) -> list[int]:
    """Insert new lines (each a dict with every name of LINE_COLUMNS, the agency as its id) and
    their identifiers ((kind, value, normalized) per line); the new lines' ids, in order."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        return _insert_orm(rows, identifiers)
    with connection.cursor() as wrapper:
        table = ManifestLine._meta.db_table
        wrapper.execute(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",  # noqa: S608
            [len(rows)],
        )
        ids = [pk for (pk,) in wrapper.fetchall()]
        plain = [name for name in LINE_COLUMNS if name not in JSON_COLUMNS]
        values = itemgetter(*plain)
        _copy(
            wrapper.cursor,
            ManifestLine,
            ("id", *plain, "transit_countries", "reasons"),
            (
                (pk, *values(row), _json(row["transit_countries"]), _json(row["reasons"]))
                for pk, row in zip(ids, rows, strict=True)
            ),
        )
        _copy(
            wrapper.cursor,
            ManifestIdentifier,
            IDENTIFIER_COLUMNS,
            ((pk, *identifier) for pk, line in zip(ids, identifiers, strict=True) for identifier in line),
        )
    return ids


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


def _copy(cursor: Any, model: Any, names: Sequence[str], rows: Any) -> None:
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in names)
    table = connection.ops.quote_name(model._meta.db_table)
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # noqa: S608 - names from our models
        for row in rows:
            copy.write_row(row)


def _insert_orm(rows: Sequence[dict[str, Any]], identifiers: Sequence[Sequence[tuple[str, str, str]]]) -> list[int]:
    lines = [
        ManifestLine(**{("agency_id" if name == "agency" else name): row[name] for name in LINE_COLUMNS})
        for row in rows
    ]
    ManifestLine.objects.bulk_create(lines, batch_size=1000)
    ManifestIdentifier.objects.bulk_create(
        [
            ManifestIdentifier(line=line, kind=kind, value=value, normalized=normalized)
            for line, line_identifiers in zip(lines, identifiers, strict=True)
            for kind, value, normalized in line_identifiers
        ],
        batch_size=2000,
    )
    return [line.pk for line in lines]
