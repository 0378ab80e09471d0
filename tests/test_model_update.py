"""crackdown.services.model_update: only whitelisted fields that changed, validated, saved by name."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.seizures.models import Seizure
from crackdown.services import model_update
from tests.factories import SeizureFactory, agency

pytestmark = pytest.mark.django_db

FIELDS = ("location", "concealment", "origin_country")


def test_only_changed_whitelisted_fields_are_written_with_updated_at():
    seizure = SeizureFactory(agency=agency("KCS"), location="Busan", concealment="Tyre")
    stamped = seizure.updated_at
    with CaptureQueriesContext(connection) as queries:
        seizure, changed = model_update(
            instance=seizure,
            fields=FIELDS,
            data={"location": "Incheon", "concealment": "Tyre", "status": "verified"},
        )
    assert changed is True
    (update,) = [q["sql"] for q in queries.captured_queries]
    assert update.startswith("UPDATE") and '"location"' in update and '"updated_at"' in update
    assert '"concealment"' not in update and '"status"' not in update
    stored = Seizure.objects.get(pk=seizure.pk)
    assert (stored.location, stored.status) == ("Incheon", seizure.status)
    assert stored.updated_at > stamped


def test_nothing_changed_writes_nothing():
    seizure = SeizureFactory(agency=agency("KCS"), location="Busan")
    with CaptureQueriesContext(connection) as queries:
        _seizure, changed = model_update(instance=seizure, fields=FIELDS, data={"location": "Busan"})
    assert changed is False
    assert queries.captured_queries == []


def test_the_models_rules_run_and_a_refused_value_is_not_saved():
    seizure = SeizureFactory(agency=agency("KCS"), origin_country="TH")
    with pytest.raises(ValidationError) as caught:
        model_update(instance=seizure, fields=FIELDS, data={"origin_country": "XX"})
    assert set(caught.value.message_dict) == {"origin_country"}
    assert Seizure.objects.get(pk=seizure.pk).origin_country == "TH"


def test_clean_may_normalise_what_it_was_given():
    seizure = SeizureFactory(
        agency=agency("KCS"), origin_country="TH", occurred_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    )
    seizure, changed = model_update(instance=seizure, fields=FIELDS, data={"origin_country": "vn"})
    assert changed and Seizure.objects.get(pk=seizure.pk).origin_country == "VN"
