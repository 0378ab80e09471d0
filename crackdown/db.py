"""The one check behind every PostgreSQL-only optimisation (DESIGN.md "Stack"), and the
PostgreSQL connection's timestamptz loader."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection as default_connection
from django.db import transaction


def postgresql() -> bool:
    """Whether the default database is PostgreSQL; elsewhere (SQLite for `make run`) the portable path runs."""
    return default_connection.vendor == "postgresql"


@contextmanager
def session_settings(**values: str) -> Iterator[None]:
    """Run the enclosed statements with PostgreSQL settings changed for their transaction only
    (`set_config(…, is_local => true)`, as SET LOCAL: the connection is left as it was); other
    databases run them as they are. Callers say why at the call."""
    if not postgresql():
        yield
        return
    with transaction.atomic(), default_connection.cursor() as cursor:
        for name, value in values.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        yield


try:
    import psycopg
    from psycopg import adapt
    from psycopg.postgres import types as pg_types
    from psycopg.pq import Format
except ImportError:  # no PostgreSQL driver: SQLite only
    HAVE_PSYCOPG = False
else:
    HAVE_PSYCOPG = True
    TIMESTAMPTZ = pg_types["timestamptz"].oid

    class TimestamptzLoader(adapt.Loader):
        """timestamptz by psycopg's own loader, with the tzinfo Django's loader gives.

        Django registers a Python subclass of psycopg's loader (to pin the datetimes' tzinfo)
        on every connection, and psycopg cannot swap a subclass for its C version: each value
        is then parsed by a regular expression in Python, ~5 µs a value, 150 values in a page
        of 50 seizures. This one calls the loader psycopg registers by default (its C version
        with psycopg[binary]), found through the public adapters map. Django's connections run
        in UTC, where that loader already returns datetimes in Django's tzinfo: rows then call
        it directly; in any other time zone the tzinfo is still pinned, after the parse.
        """

        # Set per connection: Django's cursors compare it with the connection's time zone and
        # register their own loader again when they differ.
        timezone: dt.tzinfo | None = None

        def __init__(self, oid: int, context: Any = None) -> None:
            super().__init__(oid, context)
            default = psycopg.adapters.get_loader(oid, Format.TEXT)
            if default is None:
                raise LookupError(f"psycopg has no text loader for oid {oid}")
            parse = default(oid, context).load
            if parse(b"2000-01-01 00:00:00+00").tzinfo is self.timezone:
                self.load = parse  # type: ignore[method-assign]
            else:
                self.load = lambda data: parse(data).replace(tzinfo=self.timezone)  # type: ignore[method-assign]

        def load(self, data: Any) -> dt.datetime:  # replaced per instance
            raise NotImplementedError


def use_psycopg_timestamptz(sender: Any, connection: Any, **kwargs: Any) -> None:  # noqa: ARG001 — a signal receiver
    """connection_created: read the new PostgreSQL connection's timestamptz with `TimestamptzLoader`."""
    if connection.vendor != "postgresql" or not HAVE_PSYCOPG:
        return
    loader = type("TimestamptzLoader", (TimestamptzLoader,), {"timezone": connection.timezone, "__module__": __name__})
    connection.connection.adapters.register_loader(TIMESTAMPTZ, loader)
