"""The one check behind every PostgreSQL-only optimisation (DESIGN.md "Stack"), and the
PostgreSQL connection's timestamptz loader."""

from __future__ import annotations

import datetime as dt

from django.db import connection, connections, router
from django.db.models import Model
from django.db.models.expressions import DatabaseDefault


def postgresql() -> bool:
    """Whether the default database is PostgreSQL; elsewhere (SQLite for `make run`) the portable path runs."""
    return connection.vendor == "postgresql"


try:
    from psycopg import adapt
    from psycopg._tz import get_tzinfo
    from psycopg.postgres import types as pg_types
    from psycopg_binary._psycopg import TimestamptzLoader as CTimestamptzLoader

    # Private names of psycopg 3.3 (requirements.txt pins it): built once here, so that a
    # release that changes them falls back to Django's loader instead of failing every read.
    CTimestamptzLoader(pg_types["timestamptz"].oid, None).load(b"2020-01-01 00:00:00+00")
    get_tzinfo(None)
except (ImportError, AttributeError, TypeError):  # no driver, pure-Python psycopg, or other API
    CTimestamptzLoader = None
else:

    class TimestamptzLoader(adapt.Loader):
        """timestamptz by psycopg's C parser, with the tzinfo Django's own loader gives.

        Django registers a Python subclass of psycopg's loader (to pin the datetimes' tzinfo)
        on every connection, and psycopg cannot swap a subclass for its C version: each value
        is then parsed by a regular expression in Python, ~5 µs a value, 150 values in a page
        of 50 seizures. Django's connections run in UTC, where the C parser already returns
        datetimes in `datetime.timezone.utc`, the same values: rows then call the C parser
        directly. In any other time zone the tzinfo is still pinned, after the C parse.
        """

        timezone: dt.tzinfo | None = None  # set per connection; Django's cursors compare it

        def __init__(self, oid, context=None):  # type: ignore[no-untyped-def]
            super().__init__(oid, context)
            parse = CTimestamptzLoader(oid, context).load
            if get_tzinfo(self.connection.pgconn if self.connection else None) is self.timezone:
                self.load = parse
            else:
                self.load = lambda data: parse(data).replace(tzinfo=self.timezone)

        def load(self, data):  # type: ignore[no-untyped-def]  # replaced per instance
            raise NotImplementedError


def fast_timestamptz(sender, connection, **kwargs) -> None:  # noqa: ARG001 — a signal receiver
    """connection_created: read the new PostgreSQL connection's timestamptz with `TimestamptzLoader`."""
    if connection.vendor != "postgresql" or CTimestamptzLoader is None:
        return
    loader = type("TimestamptzLoader", (TimestamptzLoader,), {"timezone": connection.timezone, "__module__": __name__})
    connection.connection.adapters.register_loader(pg_types["timestamptz"].oid, loader)


def insert_all(objs: list[Model], *, using: str | None = None) -> list[Model]:
    """Insert unsaved instances of one plain model (one table) by multi-row INSERTs and set
    their primary keys.

    What `bulk_create` writes for such instances (field defaults, `auto_now_add`, the fields'
    own conversions, in batches of the backend's size), without its per-call machinery: for
    the two to four rows of an alert, bulk_create costs ~1.4 ms a call on PostgreSQL, most of it
    turning every column into an array for its UNNEST form; this costs ~0.35 ms. PostgreSQL
    returns the keys of `INSERT … VALUES … RETURNING` in the order of the rows, as bulk_create
    relies on too. Other databases, models with parents or with generated or database-default
    fields, and instances holding an expression or a chosen auto key go through bulk_create.
    """
    if not objs:
        return objs
    model = type(objs[0])
    opts = model._meta
    db = using or router.db_for_write(model)
    connection = connections[db]
    pk = opts.pk
    fields = [f for f in opts.local_concrete_fields if not (f is pk and f.db_returning)]
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
        obj._prepare_related_fields_for_save(operation_name="insert_all")
        row = [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields]
        if any(hasattr(value, "as_sql") or isinstance(value, DatabaseDefault) for value in row):
            return model._base_manager.using(db).bulk_create(objs)
        rows.append(row)
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(opts.db_table)} ({', '.join(quote(f.column) for f in fields)}) VALUES "  # noqa: S608
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    batch = max(connection.ops.bulk_batch_size(fields, objs), 1)
    keys = []
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
