"""A seizure shared with all members may be linked to a joint operation; agencies outside
the operation must not learn the operation's code or name from it."""

from __future__ import annotations

import datetime as dt

import pytest

from cases.operations.models import JointOperation, Participation
from tests.factories import SeizureFactory


def _secret_operation(lead):
    operation = JointOperation.objects.create(
        code="JO-2026-901",
        name="NIGHT HERON",
        lead_agency=lead,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    Participation.objects.create(operation=operation, agency=lead, role="lead", status="accepted")
    return operation


def test_partner_outside_the_operation_does_not_see_its_name_on_the_seizure_page(kcs, somchai, client_as):
    operation = _secret_operation(kcs)
    seizure = SeizureFactory(agency=kcs, sharing="members", operation=operation)
    html = client_as(somchai).get(f"/seizures/{seizure.pk}/").content.decode()
    assert seizure.reference in html
    assert "NIGHT HERON" not in html
    assert "JO-2026-901" not in html


def test_owner_sees_the_operation_on_its_seizure_page(kcs, kim, client_as):
    operation = _secret_operation(kcs)
    seizure = SeizureFactory(agency=kcs, sharing="members", operation=operation)
    html = client_as(kim).get(f"/seizures/{seizure.pk}/").content.decode()
    assert "NIGHT HERON" in html


def test_seizure_notice_names_no_operation_unless_shared_through_it(kcs, kim, django_capture_on_commit_callbacks):
    from cases.seizures.notices import notify_seizure_submitted

    operation = _secret_operation(kcs)
    seizure = SeizureFactory(agency=kcs, sharing="members", operation=operation, origin_country="TH")
    with django_capture_on_commit_callbacks():
        alert = notify_seizure_submitted(seizure=seizure, by=kim)
    assert alert is not None
    assert alert.operation_id is None


def test_partner_outside_the_operation_gets_no_operation_from_the_api_or_csv(kcs, somchai, api_as):
    operation = _secret_operation(kcs)
    seizure = SeizureFactory(agency=kcs, sharing="members", operation=operation)
    client = api_as(somchai)
    assert client.get(f"/api/v1/seizures/{seizure.pk}/").json()["operation"] is None
    listed = [row for row in client.get("/api/v1/seizures/").json()["results"] if row["id"] == seizure.pk]
    assert listed and listed[0]["operation"] is None
    csv_text = b"".join(client.get("/api/v1/seizures/export.csv").streaming_content).decode()
    assert seizure.reference in csv_text
    assert "JO-2026-901" not in csv_text


def test_owner_gets_the_operation_from_the_api(kcs, kim, api_as):
    operation = _secret_operation(kcs)
    seizure = SeizureFactory(agency=kcs, sharing="members", operation=operation)
    assert api_as(kim).get(f"/api/v1/seizures/{seizure.pk}/").json()["operation"] == operation.pk


def _shared_through_operation(kcs, tcd, boc):
    """Shared with the operation (TCD accepted it) and also named for BOC, which is not in it."""
    operation = _secret_operation(kcs)
    Participation.objects.create(operation=operation, agency=tcd, role="participant", status="accepted")
    seizure = SeizureFactory(agency=kcs, sharing="operation", operation=operation, origin_country="PH")
    seizure.shared_with.set([boc])
    return operation, seizure


def test_agency_named_in_shared_with_but_outside_the_operation_learns_nothing_of_it(kcs, tcd, boc, maria, api_as):
    operation, seizure = _shared_through_operation(kcs, tcd, boc)
    client = api_as(maria)
    assert client.get(f"/api/v1/seizures/{seizure.pk}/").json()["operation"] is None
    listed = [row for row in client.get("/api/v1/seizures/").json()["results"] if row["id"] == seizure.pk]
    assert listed and listed[0]["operation"] is None
    csv_text = b"".join(client.get("/api/v1/seizures/export.csv").streaming_content).decode()
    assert seizure.reference in csv_text and "JO-2026-901" not in csv_text
    # Filtering by the operation does not reveal the link either.
    assert client.get("/api/v1/seizures/", {"operation": operation.pk}).json()["results"] == []


def test_agency_named_in_shared_with_sees_no_operation_on_the_page(kcs, tcd, boc, maria, client_as):
    _operation, seizure = _shared_through_operation(kcs, tcd, boc)
    html = client_as(maria).get(f"/seizures/{seizure.pk}/").content.decode()
    assert seizure.reference in html and "NIGHT HERON" not in html and "JO-2026-901" not in html
    assert "joint operation your agency is not part of" not in html


def test_participant_that_accepted_sees_the_operation(kcs, tcd, boc, somchai, api_as):
    operation, seizure = _shared_through_operation(kcs, tcd, boc)
    client = api_as(somchai)
    assert client.get(f"/api/v1/seizures/{seizure.pk}/").json()["operation"] == operation.pk
    assert [row["id"] for row in client.get("/api/v1/seizures/", {"operation": operation.pk}).json()["results"]] == [
        seizure.pk
    ]


@pytest.mark.parametrize(("origin", "named"), [("PH", False), ("TH", True)])
def test_seizure_notice_names_the_operation_only_when_every_recipient_is_in_it(
    kcs, tcd, boc, kim, django_capture_on_commit_callbacks, origin, named
):
    """From the Philippines the notice goes to BOC (named, outside the operation): no operation.
    From Thailand it goes to TCD, which accepted it: the notice names the operation."""
    from cases.seizures.notices import notify_seizure_submitted

    operation, seizure = _shared_through_operation(kcs, tcd, boc)
    seizure.origin_country = origin
    seizure.save(update_fields=["origin_country"])
    with django_capture_on_commit_callbacks():
        alert = notify_seizure_submitted(seizure=seizure, by=kim)
    assert alert is not None and {d.agency.code for d in alert.deliveries.all()} == ({"TCD"} if named else {"BOC"})
    assert alert.operation_id == (operation.pk if named else None)


def test_history_names_no_operation_to_an_agency_outside_it(kcs, tcd, boc, kim, maria, somchai, api_as):
    from cases.seizures.models import SeizureRevision

    operation, seizure = _shared_through_operation(kcs, tcd, boc)
    SeizureRevision.objects.create(seizure=seizure, action="created", changes={"operation": [None, operation.pk]})
    SeizureRevision.objects.create(seizure=seizure, action="linked", changes={"operation": [None, operation.pk]})
    for user, sees in ((maria, False), (kim, True)):
        history = api_as(user).get(f"/api/v1/seizures/{seizure.pk}/history/").json()
        assert any("operation" in entry["changes"] for entry in history) is sees
        assert any(entry["action"] == "linked" for entry in history) is sees


def test_invited_agency_named_in_shared_with_learns_nothing_until_it_accepts(kcs, tcd, boc, maria, api_as):
    operation, seizure = _shared_through_operation(kcs, tcd, boc)
    Participation.objects.create(operation=operation, agency=boc, role="participant", status="invited")
    assert api_as(maria).get(f"/api/v1/seizures/{seizure.pk}/").json()["operation"] is None
    Participation.objects.filter(operation=operation, agency=boc).update(status="accepted")
    assert api_as(maria).get(f"/api/v1/seizures/{seizure.pk}/").json()["operation"] == operation.pk
