"""Alert services: the transactional outbox (DESIGN.md "Alerts").

Other modules call these inside their own transaction; each writes an Alert and one Delivery
per recipient agency, and queues delivery on commit.
"""

from __future__ import annotations

# The signatures below are the contract other modules call; bodies are filled in by the
# alerts module.


def alert_seizure_submitted(*, seizure, by) -> None:
    """Tell the agencies of the countries on the seizure's route that may see it (once each)."""


def alert_operation_invite(*, operation, agencies, by) -> None:
    """Tell each invited agency of the invitation."""


def alert_assignment(*, assignment, by) -> None:
    """Tell the assigned agency of a new assignment."""


def alert_match(*, match) -> None:
    """Tell both agencies of a new cross-agency match (no detail of a seizure they cannot see)."""


def alert_access_request(*, access_request) -> None:
    """Tell the owner of a hidden matched seizure that another agency asks to see it."""
