"""Seizures recorded through the seizure services, so matching runs as in production."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone


@pytest.fixture
def record():
    """record(user, identifiers=[(kind, value)], sharing="members", submit=True) -> Seizure."""
    from cases.seizures.services import seizure_create, seizure_submit

    def make(user, identifiers, *, sharing="members", submit=True, shared_with=()):
        seizure = seizure_create(
            by=user,
            data={
                "occurred_at": timezone.now() - dt.timedelta(days=2),
                "transport_mode": "sea_container",
                "detection_method": "xray",
                "location": "Secret warehouse 7",
                "concealment": "False floor of a reefer",
                "origin_country": "TH",
                "destination_country": "KR",
                "sharing": sharing,
                "shared_with": list(shared_with),
                "notes": "Informant CODE-NIGHTJAR",
                "items": [{"drug": "methamphetamine", "quantity": "12.5", "unit": "kg"}],
                "identifiers": [{"kind": kind, "value": value} for kind, value in identifiers],
            },
        )
        if submit:
            seizure = seizure_submit(seizure=seizure, by=user)
        return seizure

    return make
