"""`insert_rows`: plain multi-row INSERTs for a few rows of one table. A seam kept on purpose.

It uses two private names of Django's Model: `_prepare_related_fields_for_save` (what
bulk_create calls to take the key of a relation saved after it was assigned) and `_state`
(marking the instances saved). The public form, `bulk_create`, writes several rows on
PostgreSQL through `INSERT … SELECT * FROM UNNEST(arrays)`, and psycopg turns every column
into an array in Python: for the two alerts and two deliveries of a match that costs
~1 ms more, and `match_seizure` then misses its p95 ≤ 10 ms budget (docs/performance.md,
"Kept behind a seam"). tests/test_insert_rows.py holds the rows to bulk_create's and fails
when Django renames or changes either private name.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import connections, router
from django.db.models import Model
from django.db.models.expressions import DatabaseDefault

M = TypeVar("M", bound=Model)


def insert_rows(objs: list[M], *, using: str | None = None) -> list[M]:
    """Insert unsaved instances of one plain model (one table) and set their primary keys.

    Writes what `bulk_create` writes for such instances (field defaults, `auto_now_add`, the
    fields' own conversions, in batches of the backend's size) by `INSERT … VALUES … RETURNING`,
    whose keys PostgreSQL returns in the order of the rows (bulk_create relies on that too).
    Other databases, models with parents or with generated or database-default fields, and
    instances holding an expression or a chosen auto key go through bulk_create.
    """
    if not objs:
        return objs
    model = type(objs[0])
    opts = model._meta
    db = using or router.db_for_write(model)
    connection = connections[db]
    # Any: the stubs do not describe db_returning / has_db_default (Django 5 field API).
    pk: Any = opts.pk
    concrete: list[Any] = list(opts.local_concrete_fields)
    fields = [f for f in concrete if not (f is pk and f.db_returning)]
    plain = (
        connection.vendor == "postgresql"
        and not opts.parents
        and not any(f.generated or f.has_db_default() for f in fields)
        and not (pk.db_returning and any(obj.pk is not None for obj in objs))
    )
    if not plain:
        return model._base_manager.using(db).bulk_create(objs)
    rows = []
    for obj in objs:
        # As bulk_create: a relation assigned before its object was saved takes its key now.
        obj._prepare_related_fields_for_save(operation_name="insert_rows")  # type: ignore[attr-defined]  # the seam
        row = [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields]
        if any(hasattr(value, "as_sql") or isinstance(value, DatabaseDefault) for value in row):
            return model._base_manager.using(db).bulk_create(objs)
        rows.append(row)
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(opts.db_table)} ({', '.join(quote(f.column) for f in fields)}) VALUES "  # noqa: S608
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    batch = max(connection.ops.bulk_batch_size(fields, objs), 1)
    keys: list[Any] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            cursor.execute(
                f"{head}{', '.join([placeholders] * len(chunk))} RETURNING {quote(pk.column)}",
                [value for row in chunk for value in row],
            )
            keys.extend(key for (key,) in cursor.fetchall())
    for obj, key in zip(objs, keys, strict=True):
        if pk.db_returning:
            setattr(obj, pk.attname, pk.to_python(key))
        obj._state.adding = False
        obj._state.db = db
    return objs
