"""The one check behind every PostgreSQL-only optimisation (DESIGN.md "Stack"), and the
PostgreSQL connection's timestamptz loader."""

from __future__ import annotations

import datetime as dt

from django.db import connection


def postgresql() -> bool:
    """Whether the default database is PostgreSQL; elsewhere (SQLite for `make run`) the portable path runs."""
    return connection.vendor == "postgresql"


try:
    from psycopg import adapt
    from psycopg._tz import get_tzinfo
    from psycopg.postgres import types as pg_types
    from psycopg_binary._psycopg import TimestamptzLoader as CTimestamptzLoader
except ImportError:  # no PostgreSQL driver, or the pure-Python psycopg: nothing faster to use
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
