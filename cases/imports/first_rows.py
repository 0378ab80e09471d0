"""Where a file first held each reference: a temporary table of the import's connection.

A duplicate `reference` or `external_reference` in one file is a row error naming the row
that held it first. Remembering every value of a 200,000-row file in the worker would grow
its memory with the file (~120 bytes a row in a dict); the database keeps them instead, in a
temporary table that lives on the import's connection only. Each value is kept as a 16-byte
BLAKE2b digest (a cell may be long; the digests of two different values do not meet in
practice: 2⁻¹²⁸), with the first row that held it. Two statements a batch: one lookup of the
batch's values, one multi-row INSERT of those seen for the first time. Works on PostgreSQL and
SQLite alike.

The table goes away with the transaction of a real run that rolls back, and is dropped when
the run ends otherwise (and with the connection, were the worker lost).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection

# What a value is: one table keeps both columns apart.
EXTERNAL_REFERENCE = 0
REFERENCE = 1
# Values per statement: within SQLite's oldest limit of 999 parameters, three per row.
CHUNK = 300


def digest(value: str) -> bytes:
    return hashlib.blake2b(value.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class FirstRows:
    """The first row of the file that held each value, across the batches read so far."""

    def __init__(self, table: str) -> None:
        self.table = connection.ops.quote_name(table)

    def earlier(self, kind: int, values: Iterable[str]) -> dict[str, int]:
        """The values among `values` that earlier batches held, each with its first row."""
        by_digest = {digest(value): value for value in values}
        found: dict[str, int] = {}
        keys = list(by_digest)
        with connection.cursor() as cursor:
            for start in range(0, len(keys), CHUNK):
                chunk = keys[start : start + CHUNK]
                cursor.execute(
                    f"SELECT value, line FROM {self.table} "  # noqa: S608 - our own table's name
                    f"WHERE kind = %s AND value IN ({', '.join(['%s'] * len(chunk))})",
                    [kind, *chunk],
                )
                for key, line in cursor.fetchall():
                    found[by_digest[bytes(key)]] = line
        return found

    def add(self, kind: int, first_rows: dict[str, int]) -> None:
        """Remember values seen for the first time in this batch ({value: row})."""
        rows = [(kind, digest(value), line) for value, line in first_rows.items()]
        with connection.cursor() as cursor:
            for start in range(0, len(rows), CHUNK):
                chunk = rows[start : start + CHUNK]
                cursor.execute(
                    f"INSERT INTO {self.table} (kind, value, line) "  # noqa: S608 - our own table's name
                    f"VALUES {', '.join(['(%s, %s, %s)'] * len(chunk))}",
                    [part for row in chunk for part in row],
                )


@contextmanager
def first_rows(import_id: int) -> Iterator[FirstRows]:
    """A FirstRows for one run of an import, its table created now and gone at the end."""
    table = f"import_first_rows_{int(import_id)}"
    blob = "bytea" if connection.vendor == "postgresql" else "blob"
    seen = FirstRows(table)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {seen.table}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {seen.table} "
            f"(kind smallint NOT NULL, value {blob} NOT NULL, line integer NOT NULL, PRIMARY KEY (kind, value))"
        )
    try:
        yield seen
    except BaseException:
        # Inside a transaction the table rolls back with it; in autocommit it is dropped here,
        # unless the connection itself failed (the table ends with the connection then).
        if not connection.in_atomic_block:
            try:
                _drop(seen)
            except DatabaseError:
                pass
        raise
    else:
        _drop(seen)


def _drop(seen: FirstRows) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {seen.table}")
