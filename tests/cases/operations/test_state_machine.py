"""The operation and assignment lifecycles: every legal move works, every illegal one is a 409."""

from __future__ import annotations

import pytest

from cases.choices import AssignmentStatus, OperationStatus
from cases.operations import services
from cases.operations.models import Assignment, JointOperation, OperationEvent
from tests.factories import agency

MOVES = {"activate": "active", "close": "closed", "cancel": "cancelled"}
LEGAL = {("planned", "activate"), ("planned", "cancel"), ("active", "close"), ("active", "cancel")}
ALL = [(state, move) for state in OperationStatus.values for move in MOVES]


def set_status(operation: JointOperation, status: str) -> None:
    JointOperation.objects.filter(pk=operation.pk).update(status=status)


@pytest.mark.parametrize(("state", "move"), ALL)
def test_operation_moves(api_as, park, operation, state, move):
    set_status(operation, state)
    response = api_as(park).post(f"/api/v1/operations/{operation.pk}/{move}/")
    operation.refresh_from_db()
    if (state, move) in LEGAL:
        assert response.status_code == 200
        assert response.json()["status"] == MOVES[move] == operation.status
        assert OperationEvent.objects.filter(operation=operation, action=MOVES[move]).exists()
    else:
        assert response.status_code == 409
        assert operation.status == state


@pytest.mark.parametrize("state", ["closed", "cancelled"])
def test_finished_operation_takes_no_invitation_assignment_or_edit(api_as, park, operation, state):
    set_status(operation, state)
    client = api_as(park)
    base = f"/api/v1/operations/{operation.pk}"
    assert client.post(f"{base}/invite/", {"agencies": ["GDVC"]}, format="json").status_code == 409
    assert client.post(f"{base}/assignments/", {"agency": "TCD", "title": "x"}, format="json").status_code == 409
    assert client.patch(f"{base}/", {"name": "Renamed"}, format="json").status_code == 409
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("state", ["closed", "cancelled"])
def test_invited_agency_cannot_answer_a_finished_operation(api_as, aziz, operation, state):
    set_status(operation, state)
    response = api_as(aziz).post(f"/api/v1/operations/{operation.pk}/respond/", {"accept": True}, format="json")
    assert response.status_code == 409


@pytest.mark.parametrize("first", [True, False])
@pytest.mark.parametrize("second", [True, False])
def test_an_agency_answers_only_once(api_as, aziz, operation, first, second):
    client = api_as(aziz)
    url = f"/api/v1/operations/{operation.pk}/respond/"
    assert client.post(url, {"accept": first}, format="json").status_code == 200
    assert client.post(url, {"accept": second}, format="json").status_code == 409


# Assignment moves by the assigned agency (TCD officer); cancelling is the lead's.
FORWARD = {
    ("open", "acknowledged"),
    ("open", "in_progress"),
    ("open", "done"),
    ("acknowledged", "in_progress"),
    ("acknowledged", "done"),
    ("in_progress", "done"),
}
ASSIGNMENT_PAIRS = [
    (a, b) for a in AssignmentStatus.values for b in AssignmentStatus.values if b != "cancelled" and a != b
]


@pytest.mark.parametrize(("old", "new"), ASSIGNMENT_PAIRS)
def test_assignment_moves_by_the_assigned_agency(api_as, park, somchai, operation, old, new):
    assignment = services.assignment_create(operation=operation, agency=agency("TCD"), title="Check", by=park)
    Assignment.objects.filter(pk=assignment.pk).update(status=old)
    response = api_as(somchai).patch(
        f"/api/v1/assignments/{assignment.pk}/", {"status": new, "outcome": "2 kg found"}, format="json"
    )
    assignment.refresh_from_db()
    if (old, new) in FORWARD:
        assert response.status_code == 200, response.content
        assert assignment.status == new
    else:
        assert response.status_code == 409
        assert assignment.status == old


@pytest.mark.parametrize("old", AssignmentStatus.values)
def test_lead_cancels_unfinished_assignments_only(api_as, park, operation, old):
    assignment = services.assignment_create(operation=operation, agency=agency("TCD"), title="Check", by=park)
    Assignment.objects.filter(pk=assignment.pk).update(status=old)
    response = api_as(park).patch(f"/api/v1/assignments/{assignment.pk}/", {"status": "cancelled"}, format="json")
    expected = 200 if old in ("open", "acknowledged", "in_progress") else 409
    assert response.status_code == expected


def test_done_needs_an_outcome(api_as, park, somchai, operation):
    assignment = services.assignment_create(operation=operation, agency=agency("TCD"), title="Check", by=park)
    response = api_as(somchai).patch(f"/api/v1/assignments/{assignment.pk}/", {"status": "done"}, format="json")
    assert response.status_code == 400
    assert "outcome" in response.json()
    assignment.refresh_from_db()
    assert assignment.status == "open"


@pytest.mark.parametrize("state", ["closed", "cancelled"])
def test_assignments_freeze_with_the_operation(api_as, park, somchai, operation, state):
    assignment = services.assignment_create(operation=operation, agency=agency("TCD"), title="Check", by=park)
    set_status(operation, state)
    response = api_as(somchai).patch(
        f"/api/v1/assignments/{assignment.pk}/", {"status": "done", "outcome": "late"}, format="json"
    )
    assert response.status_code == 409
