"""The PostgreSQL connection reads timestamptz values with psycopg's C parser, unchanged."""

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
def test_connections_read_timestamptz_with_the_c_parser():
    from psycopg.postgres import types
    from psycopg.pq import Format

    from crackdown.db import TimestamptzLoader

    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(types["timestamptz"].oid, Format.TEXT)
    assert issubclass(loader, TimestamptzLoader)
    assert loader.timezone is connection.timezone  # so Django's cursors keep it


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


def _stored(model, pk) -> dict:
    from django.forms.models import model_to_dict

    row = model_to_dict(model.objects.get(pk=pk))
    row.pop("id")
    return row


def test_insert_all_writes_what_bulk_create_writes():
    from cases.alerts.models import Alert, Delivery
    from crackdown.db import insert_all
    from tests.factories import agency

    seizure = SeizureFactory()

    def drafts():
        return [
            Alert(kind="match", title="Match one", body="Body", priority="urgent", seizure=seizure),
            Alert(kind="lookout", title="Lookout", sender_agency=agency("KCS")),  # priority by default
        ]

    ours, django = insert_all(drafts()), Alert.objects.bulk_create(drafts())
    assert all(a.pk and not a._state.adding for a in ours)
    stored = Alert.objects.filter(pk__in=[a.pk for a in ours]).order_by("pk")
    assert [a.title for a in stored] == ["Match one", "Lookout"]  # keys in the order of the rows
    for mine, theirs in zip(ours, django, strict=True):
        assert mine.created_at is not None  # auto_now_add, as bulk_create sets it
        assert {**_stored(Alert, mine.pk), "created_at": None} == {**_stored(Alert, theirs.pk), "created_at": None}
    # A relation assigned before its object was saved, and a key chosen in Python (UUID).
    alert = Alert(kind="match", title="Later", seizure=seizure)
    delivery = Delivery(alert=alert, agency=agency("TCD"))
    insert_all([alert])
    (stored,) = insert_all([delivery])
    assert Delivery.objects.get(pk=stored.pk).alert_id == alert.pk
    assert Delivery.objects.get(pk=stored.pk).status == "pending"


def test_insert_all_writes_nothing_when_a_row_is_refused():
    from django.db import IntegrityError, transaction

    from cases.alerts.models import Alert
    from crackdown.db import insert_all

    before = Alert.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_all([Alert(kind="match", title="Fine"), Alert(kind="not-a-kind", title="Refused")])
    assert Alert.objects.count() == before
