"""Seizures recorded through the seizure services (matching's `record`, one fixture for both) and
lookouts created through the lookout service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.cases.matching.conftest import record

__all__ = ["record", "watch"]


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
