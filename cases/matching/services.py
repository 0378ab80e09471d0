"""Cross-agency matching (filled in by the matching module)."""

from __future__ import annotations


def match_seizure(*, seizure) -> list:
    """Look the seizure's normalised identifiers up against other agencies' seizures.

    Called by seizure services after submit, and after identifiers change on a shared seizure.
    Returns the new matches.
    """
    return []
