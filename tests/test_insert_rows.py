"""crackdown.rows.insert_rows writes what bulk_create writes, in as few statements as the database allows."""

from __future__ import annotations

import inspect

import pytest
from django.db import connection
from django.db.models import Model
from django.db.models.base import ModelState
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from cases.alerts.models import Alert, Delivery
from crackdown.rows import insert_rows
from tests.factories import SeizureFactory, agency

pytestmark = pytest.mark.django_db


def _stored(model, pk) -> dict:
    row = model_to_dict(model.objects.get(pk=pk))
    row.pop("id")
    row.pop("created_at", None)
    return row


def test_the_rows_are_what_bulk_create_writes():
    seizure = SeizureFactory()

    def drafts():
        return [
            Alert(kind="match", title="Match one", body="Body", priority="urgent", seizure=seizure),
            Alert(kind="lookout", title="Lookout", sender_agency=agency("KCS")),  # priority by default
        ]

    ours, django = insert_rows(drafts()), Alert.objects.bulk_create(drafts())
    assert all(a.pk is not None and not a._state.adding for a in ours)
    assert all(a.created_at is not None for a in ours)  # auto_now_add, as bulk_create sets it
    for mine, theirs in zip(ours, django, strict=True):
        assert Alert.objects.get(pk=mine.pk).title == mine.title  # each instance got its own key
        assert _stored(Alert, mine.pk) == _stored(Alert, theirs.pk)


def test_a_relation_saved_after_assignment_and_a_python_key():
    alert = Alert(kind="match", title="Later", seizure=SeizureFactory())
    delivery = Delivery(alert=alert, agency=agency("TCD"))  # alert not saved yet
    insert_rows([alert])
    chosen = delivery.pk  # a UUID chosen in Python is kept
    (stored,) = insert_rows([delivery])
    assert stored.pk == chosen
    row = Delivery.objects.get(pk=chosen)
    assert row.alert_id == alert.pk
    assert row.status == "pending"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plain INSERT is PostgreSQL's path")
def test_one_statement_for_the_rows_and_each_row_its_key():
    with CaptureQueriesContext(connection) as small:
        insert_rows([Alert(kind="lookout", title=f"Lookout {i}") for i in range(4)])
    assert len(small.captured_queries) == 1
    # 77,000 parameters: past PostgreSQL's 65,535 for bound ones; psycopg's client-side
    # binding (Django's default) sends them as literals, so the backend asks for no batches.
    many = [Alert(kind="lookout", title=f"Bulk {i}") for i in range(7000)]
    with CaptureQueriesContext(connection) as large:
        insert_rows(many)
    assert len(large.captured_queries) == 1
    assert len({a.pk for a in many}) == 7000
    assert Alert.objects.filter(title__startswith="Bulk ").count() == 7000
    assert Alert.objects.get(pk=many[-1].pk).title == "Bulk 6999"


def test_the_private_names_the_seam_uses_are_still_there():
    """insert_rows leans on two private names of Django's Model: fail loudly when Django
    renames or changes them, rather than write rows differently from bulk_create."""
    assert "operation_name" in inspect.signature(Model._prepare_related_fields_for_save).parameters
    alert = Alert(kind="lookout", title="State")
    assert isinstance(alert._state, ModelState)
    assert alert._state.adding is True and alert._state.db is None
