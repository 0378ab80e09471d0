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


@pytest.fixture
def watch():
    """watch(user, values=[(kind, value)], sharing="members", shared_with=(), title=...) -> Lookout,
    created through the lookout service (no retro-hunt unless asked)."""
    from cases.lookouts.services import lookout_create

    def make(user, values, *, sharing="members", shared_with=(), title="Reefer watch", reason="Informant tip"):
        return lookout_create(
            by=user,
            data={
                "title": title,
                "reason": reason,
                "expires_at": timezone.now() + dt.timedelta(days=30),
                "sharing": sharing,
                "shared_with": list(shared_with),
                "values": [{"kind": kind, "value": value} for kind, value in values],
            },
            retro=False,
        )

    return make
