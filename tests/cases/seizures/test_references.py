"""Reference numbers never collide, even when many officers record at the same moment."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from cases.seizures.models import Seizure
from cases.seizures.services import seizure_create
from tests.cases.seizures.conftest import seizure_payload


# serialized_rollback: the flush after a transactional test must restore the agencies loaded by migration.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_creates_get_distinct_consecutive_references(kim):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    threads = 8
    barrier = threading.Barrier(threads)
    references: list[str] = []
    errors: list[BaseException] = []

    def create():
        try:
            data = seizure_payload()
            data["occurred_at"] = parse_datetime(data["occurred_at"])
            barrier.wait(timeout=30)
            references.append(seizure_create(by=kim, data=data).reference)
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=create) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert errors == []
    year = timezone.now().year
    assert sorted(references) == [f"KCS-{year}-{n:06d}" for n in range(1, threads + 1)]
    assert Seizure.objects.count() == threads


@pytest.mark.django_db
def test_each_agency_and_year_counts_on_its_own(kim, somchai):
    data = seizure_payload()
    data["occurred_at"] = parse_datetime(data["occurred_at"])
    year = timezone.now().year
    assert seizure_create(by=kim, data=dict(data)).reference == f"KCS-{year}-000001"
    assert seizure_create(by=somchai, data=dict(data)).reference == f"TCD-{year}-000001"
    assert seizure_create(by=kim, data=dict(data)).reference == f"KCS-{year}-000002"
