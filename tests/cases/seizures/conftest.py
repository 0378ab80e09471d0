"""Helpers of the seizure tests: a valid payload and an operation built from the models."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.choices import OperationStatus, ParticipantRole, ParticipantStatus
from cases.operations.models import JointOperation, Participation
from tests.factories import agency


def seizure_payload(**overrides) -> dict:
    """A complete, valid API payload: two items and a container number on a TH → KR route."""
    payload = {
        "occurred_at": (timezone.now() - dt.timedelta(hours=3)).isoformat(),
        "location": "Incheon Port",
        "transport_mode": "sea_container",
        "detection_method": "xray",
        "concealment": "Inside machine parts",
        "origin_country": "TH",
        "transit_countries": ["MY"],
        "destination_country": "KR",
        "sharing": "members",
        "items": [
            {"drug": "methamphetamine", "description": "Crystal", "quantity": "12.5", "unit": "kg"},
            {"drug": "mdma", "description": "Pink tablets", "quantity": "3000", "unit": "tablet"},
        ],
        "identifiers": [{"kind": "container", "value": "csqu 305438-3"}],
        "persons": [{"role": "consignee", "nationality": "KR", "sex": "m", "birth_year": 1980}],
        "notes": "",
    }
    payload.update(overrides)
    return payload


def make_operation(*, lead: str, accepted=(), invited=(), status=OperationStatus.ACTIVE) -> JointOperation:
    """A joint operation written straight to the models (operation services belong to another module)."""
    today = timezone.now().date()
    operation = JointOperation.objects.create(
        code=f"JO-TEST-{JointOperation.objects.count() + 1:03d}",
        name="Mekong Sweep",
        lead_agency=agency(lead),
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=30),
        status=status,
    )
    Participation.objects.create(
        operation=operation, agency=agency(lead), role=ParticipantRole.LEAD, status=ParticipantStatus.ACCEPTED
    )
    for code in accepted:
        Participation.objects.create(
            operation=operation,
            agency=agency(code),
            role=ParticipantRole.PARTICIPANT,
            status=ParticipantStatus.ACCEPTED,
        )
    for code in invited:
        Participation.objects.create(
            operation=operation, agency=agency(code), role=ParticipantRole.PARTICIPANT, status=ParticipantStatus.INVITED
        )
    return operation


@pytest.fixture
def payload():
    return seizure_payload()
