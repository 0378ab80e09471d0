"""Invitations, assignments, messages and linked seizures: rules the services guarantee."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cases.operations import services
from cases.operations.models import Assignment, OperationEvent, Participation
from cases.seizures.models import Seizure, SeizureRevision
from crackdown.errors import Conflict, Forbidden
from members.models import Role
from tests.cases.operations.conftest import make_operation
from tests.factories import SeizureFactory, UserFactory, agency


def test_officer_cannot_create_an_operation(kim):
    with pytest.raises(Forbidden):
        make_operation(kim)


def test_period_must_be_ordered(park):
    with pytest.raises(ValidationError):
        make_operation(park, starts_on=dt.date(2026, 4, 1), ends_on=dt.date(2026, 3, 1))


def test_unknown_target_drug_is_refused(api_as, park):
    response = api_as(park).post(
        "/api/v1/operations/",
        {"name": "X", "starts_on": "2026-01-01", "ends_on": "2026-01-02", "target_drugs": ["sugar"]},
        format="json",
    )
    assert response.status_code == 400
    assert "target_drugs" in response.json()


def test_inviting_an_agency_twice_is_refused(park, operation):
    with pytest.raises(ValidationError):
        services.operation_invite(operation=operation, agencies=[agency("TCD")], role="participant", by=park)
    assert Participation.objects.filter(operation=operation, agency=agency("TCD")).count() == 1


def test_invitation_is_recorded_on_the_timeline(operation):
    invited = set(
        OperationEvent.objects.filter(operation=operation, action="invited").values_list("details__agency", flat=True)
    )
    assert invited == {"TCD", "RMCD", "SC"}


def test_observers_receive_no_assignment(park, operation):
    with pytest.raises(ValidationError):
        services.assignment_create(operation=operation, agency=agency("SC"), title="Watch", by=park)


def test_invited_agency_receives_no_assignment_before_it_accepts(api_as, park, operation):
    response = api_as(park).post(
        f"/api/v1/operations/{operation.pk}/assignments/", {"agency": "RMCD", "title": "Watch"}, format="json"
    )
    assert response.status_code == 400
    assert not Assignment.objects.exists()


def test_assignee_must_belong_to_the_assigned_agency(park, kim, operation):
    with pytest.raises(ValidationError):
        services.assignment_create(operation=operation, agency=agency("TCD"), title="Watch", assignee=kim, by=park)


def test_assigned_agency_picks_its_own_assignee(api_as, park, niran, somchai, kim, operation):
    assignment = services.assignment_create(operation=operation, agency=agency("TCD"), title="Watch", by=park)
    url = f"/api/v1/assignments/{assignment.pk}/"
    assert api_as(niran).patch(url, {"assignee": kim.pk}, format="json").status_code == 400
    response = api_as(niran).patch(url, {"assignee": somchai.pk}, format="json")
    assert response.status_code == 200
    assert response.json()["assignee"] == somchai.pk


def test_assignment_api_shape(api_as, park, operation):
    response = api_as(park).post(
        f"/api/v1/operations/{operation.pk}/assignments/",
        {"agency": "TCD", "title": "Search reefers", "instructions": "Bay 4", "due_at": "2026-03-05T09:00:00+07:00"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {
        "id", "operation", "agency", "assignee", "title", "instructions", "due_at", "status", "outcome",
        "created_by", "created_at",
    }  # fmt: skip
    assert (body["operation"], body["agency"], body["status"]) == (operation.pk, "TCD", "open")
    assert body["due_at"].startswith("2026-03-05T02:00:00")


def test_operation_api_shape(api_as, park, operation):
    body = api_as(park).get(f"/api/v1/operations/{operation.pk}/").json()
    assert set(body) == {
        "id", "code", "name", "description", "status", "lead_agency", "starts_on", "ends_on", "target_drugs",
        "transport_modes", "participants", "created_at",
    }  # fmt: skip
    assert body["lead_agency"] == "KCS"
    assert {(p["agency"], p["role"], p["status"]) for p in body["participants"]} == {
        ("KCS", "lead", "accepted"),
        ("TCD", "participant", "accepted"),
        ("SC", "observer", "accepted"),
        ("RMCD", "participant", "invited"),
    }


def test_messages_are_posted_by_accepted_agencies_observers_included(api_as, tan, operation):
    response = api_as(tan).post(f"/api/v1/operations/{operation.pk}/messages/", {"body": "Noted."}, format="json")
    assert response.status_code == 201
    assert set(response.json()) == {"id", "author", "agency", "body", "created_at"}
    assert response.json()["agency"] == "SC"


def test_empty_message_is_refused(api_as, park, operation):
    response = api_as(park).post(f"/api/v1/operations/{operation.pk}/messages/", {"body": "  "}, format="json")
    assert response.status_code == 400


def test_linking_records_history_and_timeline(somchai, operation):
    seizure = SeizureFactory(agency=agency("TCD"))
    services.operation_link_seizure(operation=operation, seizure=seizure, by=somchai)
    seizure.refresh_from_db()
    assert seizure.operation_id == operation.pk
    revision = SeizureRevision.objects.get(seizure=seizure)
    assert (revision.action, revision.changes) == ("linked", {"operation": [None, operation.pk]})
    assert OperationEvent.objects.filter(
        operation=operation, action="seizure_linked", details__seizure=seizure.pk
    ).exists()


def test_only_the_owning_agency_links_a_seizure(park, operation):
    seizure = SeizureFactory(agency=agency("TCD"))
    with pytest.raises(Forbidden):
        services.operation_link_seizure(operation=operation, seizure=seizure, by=park)


def test_an_agency_that_has_not_accepted_cannot_link(aziz, operation):
    officer = UserFactory(agency=agency("RMCD"), role=Role.OFFICER)
    seizure = SeizureFactory(agency=agency("RMCD"))
    for user in (aziz, officer):
        with pytest.raises(Forbidden):
            services.operation_link_seizure(operation=operation, seizure=seizure, by=user)


def test_agency_admin_cannot_link(operation):
    admin = UserFactory(agency=agency("TCD"), role=Role.AGENCY_ADMIN)
    with pytest.raises(Forbidden):
        services.operation_link_seizure(operation=operation, seizure=SeizureFactory(agency=agency("TCD")), by=admin)


def test_linking_twice_is_a_conflict(somchai, operation):
    seizure = SeizureFactory(agency=agency("TCD"))
    services.operation_link_seizure(operation=operation, seizure=seizure, by=somchai)
    with pytest.raises(Conflict):
        services.operation_link_seizure(operation=operation, seizure=seizure, by=somchai)


def test_operation_sharing_opens_a_linked_seizure_to_accepted_participants_only(park, somchai, aziz, reyes, operation):
    seizure = SeizureFactory(agency=agency("TCD"), sharing="operation")
    assert not Seizure.objects.visible_to(park).filter(pk=seizure.pk).exists()
    services.operation_link_seizure(operation=operation, seizure=seizure, by=somchai)
    assert Seizure.objects.visible_to(park).filter(pk=seizure.pk).exists()
    assert not Seizure.objects.visible_to(aziz).filter(pk=seizure.pk).exists()
    assert not Seizure.objects.visible_to(reyes).filter(pk=seizure.pk).exists()


def test_unlinking_takes_it_out_again(somchai, operation):
    seizure = SeizureFactory(agency=agency("TCD"))
    services.operation_link_seizure(operation=operation, seizure=seizure, by=somchai)
    services.operation_unlink_seizure(operation=operation, seizure=seizure, by=somchai)
    seizure.refresh_from_db()
    assert seizure.operation_id is None
    assert SeizureRevision.objects.filter(seizure=seizure, action="linked").count() == 2


def test_link_through_the_api(api_as, somchai, operation):
    seizure = SeizureFactory(agency=agency("TCD"))
    response = api_as(somchai).post(
        f"/api/v1/operations/{operation.pk}/link-seizure/", {"seizure": seizure.pk}, format="json"
    )
    assert response.status_code == 200
    seizure.refresh_from_db()
    assert seizure.operation_id == operation.pk


def test_update_records_what_changed(park, operation):
    services.operation_update(operation=operation, name="ICE BREAK II", by=park)
    event = OperationEvent.objects.get(operation=operation, action="updated")
    assert event.details["changes"] == {"name": ["ICE BREAK", "ICE BREAK II"]}
