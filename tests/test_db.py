"""The PostgreSQL connection reads timestamptz values with psycopg's default (C) loader, unchanged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from tests.factories import SeizureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def _postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's loader")


@pytest.mark.usefixtures("_postgresql")
def test_connections_read_timestamptz_with_psycopgs_default_loader():
    import psycopg
    from psycopg.postgres import types
    from psycopg.pq import Format

    from crackdown.db import TimestamptzLoader

    connection.ensure_connection()
    oid = types["timestamptz"].oid
    loader = connection.connection.adapters.get_loader(oid, Format.TEXT)
    assert issubclass(loader, TimestamptzLoader)
    assert loader.timezone is connection.timezone  # so Django's cursors keep it
    with connection.cursor() as cursor:
        # Django's cursors keep it too: no loader of Django's registered again.
        assert issubclass(cursor.cursor.adapters.get_loader(oid, Format.TEXT), TimestamptzLoader)
    # The speed-up: psycopg's default loader is its C version (psycopg[binary] is required).
    assert psycopg.adapters.get_loader(oid, Format.TEXT).__module__ == "psycopg_binary._psycopg"


@pytest.mark.usefixtures("_postgresql")
def test_timestamps_read_back_as_written_in_utc():
    moment = dt.datetime(2024, 2, 29, 23, 59, 58, 123456, tzinfo=dt.UTC)
    seizure = SeizureFactory(occurred_at=moment)
    seizure.refresh_from_db()
    assert seizure.occurred_at == moment
    assert seizure.occurred_at.tzinfo is dt.UTC
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT %s::timestamptz, '2020-01-01 10:00:00+05:30'::timestamptz,"
            " '2020-01-01 10:00:00'::timestamptz, NULL::timestamptz",
            [moment],
        )
        written, offset, whole, null = cursor.fetchone()
    assert written == moment
    assert offset == dt.datetime(2020, 1, 1, 4, 30, tzinfo=dt.UTC)
    assert whole == dt.datetime(2020, 1, 1, 10, 0, tzinfo=dt.UTC) and whole.microsecond == 0
    assert null is None
