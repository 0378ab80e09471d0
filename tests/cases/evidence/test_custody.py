"""The chain of custody: append-only in the database, validated, shown as a timeline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cases.evidence.models import AppendOnly, CustodyEntry, Evidence, ItemPurity
from cases.evidence.services import custody_record
from cases.seizures.services import seizure_delete
from tests.cases.evidence.conftest import pdf_bytes, stored_files, upload
from tests.factories import SeizureFactory, agency

pytestmark = pytest.mark.django_db


def _url(seizure) -> str:
    return f"/api/v1/seizures/{seizure.pk}/custody/"


def _at(seizure, hours: float = 1) -> str:
    return (seizure.occurred_at + dt.timedelta(hours=hours)).isoformat()


def test_officer_records_transfers_and_reads_them_in_order(api_as, kim, somchai, shared_seizure):
    client = api_as(kim)
    first = {"action": "seized", "to_holder": "Officer Kim", "location": "Busan New Port", "at": _at(shared_seizure)}
    second = {
        "action": "transferred",
        "from_holder": "Officer Kim",
        "to_holder": "Evidence room B",
        "location": "Busan Customs",
        "at": _at(shared_seizure, 3),
        "notes": "Sealed bag 0042",
    }
    assert client.post(_url(shared_seizure), second, format="json").status_code == 201
    response = client.post(_url(shared_seizure), first, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["recorded_by"] == {"id": kim.pk, "full_name": kim.full_name}
    assert body["evidence"] == [] and body["purity"] == []
    # A partner that sees the seizure reads the record, in time order.
    rows = api_as(somchai).get(_url(shared_seizure)).json()["results"]
    assert [r["action"] for r in rows] == ["seized", "transferred"]


def test_entry_links_files_of_the_seizure_only(api_as, kim, shared_seizure):
    client = api_as(kim)
    file_id = client.post(
        f"/api/v1/seizures/{shared_seizure.pk}/evidence/",
        {"file": upload("seal.pdf", pdf_bytes()), "kind": "document"},
        format="multipart",
    ).json()["id"]
    other = SeizureFactory(agency=agency("KCS"))
    other_file = Evidence.objects.create(
        seizure=other,
        kind="other",
        filename="x.pdf",
        storage_key="k",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
    )
    data = {"action": "stored", "to_holder": "Vault", "at": _at(shared_seizure), "evidence": [file_id, other_file.pk]}
    response = client.post(_url(shared_seizure), data, format="json")
    assert response.status_code == 400
    assert str(other_file.pk) in response.json()["evidence"][0]
    data["evidence"] = [file_id]
    assert client.post(_url(shared_seizure), data, format="json").json()["evidence"] == [file_id]


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (lambda s: timezone.now() + dt.timedelta(days=1), "future"),
        (lambda s: s.occurred_at - dt.timedelta(hours=1), "before"),
    ],
)
def test_entry_dated_in_the_future_or_before_the_seizure_is_400(api_as, kim, shared_seizure, when, message):
    data = {"action": "stored", "to_holder": "Vault", "at": when(shared_seizure).isoformat()}
    response = api_as(kim).post(_url(shared_seizure), data, format="json")
    assert response.status_code == 400
    assert message in response.json()["at"][0]
    assert not CustodyEntry.objects.exists()


def test_transfer_needs_both_holders(api_as, kim, shared_seizure):
    response = api_as(kim).post(
        _url(shared_seizure), {"action": "transferred", "at": _at(shared_seizure)}, format="json"
    )
    assert response.status_code == 400
    assert {"from_holder", "to_holder"} <= set(response.json())


def test_lab_analysis_records_purity_per_item(api_as, kim, shared_seizure, client_as):
    data = {
        "action": "analysed",
        "to_holder": "NFS lab",
        "at": _at(shared_seizure),
        "purity": [{"item": 1, "percent": "78.5"}],
    }
    response = api_as(kim).post(_url(shared_seizure), data, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["purity"] == [{"item": 1, "drug": "methamphetamine", "percent": "78.50"}]
    page = client_as(kim).get(f"/seizures/{shared_seizure.pk}/")
    assert b"78.50 %" in page.content


@pytest.mark.parametrize(
    ("purity", "action"),
    [
        ([{"item": 2, "percent": "50"}], "analysed"),  # the seizure has one item
        ([{"item": 1, "percent": "100.5"}], "analysed"),
        ([{"item": 1, "percent": "50"}], "stored"),  # purity belongs to a lab analysis
    ],
)
def test_bad_purity_is_400_and_nothing_written(api_as, kim, shared_seizure, purity, action):
    data = {"action": action, "to_holder": "Lab", "at": _at(shared_seizure), "purity": purity}
    assert api_as(kim).post(_url(shared_seizure), data, format="json").status_code == 400
    assert not CustodyEntry.objects.exists() and not ItemPurity.objects.exists()


def test_patch_and_delete_are_405(api_as, kim, shared_seizure):
    client = api_as(kim)
    entry = client.post(
        _url(shared_seizure), {"action": "stored", "to_holder": "Vault", "at": _at(shared_seizure)}, format="json"
    ).json()
    for method in ("patch", "put", "delete"):
        assert getattr(client, method)(f"{_url(shared_seizure)}{entry['id']}/", {}, format="json").status_code == 405
        assert getattr(client, method)(_url(shared_seizure), {}, format="json").status_code == 405
    assert client.get(f"{_url(shared_seizure)}{entry['id']}/").json()["to_holder"] == "Vault"


def test_sql_update_and_delete_fail_on_postgresql(kim, shared_seizure):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    entry = custody_record(
        seizure=shared_seizure,
        by=kim,
        data={"action": "stored", "to_holder": "Vault", "at": shared_seizure.occurred_at},
    )
    for sql in (
        "UPDATE evidence_custodyentry SET to_holder = 'Someone else' WHERE id = %s",
        "DELETE FROM evidence_custodyentry WHERE id = %s",
    ):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    entry.refresh_from_db()
    assert entry.to_holder == "Vault"


def test_model_and_queryset_refuse_changes_on_every_database(kim, shared_seizure):
    entry = custody_record(
        seizure=shared_seizure,
        by=kim,
        data={"action": "stored", "to_holder": "Vault", "at": shared_seizure.occurred_at},
    )
    entry.to_holder = "Someone else"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        CustodyEntry.objects.filter(pk=entry.pk).update(to_holder="x")
    with pytest.raises(AppendOnly):
        CustodyEntry.objects.filter(pk=entry.pk).delete()


def test_a_deleted_draft_takes_its_record_and_files_with_it(
    kim, api_as, evidence_dir, django_capture_on_commit_callbacks
):
    draft = SeizureFactory(agency=agency("KCS"), status="draft", sharing="agency")
    api_as(kim).post(
        f"/api/v1/seizures/{draft.pk}/evidence/",
        {"file": upload("a.pdf", pdf_bytes()), "kind": "document"},
        format="multipart",
    )
    custody_record(
        seizure=draft,
        by=kim,
        data={"action": "seized", "to_holder": "Kim", "at": draft.occurred_at, "evidence": [Evidence.objects.get().pk]},
    )
    assert len(stored_files(evidence_dir)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        seizure_delete(seizure=draft, by=kim)
    assert not CustodyEntry.objects.exists() and not Evidence.objects.exists()
    assert stored_files(evidence_dir) == []
