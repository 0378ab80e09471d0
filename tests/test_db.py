"""The PostgreSQL connection reads timestamptz values back as written, in UTC."""

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
