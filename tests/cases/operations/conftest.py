"""Operation personas: one joint operation led by KCS, seen from every relation to it.

- park (KCS coordinator) leads it; kim (KCS officer) belongs to the lead agency;
- TCD accepted as participant: niran (coordinator) and somchai (officer);
- SC accepted as observer: tan (coordinator);
- RMCD invited, has not answered: aziz (coordinator);
- BOC was never invited: reyes (coordinator), the outsider.
"""

from __future__ import annotations

import datetime as dt

import pytest

from cases.operations import services
from members.models import Role
from tests.factories import UserFactory, agency


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Each test signs up seven personas; Argon2 at production cost would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def tan(db):
    """Singaporean coordinator: the observer."""
    return UserFactory(email="tan@sc.test", full_name="Tan", agency=agency("SC"), role=Role.COORDINATOR)


@pytest.fixture
def aziz(db):
    """Malaysian coordinator: invited, not yet answered."""
    return UserFactory(email="aziz@rmcd.test", full_name="Aziz", agency=agency("RMCD"), role=Role.COORDINATOR)


@pytest.fixture
def reyes(db):
    """Philippine coordinator: the outsider."""
    return UserFactory(email="reyes@boc.test", full_name="Reyes", agency=agency("BOC"), role=Role.COORDINATOR)


def make_operation(by, **overrides):
    fields = {
        "name": "ICE BREAK",
        "starts_on": dt.date(2026, 3, 1),
        "ends_on": dt.date(2026, 3, 31),
        "target_drugs": ["methamphetamine"],
        "transport_modes": ["sea_container", "express_courier"],
    }
    fields.update(overrides)
    return services.operation_create(by=by, **fields)


@pytest.fixture
def operation(park, kim, niran, somchai, tan, aziz, reyes):
    """A planned operation: TCD participant (accepted), SC observer (accepted), RMCD invited."""
    op = make_operation(park)
    services.operation_invite(operation=op, agencies=[agency("TCD"), agency("RMCD")], role="participant", by=park)
    services.operation_invite(operation=op, agencies=[agency("SC")], role="observer", by=park)
    services.operation_respond(operation=op, accept=True, by=niran)
    services.operation_respond(operation=op, accept=True, by=tan)
    op.refresh_from_db()
    return op


@pytest.fixture
def personas(park, kim, niran, somchai, tan, aziz, reyes):
    return {
        "lead_coordinator": park,
        "lead_officer": kim,
        "participant": niran,
        "participant_officer": somchai,
        "observer": tan,
        "invited": aziz,
        "outsider": reyes,
    }
