"""Dates and deadlines stay within their windows (crackdown/windows.py), and a stored extreme
value never breaks a participant's page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.operations import services
from cases.operations.models import Assignment, JointOperation
from tests.factories import agency

EXTREME = "9999-12-31T23:59:59Z"


def test_an_assignment_due_in_year_9999_is_refused_on_its_field(api_as, park, operation):
    response = api_as(park).post(
        f"/api/v1/operations/{operation.pk}/assignments/",
        {"agency": "TCD", "title": "Profile reefers", "due_at": EXTREME},
        format="json",
    )
    assert response.status_code == 400
    assert "due_at" in response.json()
    assert not Assignment.objects.filter(operation=operation).exists()


def test_an_assignment_due_within_two_years_is_accepted(api_as, park, operation):
    due = (timezone.now() + dt.timedelta(days=700)).isoformat()
    response = api_as(park).post(
        f"/api/v1/operations/{operation.pk}/assignments/",
        {"agency": "TCD", "title": "Profile reefers", "due_at": due},
        format="json",
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "field"),
    [("1989-12-31", "1990-01-05", "starts_on"), ("2026-03-01", "9999-12-31", "ends_on")],
)
def test_an_operation_outside_1990_to_five_years_ahead_is_refused(api_as, park, starts_on, ends_on, field):
    response = api_as(park).post(
        "/api/v1/operations/",
        {"name": "FAR AWAY", "starts_on": starts_on, "ends_on": ends_on},
        format="json",
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not JointOperation.objects.filter(name="FAR AWAY").exists()


@pytest.mark.parametrize(("due_at", "created"), [("9999-12-31T23:59", False), ("tomorrow", True)])
def test_the_assignment_page_form_keeps_the_window(client_as, park, operation, due_at, created):
    if due_at == "tomorrow":
        due_at = (timezone.now() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    client_as(park).post(
        f"/operations/{operation.pk}/assignments/",
        {"agency": agency("TCD").pk, "title": "Search reefers", "due_at": due_at},
    )
    assert Assignment.objects.filter(operation=operation).exists() == created


def test_a_stored_extreme_deadline_still_renders_for_every_participant(client_as, api_as, park, niran, operation):
    task = services.assignment_create(operation=operation, agency=agency("TCD"), title="Search reefers", by=park)
    far = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
    Assignment.objects.filter(pk=task.pk).update(due_at=far)
    for user, zone in ((park, "Asia/Seoul"), (niran, "Pacific/Kiritimati")):
        user.timezone = zone
        user.save()
        assert client_as(user).get(f"/operations/{operation.pk}/").status_code == 200
        assert api_as(user).get(f"/api/v1/assignments/{task.pk}/").status_code == 200
    early = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
    Assignment.objects.filter(pk=task.pk).update(due_at=early)
    niran.timezone = "Pacific/Pago_Pago"
    niran.save()
    assert client_as(niran).get(f"/operations/{operation.pk}/").status_code == 200
