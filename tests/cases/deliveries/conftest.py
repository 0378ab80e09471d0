from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from members.models import Role
from tests.factories import UserFactory, agency


@pytest.fixture
def hoa(db):
    """Vietnamese coordinator: not on the delivery."""
    return UserFactory(email="hoa@gdvc.test", full_name="Hoa", agency=agency("GDVC"), role=Role.COORDINATOR)


def th_to_kr(eta: dt.datetime | None = None) -> dict:
    """KCS asks for a delivery from Laem Chabang through Bangkok airport to Incheon: a Thai leg, a Korean leg."""
    eta = eta or timezone.now() + dt.timedelta(days=2)
    return {
        "legal_basis": "Article 11 of the 1988 UN Convention; MoU KCS–TCD 2019",
        "consignment": {
            "description": "Reefer container of frozen durian, 40 kg crystal methamphetamine in the lining",
            "drug": "methamphetamine",
            "estimated_quantity": "40",
            "unit": "kg",
            "identifiers": [{"kind": "container", "value": "csqu 305438-3"}],
        },
        "legs": [
            {
                "agency": "TCD",
                "from_place": "THLCH",
                "to_place": "BKK",
                "transport_mode": "land_vehicle",
                "eta": eta.isoformat(),
            },
            {
                "agency": "KCS",
                "from_place": "BKK",
                "to_place": "ICN",
                "transport_mode": "air_cargo",
                "eta": (eta + dt.timedelta(hours=8)).isoformat(),
            },
        ],
    }
