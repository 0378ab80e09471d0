"""The evidence and custody lists run a fixed number of queries whatever their length."""

from __future__ import annotations

import pytest

from cases.evidence.models import CustodyEntry, Evidence, ItemPurity

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(shared_seizure, kim):
    files = [
        Evidence.objects.create(
            seizure=shared_seizure,
            kind="photo",
            filename=f"p{n}.jpg",
            storage_key=f"k{n}",
            content_type="image/jpeg",
            size=10,
            sha256=f"{n:064x}",
            uploaded_by=kim,
        )
        for n in range(30)
    ]
    for n in range(30):
        entry = CustodyEntry.objects.create(
            seizure=shared_seizure, action="analysed", to_holder="Lab", at=shared_seizure.occurred_at, recorded_by=kim
        )
        entry.evidence.add(*files[n : n + 2])
        ItemPurity.objects.create(entry=entry, position=0, drug="methamphetamine", percent=50)
    return shared_seizure


@pytest.mark.parametrize("page_size", [5, 30])
def test_evidence_list_queries(api_as, somchai, busy, page_size, django_assert_num_queries):
    client = api_as(somchai)
    # 1 the seizure through the visibility rule, 2 the page of files with their uploaders.
    with django_assert_num_queries(2):
        response = client.get(f"/api/v1/seizures/{busy.pk}/evidence/?page_size={page_size}")
    assert len(response.json()["results"]) == page_size


@pytest.mark.parametrize("page_size", [5, 30])
def test_custody_list_queries(api_as, somchai, busy, page_size, django_assert_num_queries):
    client = api_as(somchai)
    # 1 the seizure, 2 the page of entries with their recorders, 3 their files, 4 their lab results.
    with django_assert_num_queries(4):
        response = client.get(f"/api/v1/seizures/{busy.pk}/custody/?page_size={page_size}")
    rows = response.json()["results"]
    assert len(rows) == page_size
    assert rows[0]["purity"] == [{"item": 1, "drug": "methamphetamine", "percent": "50.00"}]
